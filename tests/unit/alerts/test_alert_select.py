"""Unit tests for alerts.select. Area names/ids are real (IBGE); every score and alert row is SYNTHETIC."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from alerts.select import HISTORY_COLUMNS, scope_members, select_alerts

Y2025 = date(2025, 1, 1)

AREAS = pd.DataFrame(
    {
        "area_id": ["BRA", "BRA.PA", "BRA.1500107", "BRA.1500131", "BRA.1500206", "BRA.MT", "BRA.5100102"],
        "parent_id": [None, "BRA", "BRA.PA", "BRA.PA", "BRA.PA", "BRA", "BRA.MT"],
        "name": ["Brasil", "Pará", "Abaetetuba", "Abel Figueiredo", "Acará", "Mato Grosso", "Acorizal"],
        "level": ["0", "1", "2", "2", "2", "1", "2"],
    }
)


def scores(rows: dict[str, tuple[float, str]], period: date = Y2025, version: str = "3") -> pd.DataFrame:
    """Synthetic scores: area_id -> (p, risk_class), one cycle."""
    return pd.DataFrame(
        {
            "area_id": list(rows),
            "period": [period] * len(rows),
            "horizon": [1] * len(rows),
            "model_name": ["m"] * len(rows),
            "model_version": [version] * len(rows),
            "p": [p for p, _ in rows.values()],
            "risk_class": [c for _, c in rows.values()],
        }
    )


def subs(*rows: tuple[int, str, str | None]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["subscription_id", "scope_area_id", "min_class"])


def history(*rows: tuple) -> pd.DataFrame:
    """Synthetic earlier alerts: (subscription_id, area_id, period, model_version, risk_class, p)."""
    return pd.DataFrame(
        [(s, a, per, 1, "m", v, c, p) for s, a, per, v, c, p in rows],
        columns=[
            "subscription_id",
            "area_id",
            "period",
            "horizon",
            "model_name",
            "model_version",
            "risk_class",
            "p",
        ],
    )[HISTORY_COLUMNS]


NO_HISTORY = history()
THREE_PA = {"BRA.1500107": (0.40, "high"), "BRA.1500131": (0.25, "high"), "BRA.1500206": (0.10, "medium")}


def test_scope_follows_parent_chain_to_all_descendants():
    assert scope_members(AREAS, "BRA.PA") == {"BRA.PA", "BRA.1500107", "BRA.1500131", "BRA.1500206"}
    assert scope_members(AREAS, "BRA") == set(AREAS["area_id"])
    assert scope_members(AREAS, "BRA.1500107") == {"BRA.1500107"}


def test_scope_survives_a_parent_cycle():
    looped = pd.DataFrame({"area_id": ["A", "B"], "parent_id": ["B", "A"]})
    assert scope_members(looped, "A") == {"A", "B"}


def test_state_scope_gets_only_its_municipalities_and_national_scope_gets_all():
    s = scores({**THREE_PA, "BRA.5100102": (0.9, "high")})
    sel = select_alerts(s, AREAS, subs((1, "BRA.PA", "high"), (2, "BRA", "high")), NO_HISTORY)
    by_sub = sel.alerts.groupby("subscription_id")["area_id"].apply(list).to_dict()
    assert by_sub == {1: ["BRA.1500107", "BRA.1500131"], 2: ["BRA.5100102", "BRA.1500107", "BRA.1500131"]}
    assert set(sel.alerts["reason"]) == {"entered_high"}


def test_class_threshold_is_inclusive_and_default_is_high():
    s = scores(THREE_PA)
    medium = select_alerts(s, AREAS, subs((1, "BRA.PA", "medium")), NO_HISTORY).alerts
    default = select_alerts(s, AREAS, subs((1, "BRA.PA", None)), NO_HISTORY).alerts
    low = select_alerts(scores({"BRA.1500107": (0.01, "low")}), AREAS, subs((1, "BRA.PA", "low")), NO_HISTORY)
    assert sorted(medium["area_id"]) == ["BRA.1500107", "BRA.1500131", "BRA.1500206"]
    assert sorted(default["area_id"]) == ["BRA.1500107", "BRA.1500131"]
    assert list(low.alerts["area_id"]) == ["BRA.1500107"]


def test_medium_area_is_not_alerted_to_a_high_subscription():
    sel = select_alerts(
        scores({"BRA.1500206": (0.19, "medium")}), AREAS, subs((1, "BRA.PA", "high")), NO_HISTORY
    )
    assert sel.alerts.empty
    assert sel.summary.loc[0, "n_in_class"] == 0


def test_already_alerted_for_same_cycle_is_not_alerted_again():
    earlier = history((1, "BRA.1500107", Y2025, "3", "high", 0.40))
    sel = select_alerts(scores(THREE_PA), AREAS, subs((1, "BRA.PA", "high")), earlier)
    assert list(sel.alerts["area_id"]) == ["BRA.1500131"]
    assert sel.summary.loc[0, "n_already_alerted"] == 1


def test_same_period_new_model_version_is_still_high_unless_it_rose():
    earlier = history(
        (1, "BRA.1500107", Y2025, "2", "high", 0.40),  # new version, same p: still high, not re-sent
        (1, "BRA.1500131", Y2025, "2", "medium", 0.15),  # was medium, now high: rose
    )
    sel = select_alerts(scores(THREE_PA), AREAS, subs((1, "BRA.PA", "high")), earlier)
    assert sel.alerts[["area_id", "reason"]].values.tolist() == [["BRA.1500131", "rose"]]
    assert sel.summary.loc[0, "n_still_high"] == 1


def test_probability_rise_counts_from_min_rise():
    earlier = history((1, "BRA.1500107", date(2024, 1, 1), "3", "high", 0.35))
    just = select_alerts(scores(THREE_PA), AREAS, subs((1, "BRA.PA", "high")), earlier, min_rise=0.05)
    short = select_alerts(scores(THREE_PA), AREAS, subs((1, "BRA.PA", "high")), earlier, min_rise=0.051)
    assert "BRA.1500107" in set(just.alerts.query("reason == 'rose'")["area_id"])
    assert "BRA.1500107" not in set(short.alerts["area_id"])


def test_top_n_decides_what_the_body_lists_and_every_area_is_recorded():
    rows = {"BRA.1500107": (0.30, "high"), "BRA.1500131": (0.90, "high"), "BRA.1500206": (0.30, "high")}
    sel = select_alerts(scores(rows), AREAS, subs((1, "BRA.PA", "high")), NO_HISTORY, top_n=2)
    assert sel.alerts[["area_id", "rank", "in_body"]].values.tolist() == [
        ["BRA.1500131", 1, True], ["BRA.1500107", 2, True], ["BRA.1500206", 3, False]
    ]  # fmt: skip
    assert sel.summary.loc[0, ["n_in_class", "n_selected", "n_more"]].tolist() == [3, 3, 1]
    assert sorted(sel.states["area_id"]) == sorted(rows)  # the CSV-only area opens like the others


def test_an_area_only_in_the_csv_is_not_new_again_next_cycle():
    rows = {"BRA.1500107": (0.30, "high"), "BRA.1500131": (0.90, "high"), "BRA.1500206": (0.20, "high")}
    first = select_alerts(scores(rows), AREAS, subs((1, "BRA.PA", "high")), NO_HISTORY, top_n=1)
    earlier = first.alerts[list(HISTORY_COLUMNS)]
    later = select_alerts(
        scores(rows, version="4"), AREAS, subs((1, "BRA.PA", "high")), earlier, top_n=1, states=first.states
    )
    assert later.alerts.empty
    assert later.summary.loc[0, ["n_still_high", "n_more"]].tolist() == [3, 0]


def test_empty_scores_give_no_alerts_and_zero_counts():
    sel = select_alerts(scores({}), AREAS, subs((1, "BRA.PA", "high"), (2, "BRA", None)), NO_HISTORY)
    assert sel.alerts.empty
    assert "reason" in sel.alerts.columns
    assert sel.summary["n_in_class"].tolist() == [0, 0]


def test_one_area_and_no_subscriptions():
    one = scores({"BRA.5100102": (0.5, "high")})
    sel = select_alerts(one, AREAS, subs((1, "BRA.MT", "high")), NO_HISTORY)
    assert sel.alerts[["area_id", "rank", "reason"]].values.tolist() == [["BRA.5100102", 1, "entered_high"]]
    nobody = select_alerts(one, AREAS, subs(), NO_HISTORY)
    assert nobody.alerts.empty and nobody.summary.empty


def test_nan_probability_is_never_alerted():
    s = scores({"BRA.1500107": (float("nan"), "high"), "BRA.1500131": (0.3, "high")})
    sel = select_alerts(s, AREAS, subs((1, "BRA.PA", "high")), NO_HISTORY)
    assert list(sel.alerts["area_id"]) == ["BRA.1500131"]


def test_arguments_are_not_mutated():
    s, a, sub, h = scores(THREE_PA), AREAS.copy(), subs((1, "BRA.PA", None)), NO_HISTORY.copy()
    before = [x.copy() for x in (s, a, sub, h)]
    select_alerts(s, a, sub, h)
    for old, new in zip(before, (s, a, sub, h), strict=True):
        pd.testing.assert_frame_equal(old, new)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (scores({"BRA.1500107": (0.4, "severe")}), "unknown risk classes"),
        (pd.concat([scores(THREE_PA), scores(THREE_PA)]), "one row per area_id"),
        (pd.concat([scores(THREE_PA), scores(THREE_PA, version="4")]), "one scoring cycle"),
        (scores(THREE_PA).drop(columns=["risk_class"]), "lacks required columns"),
    ],
)
def test_malformed_scores_are_refused(frame, message):
    with pytest.raises(ValueError, match=message):
        select_alerts(frame, AREAS, subs((1, "BRA.PA", "high")), NO_HISTORY)


def test_bad_min_class_and_top_n_are_refused():
    with pytest.raises(ValueError, match="min_class"):
        select_alerts(scores(THREE_PA), AREAS, subs((1, "BRA.PA", "severe")), NO_HISTORY)
    with pytest.raises(ValueError, match="top_n"):
        select_alerts(scores(THREE_PA), AREAS, subs((1, "BRA.PA", "high")), NO_HISTORY, top_n=0)
