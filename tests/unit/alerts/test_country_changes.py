"""Country-level alerts, pure: the change rule, scopes (country, region through parents), every word of
the message in all four languages. Estimate values are SYNTHETIC, made up for these tests."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from alerts.country_changes import changes_digest, country_changes, in_scope, render_country_changes
from alerts.i18n import LANGUAGES, texts
from alerts.place_names import in_place, local_name

P = date(2024, 1, 1)
NAMES = {"NER": "Niger", "MLI": "Mali", "BRA": "Brasil", "TCD": "Chad"}


def _run(rows):
    return pd.DataFrame(
        rows, columns=["area_id", "period", "prevalence", "p_lo", "p_hi", "intervention_type"]
    )


PREVIOUS = _run([
    ("NER", P, 40.0, 30.0, 50.0, "catalyst"),
    ("MLI", P, 30.0, 20.0, 40.0, "catalyst"),
    ("BRA", P, 5.0, 3.0, 7.0, None),
    ("TCD", P, 35.0, 25.0, 45.0, "momentum"),
])  # fmt: skip
CURRENT = _run([
    ("NER", P, 43.5, 33.0, 52.0, "catalyst"),  # moved 3.5 pp
    ("MLI", P, 31.0, 21.0, 41.0, "catalyst"),  # moved 1 pp: below the threshold
    ("BRA", P, 5.2, 3.1, 7.1, "momentum"),  # type appeared
    ("TCD", P, 35.0, 25.0, 45.0, "momentum"),  # unchanged
])  # fmt: skip


def test_estimate_moves_and_type_changes_are_listed():
    changes = country_changes(PREVIOUS, CURRENT, NAMES, min_change_pp=2.0)
    assert [(c.area_id, c.type_changed) for c in changes] == [("BRA", True), ("NER", False)]
    ner = changes[1]
    assert (ner.before, ner.after, ner.p_lo, ner.p_hi, ner.name) == (40.0, 43.5, 33.0, 52.0, "Niger")
    assert country_changes(PREVIOUS, PREVIOUS, NAMES, 2.0) == []
    assert [c.area_id for c in country_changes(PREVIOUS, CURRENT, NAMES, 0.5)] == ["BRA", "MLI", "NER"]


def test_scope_is_the_country_or_an_area_above_it():
    changes = country_changes(PREVIOUS, CURRENT, NAMES, 2.0)
    parents = {"NER": "SAHEL", "MLI": "SAHEL", "BRA": None, "SAHEL": None}
    assert [c.area_id for c in in_scope(changes, "NER", parents)] == ["NER"]
    assert [c.area_id for c in in_scope(changes, "SAHEL", parents)] == ["NER"]
    assert in_scope(changes, "MLI", parents) == []
    assert changes_digest(changes) == changes_digest(list(changes)) != changes_digest(changes[:1])


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_part_of_the_message_is_in_the_recipients_language(language):
    changes = country_changes(PREVIOUS, CURRENT, NAMES, 2.0)
    rendered = render_country_changes(
        recipient_name="Escritório", scope_name="Brasil", language=language, changes=changes[1:],
        run_date=date(2026, 12, 1), min_change_pp=2.0, unsubscribe_url="http://127.0.0.1:8087/u/x",
        scope_area_id="BRA", scope_level="0",
    )  # fmt: skip
    t = texts(language)
    where = in_place("BRA", "Brasil", "0", language)
    assert where == {"en": "in Brazil", "pt": "no Brasil", "es": "en Brasil", "fr": "au Brésil"}[language]
    assert rendered.subject == t["country_subject"].format(
        count=1, noun=t["country_noun"].split("|")[0], in_scope=where, run_date="2026-12-01"
    )
    body = rendered.text
    sep = "." if language == "en" else ","
    estimate = t["country_estimate"].format(
        name=local_name("NER", "Niger", language),
        before=f"40{sep}0",
        after=f"43{sep}5",
        lo=f"33{sep}0",
        hi=f"52{sep}0",
        year=2024,
    )
    assert f"- {estimate}\n" in body
    assert (
        t["country_intro"].format(
            count=1, noun=t["country_noun"].split("|")[0], in_scope=where, run_date="2026-12-01"
        )
        in body
    )
    assert t["country_why"].format(min_pp="2") in body
    assert t["unsubscribe"] in body and "http://127.0.0.1:8087/u/x" in rendered.html
    both = render_country_changes(
        recipient_name="", scope_name="Brasil", language=language, changes=changes,
        run_date=date(2026, 12, 1), min_change_pp=2.0, unsubscribe_url="http://127.0.0.1:8087/u/x",
    ).text  # fmt: skip
    brazil_type = t["country_type"].format(
        name=local_name("BRA", "Brasil", language),
        before=t["country_type_none"],
        after=t["country_type_momentum"],
    )
    assert f"- {brazil_type}\n" in both
    assert (
        local_name("BRA", "Brasil", language) + ": " + t["country_estimate"].split(":")[1][:8] not in both
    )  # moved 0.2 pp: no estimate line
    if language != "en":  # nothing left in English
        english = texts("en")
        for key in (
            "country_type_none",
            "country_type_momentum",
            "country_estimate",
            "country_why",
            "country_intro",
        ):
            assert english[key] != t[key]
        assert "intervention type" not in both and "estimate" not in both and "country" not in both.lower()
