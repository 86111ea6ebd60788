"""The pure parts of the dashboard: what a scope sees, follow-up status, per-state rates and delays, the
SVG map. Area rows are real (IBGE names); scores, alerts, feedback and geometries are SYNTHETIC."""

from __future__ import annotations

import json
import math
import re
from datetime import date

import pandas as pd
import pytest
import shapely

from alerts.dashboard import (
    alert_rows,
    filter_rows,
    follow_up_status,
    prevalence_band,
    state_follow_up,
    visible,
)
from alerts.svg_map import svg_map

AREAS = pd.DataFrame(
    [("BRA", "0", None, "Brasil"), ("BRA.PA", "1", "BRA", "Pará"), ("BRA.MT", "1", "BRA", "Mato Grosso"),
     ("BRA.1500107", "2", "BRA.PA", "Abaetetuba"), ("BRA.1500131", "2", "BRA.PA", "Abel Figueiredo"),
     ("BRA.5100102", "2", "BRA.MT", "Acorizal")],
    columns=["area_id", "level", "parent_id", "name"],
)  # fmt: skip
CYCLE = date(2025, 1, 1)
SCORES = pd.DataFrame(
    [(a, CYCLE, p, p / 2, p * 1.5, c, json.dumps([{"label": "x", "contribution": 0.2}]))
     for a, p, c in (("BRA.1500107", 0.42, "high"), ("BRA.1500131", 0.27, "high"), ("BRA.5100102", 0.12, "medium"))],
    columns=["area_id", "period", "p", "p_lo", "p_hi", "risk_class", "drivers"],
)  # fmt: skip
ALERTS = pd.DataFrame(
    [(1, "BRA.1500107", date(2024, 1, 1), "entered_high", 0.30, pd.Timestamp("2025-03-01")),  # earlier cycle
     (2, "BRA.1500107", CYCLE, "rose", 0.42, pd.Timestamp("2026-01-10")),  # state office
     (3, "BRA.1500107", CYCLE, "rose", 0.42, pd.Timestamp("2026-01-05")),  # national unit, first
     (4, "BRA.1500131", CYCLE, "entered_high", 0.27, pd.Timestamp("2026-01-05")),
     (5, "BRA.5100102", CYCLE, "entered_high", 0.12, pd.Timestamp("2026-01-06"))],
    columns=["alert_id", "area_id", "period", "reason", "p", "alerted_on"],
)  # fmt: skip
FEEDBACK = pd.DataFrame(
    [(2, "referred", date(2026, 1, 15)), (3, "inspection", date(2026, 1, 20)), (1, "confirmed", date(2025, 4, 1))],
    columns=["alert_id", "outcome", "action_date"],
)  # fmt: skip
TODAY = date(2026, 2, 4)


def test_a_scope_sees_itself_and_what_is_below_it_only():
    assert visible(AREAS, "BRA.PA") == {"BRA.PA", "BRA.1500107", "BRA.1500131"}
    assert visible(AREAS, "BRA") == set(AREAS["area_id"])
    assert visible(AREAS, "BRA.XX") == frozenset()


@pytest.mark.parametrize(
    ("outcomes", "status"),
    [([], "none"), (["no_action"], "no_action"), (["referred", "no_action"], "referred"),
     (["inspection", "referred"], "inspected"), (["false_alarm", "inspection"], "false_alarm"),
     (["referred", "confirmed"], "confirmed"), (["something else"], "none")],
)  # fmt: skip
def test_follow_up_status_is_the_most_advanced_outcome(outcomes, status):
    assert follow_up_status(outcomes) == status


def test_alert_rows_one_per_area_with_follow_up_and_what_changed():
    rows = alert_rows(SCORES, ALERTS, FEEDBACK, AREAS, "BRA.PA", TODAY)
    assert rows["area_id"].tolist() == ["BRA.1500107", "BRA.1500131"]  # highest p first; no Mato Grosso
    first = rows.iloc[0]
    assert first["status"] == "inspected"  # both alerts of the cycle count; the earlier cycle's does not
    assert first["alerted_on"] == date(2026, 1, 5) and first["days_since_alert"] == 30
    assert first["referred_on"] == date(2026, 1, 15) and first["delay_days"] == 10
    assert first["previous_p"] == 0.30 and first["state"] == "Pará" and first["reason"] == "rose"
    second = rows.iloc[1]
    assert (
        second["status"] == "none" and math.isnan(second["previous_p"]) and math.isnan(second["delay_days"])
    )
    assert alert_rows(SCORES.iloc[0:0], ALERTS, FEEDBACK, AREAS, "BRA.PA", TODAY).empty


def test_state_rates_and_delays():
    rows = alert_rows(SCORES, ALERTS, FEEDBACK, AREAS, "BRA", TODAY)
    states = state_follow_up(rows).set_index("state")
    assert states.loc["Pará", "n_alerted"] == 2 and states.loc["Pará", "n_followed"] == 1
    assert states.loc["Pará", "follow_up_rate"] == 0.5 and states.loc["Pará", "median_delay_days"] == 10.0
    assert states.loc["Mato Grosso", "follow_up_rate"] == 0.0
    assert (
        math.isnan(states.loc["Mato Grosso", "median_delay_days"])
        and states.loc["Mato Grosso", "n_referred"] == 0
    )
    assert filter_rows(rows, "BRA.MT")["area_id"].tolist() == ["BRA.5100102"]
    assert filter_rows(rows, None, "medium")["area_id"].tolist() == ["BRA.5100102"]
    assert filter_rows(rows, "BRA.PA", "medium").empty


def test_prevalence_bands():
    assert [prevalence_band(v) for v in (0.0, 4.99, 5.0, 12.0, 20.0, None, float("nan"))] == [
        "lt5", "lt5", "5_10", "10_20", "ge20", "none", "none"
    ]  # fmt: skip


def test_svg_map_draws_each_area_escapes_names_and_outlines_alerts():
    geometries = pd.DataFrame(
        {"area_id": ["a", "b", "c"],
         "geometry_wkb": [shapely.to_wkb(shapely.box(0, 0, 1, 1)),
                          shapely.to_wkb(shapely.MultiPolygon([shapely.box(1, 0, 2, 1), shapely.box(3, 0, 4, 1)])),
                          None]}
    )  # fmt: skip
    svg = svg_map(geometries, {"a": "rc-high"}, ["a"], {"a": "<b>A & co</b>"}, width=400, label="map of x")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and 'viewBox="0 0 4000 1000"' in svg
    assert (
        svg.count("<path") == 2 and svg.count("M") == 3
    )  # the multipolygon keeps both parts; no geometry, no path
    assert "&lt;b&gt;A &amp; co&lt;/b&gt;" in svg and "<b>" not in svg
    assert svg.index('class="rc-none"') < svg.index('class="rc-high outlined"')  # alerted drawn on top
    assert svg == svg_map(
        geometries, {"a": "rc-high"}, ["a"], {"a": "<b>A & co</b>"}, width=400, label="map of x"
    )
    with pytest.raises(ValueError, match="no geometry"):
        svg_map(geometries.iloc[2:], {})


def _absolute_points(d: str) -> list[list[tuple[int, int]]]:
    """The rings of a path written as ``M x y l dx dy … z``, as absolute points."""
    rings = []
    for ring in re.findall(r"M([^z]*)z", d):
        start, _, steps = ring.partition("l")
        x, y = (int(v) for v in start.split())
        points, values = [(x, y)], [int(v) for v in re.findall(r"-?\d+", steps)]
        for dx, dy in zip(values[::2], values[1::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x, y))
        rings.append(points)
    return rings


def test_svg_map_paths_are_relative_steps_that_land_on_the_shape():
    # a unit square and an L-shape at the equator, 3 degrees drawn 300 px wide: a degree is 1000 user units
    l_shape = shapely.Polygon([(1, 0), (3, 0), (3, 1), (2, 1), (2, 0.5), (1, 0.5)])
    geometries = pd.DataFrame(
        {
            "area_id": ["a", "b"],
            "geometry_wkb": [shapely.to_wkb(shapely.box(0, 0, 1, 1)), shapely.to_wkb(l_shape)],
        }
    )
    svg = svg_map(geometries, {}, width=300)
    paths = dict(zip(re.findall(r"<title>(\w+)</title>", svg), re.findall(r' d="([^"]+)"', svg), strict=True))
    (square,) = _absolute_points(paths["a"])
    assert sorted(square) == [(0, 0), (0, 1000), (1000, 0), (1000, 1000)]
    (ell,) = _absolute_points(paths["b"])
    assert sorted(ell) == sorted([(1000, 1000), (3000, 1000), (3000, 0), (2000, 0), (2000, 500), (1000, 500)])
    assert "," not in svg and "." not in paths["b"]  # whole units only
