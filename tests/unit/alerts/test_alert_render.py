"""Unit tests for alerts.render. Area names/ids are real (IBGE); scores, drivers and runs are SYNTHETIC."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from alerts.render import percent, render_alert_email, subject_line, top_drivers

AREAS = pd.DataFrame(
    {
        "area_id": ["BRA", "BRA.PA", "BRA.1500107", "BRA.1500131", "BRA.MT"],
        "parent_id": [None, "BRA", "BRA.PA", "BRA.PA", "BRA"],
        "name": ["Brasil", "Pará", "Abaetetuba", "Abel Figueiredo", "Mato Grosso"],
        "level": ["0", "1", "2", "2", "1"],
    }
)
DRIVERS = json.dumps(
    [
        {"feature": "br_atlas_p_agro", "label": "share of jobs in farming", "contribution": 0.8},
        {"feature": "fl_lag1", "label": "cases found last year", "contribution": 0.5},
        {"feature": "br_atlas_t_freq", "label": "school attendance", "contribution": -0.6},
        {"feature": "br_atlas_idhm", "label": "human development index", "contribution": 0.1},
    ]
)


def items(rows: list[tuple[str, float]], **extra) -> pd.DataFrame:
    """Synthetic selected alerts for one subscription: (area_id, p)."""
    n = len(rows)
    frame = pd.DataFrame(
        {
            "subscription_id": [1] * n,
            "area_id": [a for a, _ in rows],
            "period": [date(2025, 1, 1)] * n,
            "horizon": [1] * n,
            "model_name": ["sdg87-brazil-forced-labour"] * n,
            "model_version": ["3"] * n,
            "p": [p for _, p in rows],
            "p_lo": [p / 2 for _, p in rows],
            "p_hi": [min(1.0, p * 1.5) for _, p in rows],
            "risk_class": ["high"] * n,
            "drivers": [DRIVERS] * n,
            "mlflow_run_id": ["0123456789abcdef"] * n,
            "data_vintage": [json.dumps({"br_mte_employer_list": "2026-04-06"})] * n,
            "reason": ["entered_high"] * n,
            "rank": list(range(1, n + 1)),
        }
    )
    return frame.assign(**extra)


def render(frame: pd.DataFrame, areas: pd.DataFrame = AREAS, **kwargs):
    kwargs = {
        "scope_area_id": "BRA.PA",
        "unsubscribe_url": "http://127.0.0.1:8087/unsubscribe?token=t",
        **kwargs,
    }
    return render_alert_email(frame, areas, **kwargs)


def test_subject_plural_and_singular():
    two = render(items([("BRA.1500107", 0.4), ("BRA.1500131", 0.3)]), n_more=10)
    one = render(items([("BRA.1500107", 0.4)]))
    assert two.subject == "High forced-labour risk: 12 municipalities in Pará (2025)"
    assert one.subject == "High forced-labour risk: 1 municipality in Pará (2025)"
    assert (
        subject_line(2, {"1"}, "Brasil", "medium", 2025)
        == "Medium or high forced-labour risk: 2 states in Brasil (2025)"
    )
    assert subject_line(1, {"1", "2"}, "Brasil", "high", 2025).endswith(": 1 area in Brasil (2025)")


def test_plain_text_is_readable_and_complete():
    text = render(items([("BRA.1500107", 0.234)]), recipient_name="Pará labour office").text
    assert text.startswith("Hello Pará labour office,")
    assert "1. Abaetetuba, Pará" in text
    assert "23% (90 % model interval 12% to 35%)" in text
    assert "Risk class: high (new: first alert for this area)" in text
    # top three drivers by |contribution|, with their direction; the fourth is left out
    assert "- share of jobs in farming: raises risk" in text
    assert "- school attendance: lowers risk" in text
    assert "- cases found last year: raises risk" in text
    assert "human development index" not in text
    assert "sdg87-brazil-forced-labour, version 3 (MLflow run 0123456789abcdef)" in text
    assert "br_mte_employer_list: 2026-04-06" in text
    assert "Target year: 2025, forecast 1 year(s) ahead" in text
    assert "never to individuals" in text
    assert "http://127.0.0.1:8087/unsubscribe?token=t" in text
    assert "<" not in text and "{{" not in text


def test_remainder_and_still_high_lines():
    text = render(items([("BRA.1500107", 0.4)]), n_more=1, n_still_high=2).text
    assert (
        "The 1 with the highest risk are listed; 1 more are in the attached CSV, each with its own reference"
        " and link to record what happened."
    ) in text
    assert "2 other areas from earlier alerts remain at high risk" in text


def test_malicious_area_name_is_escaped_in_html_and_harmless_in_subject():
    evil = AREAS.assign(
        name=AREAS["name"].where(AREAS["area_id"] != "BRA.1500107", "<script>alert(1)</script>")
    )
    evil = evil.assign(
        name=evil["name"].where(evil["area_id"] != "BRA.PA", "Pará\r\nBcc: victim@example.org")
    )
    out = render(items([("BRA.1500107", 0.4)]), areas=evil)
    assert "<script>" not in out.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out.html
    assert "\n" not in out.subject and "\r" not in out.subject
    assert out.subject.endswith("in Pará Bcc: victim@example.org (2025)")


def test_malicious_driver_label_is_escaped():
    bad = json.dumps([{"feature": "x", "label": '<img src=x onerror="steal()">', "contribution": 1.0}])
    html = render(items([("BRA.1500107", 0.4)], drivers=bad)).html
    assert "<img" not in html and "&lt;img" in html


def test_missing_drivers_range_and_provenance_say_so():
    frame = items(
        [("BRA.1500107", 0.004)], drivers=None, p_lo=None, p_hi=None, mlflow_run_id=None, data_vintage=None
    )
    text = render(frame).text
    assert "<1%" in text and "model interval" not in text
    assert "Main reasons: not recorded" in text
    assert "MLflow run not recorded" in text and "Data as of: not recorded" in text


def test_empty_selection_and_broken_json_are_refused():
    with pytest.raises(ValueError, match="empty selection"):
        render(items([]))
    with pytest.raises(ValueError, match="drivers of area BRA.1500107"):
        render(items([("BRA.1500107", 0.4)], drivers="[{not json"))


def test_percent_and_drivers_helpers():
    assert [percent(x) for x in (0.0, 0.001, 0.005, 0.234, 1.0, float("nan"))] == [
        "0%",
        "<1%",
        "1%",
        "23%",
        "100%",
        "unknown",
    ]
    assert top_drivers("[]", "A") == []
    assert top_drivers([{"feature": "f", "label": "", "contribution": -2}], "A") == [
        {"label": "f", "direction": "lowers risk"}
    ]


def test_drivers_without_a_usable_contribution_are_skipped():
    drivers = [
        {"feature": "a", "label": "nan driver", "contribution": float("nan")},
        {"feature": "b", "label": "missing driver"},
        {"feature": "c", "label": "text driver", "contribution": "lots"},
        {"feature": "d", "label": "real driver", "contribution": 0.2},
    ]
    assert top_drivers(drivers, "A") == [{"label": "real driver", "direction": "raises risk"}]
