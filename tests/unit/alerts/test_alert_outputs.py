"""Schedules, translations, the map, the CSV, notices, outcome figures and the webhook document.

Area names are real (IBGE); every score, load, geometry and feedback row is SYNTHETIC.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import pandas as pd
import pytest
import shapely
from matplotlib.image import imread
from test_alert_render import AREAS, items

from alerts.i18n import CATALOG, LANGUAGES, texts
from alerts.maps import scope_map_png
from alerts.outcomes import SMALL_N, days_text, delay_summary, outcome_table, rates_by_class, share_text
from alerts.render import render_alert_email
from alerts.render_notices import render_all_clear, render_confirmation, render_no_assessment
from alerts.schedule import all_clear_due, digest_period, input_problems
from alerts.table import CSV_COLUMNS, header_columns, scores_csv
from alerts.webhook import webhook_payload

TODAY = date(2026, 3, 4)  # a Wednesday


def test_digest_periods_and_all_clear_cadence():
    assert digest_period("weekly", TODAY) == date(2026, 3, 2)
    assert digest_period("monthly", TODAY) == date(2026, 3, 1)
    assert digest_period("immediate", TODAY) is None
    with pytest.raises(ValueError):
        digest_period("hourly", TODAY)
    assert all_clear_due(None, TODAY, 28)
    assert all_clear_due(date(2026, 2, 4), TODAY, 28) and not all_clear_due(date(2026, 2, 5), TODAY, 28)


def loads(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["source", "last_status", "last_finished_at", "last_ok_at"])


def test_input_problems_name_rejected_stale_and_missing_sources():
    ok = datetime(2026, 3, 1, 12)
    frame = loads(("fresh", "published", ok, ok), ("gate", "rejected", ok, datetime(2026, 2, 1)),
                  ("old", "unchanged", datetime(2024, 1, 1), datetime(2024, 1, 1)), ("never", "rejected", ok, None))  # fmt: skip
    problems = input_problems(frame, ["fresh", "gate", "old", "never", "unknown"], TODAY, max_age_days=400)
    assert problems == [
        "gate: the latest load failed its data-quality gate (rejected)",
        "never: no successful load recorded",
        "old: newest successful load is 793 days old (limit 400)",
        "unknown: no successful load recorded",
    ]
    assert input_problems(frame, ["fresh"], TODAY, 400) == []
    assert input_problems(loads(), [], TODAY, 400) == []


def test_every_language_has_every_entry_and_renders():
    for lang in LANGUAGES:
        assert set(CATALOG[lang]) == set(CATALOG["en"])
        out = render_alert_email(items([("BRA.1500107", 0.234)]), AREAS, scope_area_id="BRA.PA",
                                 unsubscribe_url="http://x/u?token=t", language=lang, recipient_name="Ana")  # fmt: skip
        assert out.html.startswith("<!DOCTYPE html>") and f'lang="{lang}"' in out.html
        assert "Abaetetuba" in out.subject + out.text and "23%" in out.text
        assert "{" not in out.text and "{" not in out.subject
    assert texts("xx") is CATALOG["en"] and texts(None) is CATALOG["en"]
    assert "trabalho escravo" in render_alert_email(items([("BRA.1500107", 0.3)]), AREAS, scope_area_id="BRA.PA",
                                                    unsubscribe_url="u", language="pt").subject  # fmt: skip


def test_what_changed_feedback_links_map_and_csv_lines():
    frame = items([("BRA.1500107", 0.40)]).assign(reason="rose", previous_p=0.25)
    out = render_alert_email(frame, AREAS, scope_area_id="BRA.PA", unsubscribe_url="u",
                             feedback_urls={"BRA.1500107": "http://x/feedback?token=f"}, map_cid="m@x",
                             csv_name="a.csv", freshness={"brazil_employer_list": "2026-11-24"},
                             checks=["brazil_employer_list: run-1"])  # fmt: skip
    assert "risk rose since the last alert; was 25% at the last alert" in out.text
    assert "Record what was done: http://x/feedback?token=f" in out.text
    assert 'src="cid:m@x"' in out.html and "a.csv" in out.text
    assert "Last successful load of brazil_employer_list: 2026-11-24" in out.text
    assert "brazil_employer_list: run-1" in out.text


def test_dashboard_link_names_the_scope_in_every_language():
    for lang, words in (("en", "Open the map for Pará"), ("pt", "Abrir o mapa (Pará)"),
                        ("es", "Abrir el mapa de Pará"), ("fr", "Ouvrir la carte de Pará")):  # fmt: skip
        out = render_alert_email(items([("BRA.1500107", 0.4)]), AREAS, scope_area_id="BRA.PA", unsubscribe_url="u",
                                 language=lang, dashboard_url="http://x/dashboard?token=d&lang=" + lang)  # fmt: skip
        assert f"{words}: http://x/dashboard?token=d&lang={lang}" in out.text
        assert f'<a href="http://x/dashboard?token=d&amp;lang={lang}">{words}</a>' in out.html
    assert "Open the map" not in render_alert_email(items([("BRA.1500107", 0.4)]), AREAS, scope_area_id="BRA.PA",
                                                    unsubscribe_url="u").text  # fmt: skip


def test_digest_subject():
    out = render_alert_email(items([("BRA.1500107", 0.4)]), AREAS, scope_area_id="BRA.PA", unsubscribe_url="u",
                             cadence="weekly")  # fmt: skip
    assert out.subject == "Weekly digest: 1 municipality at high risk in Pará (2025)"


def test_notices_escape_names_and_carry_links():
    evil = "<script>x</script>\r\nBcc: a@b.org"
    confirm = render_confirmation(recipient_name=evil, scope_name="Pará", role="state office", min_class="high",
                                  cadence="weekly", language="es", confirm_url="http://x/confirm?token=c")  # fmt: skip
    assert "<script>" not in confirm.html and "&lt;script&gt;" in confirm.html
    assert "\n" not in confirm.subject and "http://x/confirm?token=c" in confirm.text
    clear = render_all_clear(recipient_name="", scope_name="Mato Grosso", min_class="high", language="en",
                             run_date=TODAY, data_date=None, n_open=0, unsubscribe_url="http://x/u")  # fmt: skip
    assert clear.subject == "No new high-risk areas in Mato Grosso (checked 2026-03-04)"
    assert "data up to not recorded" in clear.text and "http://x/u" in clear.html
    assert "Open the map" not in clear.text
    mapped = render_all_clear(recipient_name="", scope_name="Mato Grosso", min_class="high", language="pt",
                              run_date=TODAY, data_date=None, n_open=0, unsubscribe_url="http://x/u",
                              dashboard_url="http://x/dashboard?token=d")  # fmt: skip
    assert "Abrir o mapa (Mato Grosso): http://x/dashboard?token=d" in mapped.text
    assert 'href="http://x/dashboard?token=d"' in mapped.html
    notice = render_no_assessment(recipient_name="", scope_name="Pará", language="fr", run_date=TODAY,
                                  unsubscribe_url="http://x/u")  # fmt: skip
    assert notice.subject.startswith("Pas d'évaluation ce cycle pour Pará")


def _geoms(n: int) -> pd.DataFrame:
    # SYNTHETIC squares standing in for municipal boundaries.
    return pd.DataFrame({"area_id": [f"A{i}" for i in range(n)],
                         "geometry_wkb": [shapely.to_wkb(shapely.box(i, 0, i + 1, 1)) for i in range(n)]})  # fmt: skip


def test_map_is_a_readable_png_with_red_for_alerted_areas():
    png = scope_map_png(_geoms(3), ["A1"])
    pixels = imread(io.BytesIO(png))
    assert pixels.shape[0] == pixels.shape[1] == 480
    reddish = (pixels[..., 0] > 0.7) & (pixels[..., 1] < 0.3) & (pixels[..., 2] < 0.3)
    assert reddish.sum() > 100
    assert scope_map_png(_geoms(3), ["A1"]) == png  # deterministic bytes
    assert scope_map_png(_geoms(1), []) != png  # one area, none alerted: still draws


def test_map_without_geometry_is_refused():
    with pytest.raises(ValueError, match="no geometry"):
        scope_map_png(pd.DataFrame({"area_id": ["A"], "geometry_wkb": [None]}), ["A"])


def test_csv_ranks_rows_and_defuses_formulas():
    areas = pd.DataFrame(
        {"area_id": ["A", "B"], "parent_id": [None, "A"], "name": ["=HYPERLINK(1)", "Belém"]}
    )
    s = pd.DataFrame({"area_id": ["A", "B"], "period": [date(2025, 1, 1)] * 2, "p": [0.1, 0.5],
                      "p_lo": [float("nan"), 0.4], "p_hi": [0.2, 0.6], "risk_class": ["medium", "high"],
                      "model_name": ["m", "m"], "model_version": ["1", "1"]})  # fmt: skip
    text = scores_csv(s, areas, {"B": 17}, feedback_urls={"B": "https://x.example/f/17"}).decode("utf-8")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].split(",")[:2] == ["rank", "area_id"] and "alert_ref" in lines[0]
    assert lines[1] == (
        "1,B,Belém,'=HYPERLINK(1),0.5000,0.4000,0.6000,high,yes,17,https://x.example/f/17,2025-01-01,m,1"
    )
    assert lines[2] == "2,A,'=HYPERLINK(1),,0.1000,,0.2000,medium,no,,,2025-01-01,m,1"
    assert scores_csv(s.iloc[0:0], areas, {}).decode("utf-8").count("\n") == 1  # header only


@pytest.mark.parametrize("language", ["pt", "es", "fr"])
def test_csv_headers_and_words_are_in_the_subscribers_language(language):
    areas = pd.DataFrame({"area_id": ["B"], "parent_id": [None], "name": ["Belém"]})
    s = pd.DataFrame({"area_id": ["B"], "period": [date(2025, 1, 1)], "p": [0.5], "p_lo": [0.4], "p_hi": [0.6],
                      "risk_class": ["high"], "model_name": ["m"], "model_version": ["1"]})  # fmt: skip
    header, row = scores_csv(s, areas, {"B": 17}, language).decode("utf-8").lstrip("\ufeff").splitlines()
    english = scores_csv(s, areas, {"B": 17}).decode("utf-8").lstrip("\ufeff").splitlines()
    words = texts(language)
    assert header.split(",") == [words[f"csv_{c}"] for c in CSV_COLUMNS]
    assert [w for w in header.split(",") if w in english[0].split(",")] == []  # no English header left
    assert f",{words['class_high']},{words['csv_yes']},17," in row
    assert {header_columns()[w] for w in header.split(",")} == set(CSV_COLUMNS)


def test_outcome_figures():
    alerts = pd.DataFrame({"alert_id": [1, 2, 3, 4], "area_id": ["a", "b", "c", "d"],
                           "risk_class": ["high", "high", "medium", "high"], "state": ["Pará", "Pará", "Mato Grosso", "Pará"],
                           "role": ["state office"] * 3 + ["ministry"],
                           "alerted_on": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-01-10", "2026-01-01"])})  # fmt: skip
    feedback = pd.DataFrame({"alert_id": [1, 1, 2, 3, 4], "outcome": ["referred", "confirmed", "referred", "no_action", "referred"],
                             "action_date": ["2026-01-05", None, "2026-01-21", None, "2025-12-30"],
                             "confirmed_cases": [None, 3, None, None, None]})  # fmt: skip
    table = outcome_table(alerts, feedback)
    delays = table["delay_days"].tolist()
    assert delays[0] == 4 and delays[1] == 20 and pd.isna(delays[2]) and delays[3] == -2  # never clipped
    overall = delay_summary(table).iloc[0]
    assert overall["n_referred"] == 2 and overall["median"] == 12 and overall["n_before_alert"] == 1
    ministry = delay_summary(table, "role").set_index("group").loc["ministry"]
    assert ministry["n_referred"] == 0 and pd.isna(ministry["median"]) and ministry["n_before_alert"] == 1
    by_class = rates_by_class(table).set_index("risk_class")
    assert by_class.loc["high", "acted_share"] == 1.0 and by_class.loc["medium", "acted_share"] == 0.0
    assert (
        by_class.loc["high", "confirmed_rate"] == pytest.approx(1 / 3) and by_class.loc["high", "cases"] == 3
    )
    assert by_class.loc["high", "n_confirmed"] == 1 and by_class.loc["high", "n_feedback"] == 3
    empty = outcome_table(alerts.iloc[0:0], feedback.iloc[0:0])
    assert delay_summary(empty).empty and rates_by_class(empty).empty


def test_small_shares_are_written_as_counts_never_as_a_bare_percent():
    assert share_text(1, 1) == "1 of 1"  # never "100%" from one case
    assert share_text(0, 0) == "-"
    assert share_text(3, SMALL_N - 1) == f"3 of {SMALL_N - 1}"
    assert share_text(12, 40) == "12 of 40 (30%)"
    assert share_text(1, 1, "en") == "1 of 1" and days_text(4.5) == "4.5" and days_text(float("nan")) == "-"


@pytest.mark.parametrize(
    ("language", "one", "small", "many", "days"),
    [
        ("pt", "1 de 1", f"3 de {SMALL_N - 1}", "12 de 40 (30%)", "4,5"),
        ("es", "1 de 1", f"3 de {SMALL_N - 1}", "12 de 40 (30 %)", "4,5"),
        ("fr", "1 sur 1", f"3 sur {SMALL_N - 1}", "12 sur 40 (30 %)", "4,5"),
    ],
)
def test_shares_and_days_are_written_in_the_language_with_the_same_small_count_rule(
    language, one, small, many, days
):
    assert share_text(1, 1, language) == one  # still never a percent below SMALL_N cases
    assert share_text(3, SMALL_N - 1, language) == small
    assert share_text(12, 40, language) == many
    assert share_text(0, 0, language) == "-" and days_text(float("nan"), language) == "-"
    assert days_text(4.5, language) == days
    assert " of " not in share_text(12, 40, language)


def test_webhook_document_is_json_and_refuses_nothing_to_send():
    frame = items([("BRA.1500107", 0.4), ("BRA.1500131", 0.3)])
    doc = webhook_payload(pd.concat([frame, frame]), AREAS)
    assert json.loads(json.dumps(doc))["schema"] == "sdg87.alerts/1"
    assert [a["area_id"] for a in doc["areas"]] == ["BRA.1500107", "BRA.1500131"]
    assert doc["cycle"]["period"] == "2025-01-01" and doc["areas"][0]["name"] == "Abaetetuba"
    with pytest.raises(ValueError):
        webhook_payload(frame.iloc[0:0], AREAS)
