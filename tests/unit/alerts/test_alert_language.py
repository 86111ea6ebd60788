"""Every part of every e-mail in the subscriber's language: sentences, driver labels, place names, notices.

Area names are real (IBGE); every score, interval and driver value is SYNTHETIC.
"""

from __future__ import annotations

import re
import string
from datetime import date

import pandas as pd
import pytest

from alerts.i18n import CATALOG, LANGUAGES, texts
from alerts.place_names import PT_STATE_PREPOSITION, in_place
from alerts.render import render_alert_email
from alerts.render_notices import render_all_clear, render_confirmation, render_no_assessment
from features.catalog import MODEL_FEATURES

AREAS = pd.DataFrame(
    {
        "area_id": ["BRA", "BRA.MA", "BRA.2101202", "BRA.2100055"],
        "parent_id": [None, "BRA", "BRA.MA", "BRA.MA"],
        "name": ["Brasil", "Maranhão", "Bacabal", "Açailândia"],
        "level": ["0", "1", "2", "2"],
    }
)
DRIVERS = [
    {"feature": "log_area_km2", "label": "Municipality area (natural log of km²)", "contribution": 0.9},
    {"feature": "years_since_event", "label": "Years since ... (empty if never)", "contribution": -0.7},
    {"feature": "census_agriculture_share", "label": "Workers employed in agriculture", "contribution": 0.4},
]


def _items(n: int = 2) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_id": ["BRA.2101202", "BRA.2100055"][:n], "period": [date(2024, 1, 1)] * n, "horizon": [1] * n,
            "model_name": ["brazil_risk"] * n, "model_version": ["3"] * n, "p": [0.41, 0.22][:n],
            "p_lo": [0.30, 0.15][:n], "p_hi": [0.55, 0.31][:n], "risk_class": ["high"] * n,
            "reason": ["entered_high"] * n, "rank": list(range(1, n + 1)), "drivers": [DRIVERS] * n,
            "mlflow_run_id": ["run1"] * n, "data_vintage": ['{"brazil_employer_list": "2026-11-24"}'] * n,
        }
    )  # fmt: skip


def _every_message(language: str, scope: str) -> str:
    name = AREAS.set_index("area_id").loc[scope, "name"]
    level = AREAS.set_index("area_id").loc[scope, "level"]
    alert = render_alert_email(
        _items(), AREAS, scope_area_id=scope, unsubscribe_url="http://x/u", language=language,
        recipient_name="Ana", feedback_urls={"BRA.2101202": "http://x/f"}, map_cid="m@x", csv_name="a.csv",
        n_more=3, n_still_high=1, n_left=1, freshness={"brazil_employer_list": "2026-11-24"},
        today=date(2026, 12, 1), alert_refs={"BRA.2101202": 7, "BRA.2100055": 8},
    )  # fmt: skip
    digest = render_alert_email(_items(1), AREAS, scope_area_id=scope, unsubscribe_url="u", language=language,
                                cadence="monthly", today=date(2026, 12, 1))  # fmt: skip
    place = {"scope_name": name, "scope_area_id": scope, "scope_level": level, "language": language}
    confirm = render_confirmation(recipient_name="Ana", role="x", min_class="medium", cadence="weekly",
                                  confirm_url="http://x/c", **place)  # fmt: skip
    clear = render_all_clear(recipient_name="", min_class="high", run_date=date(2026, 12, 1),
                             data_date=date(2026, 11, 24), n_open=2, unsubscribe_url="http://x/u", **place)  # fmt: skip
    none = render_no_assessment(
        recipient_name="", run_date=date(2026, 12, 1), unsubscribe_url="http://x/u", **place
    )
    return "\n".join(
        part for m in (alert, digest, confirm, clear, none) for part in (m.subject, m.text, m.html)
    )


def _english_fragments(language: str) -> set[str]:
    """Runs of 3+ words of English catalogue texts that the language words differently."""
    fragments = set()
    for key, english in CATALOG["en"].items():
        if key.startswith(("web_", "mail_", "outcome_", "csv_")) or texts(language)[key] == english:
            continue
        for literal, *_ in string.Formatter().parse(english):
            for piece in re.split(r"[.:;,()|]", literal):
                if len(piece.split()) >= 3:
                    fragments.add(piece.strip())
    return fragments


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
@pytest.mark.parametrize("scope", ["BRA", "BRA.MA"])
def test_no_english_sentence_or_label_is_left_in_any_message(language, scope):
    out = _every_message(language, scope)
    leaked = sorted(f for f in _english_fragments(language) if f in out)
    assert leaked == []
    for english in ("raises risk", "lowers risk", "Municipality area", "natural log", "empty if never",
                    "likely", "in Brazil", "Brazil"):  # fmt: skip
        assert english not in out, english
    assert texts(language)["driver_log_area_km2"] in out


def test_every_model_feature_has_a_plain_driver_label_in_every_language():
    for language in LANGUAGES:
        for feature in MODEL_FEATURES:
            label = texts(language)[f"driver_{feature}"]
            assert label and not re.search(r"empty if|if never|if none|natural log|\(1 = ", label), (
                language,
                feature,
            )


def test_places_take_their_article_in_portuguese_and_brazil_its_name():
    assert in_place("BRA.MA", "Maranhão", "1", "pt") == "no Maranhão"
    assert in_place("BRA.BA", "Bahia", "1", "pt") == "na Bahia"
    assert in_place("BRA.MG", "Minas Gerais", "1", "pt") == "em Minas Gerais"
    assert in_place("BRA.PA", "Pará", "1", "pt") == "no Pará"
    assert in_place("BRA", "Brasil", "0", "pt") == "no Brasil"
    assert in_place("BRA", "Brasil", "0", "en") == "in Brazil"
    assert in_place("BRA", "Brasil", "0", "fr") == "au Brésil"
    assert in_place("BRA.2101202", "Bacabal", "2", "pt") == "em Bacabal"
    assert len(PT_STATE_PREPOSITION) == 27
    pt = _every_message("pt", "BRA.MA")
    assert "municípios no Maranhão (2024)" in pt and "em Maranhão" not in pt
    en = _every_message("en", "BRA")
    assert "municipalities in Brazil (2024)" in en and "Brasil" not in en


def test_a_past_target_year_is_explained_and_the_interval_named():
    past = render_alert_email(
        _items(1), AREAS, scope_area_id="BRA.MA", unsubscribe_url="u", today=date(2026, 12, 1)
    )
    assert "2024 is the latest year the model can be checked against" in past.text
    assert "41% (90 % model interval 30% to 55%)" in past.text
    assert "inside their range at least 90 % of the time" in past.text
    current = render_alert_email(
        _items(1), AREAS, scope_area_id="BRA.MA", unsubscribe_url="u", today=date(2024, 3, 1)
    )
    assert "latest year the model can be checked" not in current.text
