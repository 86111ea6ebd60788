"""Hysteresis, cooldown, skill gate and digests in alerts.select. Area ids are real (IBGE); every score,
state and alert row is SYNTHETIC."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from test_alert_select import AREAS, NO_HISTORY, history, scores

from alerts.select import STATE_COLUMNS, select_alerts

TODAY = date(2026, 3, 1)
ABA, ABEL, ACARA = "BRA.1500107", "BRA.1500131", "BRA.1500206"


def subs(cadence: str = "immediate") -> pd.DataFrame:
    return pd.DataFrame(
        [(1, "BRA.PA", "high", cadence)], columns=["subscription_id", "scope_area_id", "min_class", "cadence"]
    )


def states(*rows: tuple) -> pd.DataFrame:
    """(area_id, state, risk_class, p, alerted_on) for subscription 1."""
    return pd.DataFrame([(1, *r) for r in rows], columns=STATE_COLUMNS)


def run(score_rows: dict, state_frame: pd.DataFrame | None = None, **kw):
    kw.setdefault("leave_p", 0.10)
    return select_alerts(scores(score_rows), AREAS, kw.pop("subscriptions", subs()), kw.pop("hist", NO_HISTORY),
                         states=state_frame if state_frame is not None else states(), today=TODAY, **kw)  # fmt: skip


def reasons(sel) -> dict[str, str]:
    return dict(zip(sel.alerts["area_id"], sel.alerts["reason"], strict=True))


def test_entering_opens_a_state_dated_today():
    sel = run({ABA: (0.40, "high"), ABEL: (0.08, "medium")})
    assert reasons(sel) == {ABA: "entered_high"}
    (row,) = sel.states.to_dict("records")
    assert row == {"subscription_id": 1, "area_id": ABA, "state": "open", "risk_class": "high", "p": 0.40,
                   "alerted_on": TODAY}  # fmt: skip


def test_hysteresis_open_area_between_cuts_stays_open_and_silent():
    # Dropped from high to medium but p stays above the leave cut: no e-mail, no state change.
    sel = run({ABA: (0.15, "medium")}, states((ABA, "open", "high", 0.40, date(2026, 1, 1))))
    assert sel.alerts.empty and sel.states.empty
    assert sel.summary.loc[0, "n_left"] == 0


def test_hysteresis_leaving_below_the_cut_closes_and_re_entry_alerts_again():
    opened = states((ABA, "open", "high", 0.40, date(2026, 1, 1)))
    left = run({ABA: (0.05, "low")}, opened)
    assert left.alerts.empty and left.summary.loc[0, "n_left"] == 1
    closed = left.states.assign(alerted_on=date(2026, 1, 1))
    assert closed.loc[0, "state"] == "closed"
    back = run({ABA: (0.30, "high")}, closed)
    assert reasons(back) == {ABA: "entered_high"}


def test_bouncing_around_the_entry_cut_without_leaving_sends_once():
    first = run({ABA: (0.21, "high")})
    state = first.states
    for p, cls in [(0.19, "medium"), (0.22, "high"), (0.18, "medium"), (0.21, "high")]:
        sel = run({ABA: (p, cls)}, state)
        assert sel.alerts.empty, (p, cls)


def test_cooldown_holds_a_small_rise_but_not_a_class_change():
    recent = states(
        (ABA, "open", "medium", 0.12, date(2026, 2, 15)), (ABEL, "open", "high", 0.25, date(2026, 2, 15))
    )
    sel = run({ABA: (0.30, "high"), ABEL: (0.40, "high")}, recent, cooldown_days=90, subscriptions=pd.DataFrame(
        [(1, "BRA.PA", "medium", "immediate")], columns=["subscription_id", "scope_area_id", "min_class", "cadence"]))  # fmt: skip
    assert reasons(sel) == {
        ABA: "rose"
    }  # class rose medium -> high; ABEL only rose in p, inside the cooldown
    assert sel.summary.loc[0, "n_still_high"] == 1


def test_after_the_cooldown_an_unchanged_area_is_a_reminder_and_a_rise_is_rose():
    old = states(
        (ABA, "open", "high", 0.40, date(2025, 10, 1)), (ABEL, "open", "high", 0.25, date(2025, 10, 1))
    )
    sel = run({ABA: (0.40, "high"), ABEL: (0.40, "high")}, old, cooldown_days=90)
    assert reasons(sel) == {ABA: "reminder", ABEL: "rose"}


def test_cooldown_without_a_date_is_refused():
    with pytest.raises(ValueError, match="today"):
        select_alerts(scores({ABA: (0.4, "high")}), AREAS, subs(), NO_HISTORY, cooldown_days=30)


def test_unknown_alert_date_never_ends_a_cooldown():
    rebuilt = states((ABA, "open", "high", 0.40, None))
    assert run({ABA: (0.41, "high")}, rebuilt, cooldown_days=90).alerts.empty


def test_skill_gate_selects_nothing_and_changes_no_state():
    sel = run({ABA: (0.40, "high"), ABEL: (0.05, "low")}, states((ABEL, "open", "high", 0.3, date(2026, 1, 1))),
              skilled=False)  # fmt: skip
    assert sel.alerts.empty and sel.states.empty
    assert bool(sel.summary.loc[0, "skill_gated"]) and sel.summary.loc[0, "n_more"] == 0


def test_digest_lists_new_areas_then_still_high_ones():
    open_before = states((ABEL, "open", "high", 0.25, date(2026, 1, 1)))
    sel = run({ABA: (0.40, "high"), ABEL: (0.25, "high")}, open_before, subscriptions=subs("weekly"))
    assert list(sel.alerts["area_id"]) == [ABA, ABEL]
    assert reasons(sel) == {ABA: "entered_high", ABEL: "still_high_digest"}
    assert list(sel.alerts["rank"]) == [1, 2] and sel.summary.loc[0, "n_still_high"] == 0
    assert list(sel.states["area_id"]) == [ABA]  # only the new area changes state


def test_digest_with_nothing_new_is_empty():
    open_before = states((ABEL, "open", "high", 0.25, date(2026, 1, 1)))
    assert run({ABEL: (0.25, "high")}, open_before, subscriptions=subs("monthly")).alerts.empty


def test_states_default_to_history_so_old_alerts_stay_open():
    hist = history((1, ABA, date(2024, 1, 1), "2", "high", 0.40))
    sel = select_alerts(scores({ABA: (0.41, "high")}), AREAS, subs(), hist)
    assert sel.alerts.empty and sel.summary.loc[0, "n_still_high"] == 1


def test_inputs_are_not_mutated():
    s, st = scores({ABA: (0.4, "high")}), states((ABEL, "open", "high", 0.3, date(2026, 1, 1)))
    before = (s.copy(), st.copy())
    select_alerts(s, AREAS, subs(), NO_HISTORY, states=st, leave_p=0.1, today=TODAY)
    pd.testing.assert_frame_equal(s, before[0])
    pd.testing.assert_frame_equal(st, before[1])


def test_nan_probability_neither_alerts_nor_closes():
    sel = run({ABA: (float("nan"), "high")}, states((ABA, "open", "high", 0.40, date(2026, 1, 1))))
    assert sel.alerts.empty and sel.states.empty
