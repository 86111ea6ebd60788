"""What a scope's dashboard shows (pure): the areas it may see, the alerted areas with their follow-up,
and each state's follow-up rate and delay.

Inputs
- ``areas``: ``area_id, parent_id, name, level`` (``1`` state, ``2`` municipality).
- ``scores``: one scoring cycle, one row per area: ``area_id, period, p, p_lo, p_hi, risk_class,
  drivers`` (probabilities in [0, 1]; ``drivers`` JSON as in :mod:`alerts.render`).
- ``alerts``: every alert carried by a sent e-mail: ``alert_id, area_id, period, reason, p, alerted_on``
  (date of the first e-mail carrying it). One area may hold several alerts in a cycle (the state's and
  the national subscription's); the dashboard shows the area once.
- ``feedback``: ``alert_id, outcome, action_date`` (outcomes of :mod:`pipelines.alerting.feedback`).

Definitions
- *visible*: the scope area and every area below it (:func:`alerts.select.scope_members`); nothing else.
- *follow-up status* of an alerted area, from the outcomes of all its alerts of the cycle, the most
  advanced first: ``confirmed``, ``false_alarm``, ``inspected``, ``referred``, ``no_action``, ``none``.
- *followed up*: status ``confirmed``, ``false_alarm``, ``inspected`` or ``referred`` (someone looked,
  as ``acted`` in :mod:`alerts.outcomes`); *follow-up rate*: followed-up areas over alerted areas.
- *delay*: days from the area's first alert of the cycle to its earliest referral, summarised with
  :func:`alerts.outcomes.delay_summary` (referrals dated before the alert are left out of the median).
- *previous p*: ``p`` of the area's latest alert in an earlier cycle (what changed), NaN when none.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from alerts.outcomes import delay_summary
from alerts.select import scope_members

STATUS_ORDER = ("confirmed", "false_alarm", "inspected", "referred", "no_action", "none")
FOLLOWED = frozenset(STATUS_ORDER[:4])
_STATUS_OF_OUTCOME = {
    "confirmed": "confirmed",
    "false_alarm": "false_alarm",
    "inspection": "inspected",
    "referred": "referred",
    "no_action": "no_action",
}
ROW_COLUMNS = [
    "area_id", "name", "state_id", "state", "p", "p_lo", "p_hi", "risk_class", "reason", "previous_p",
    "drivers", "status", "alerted_on", "days_since_alert", "referred_on", "delay_days",
]  # fmt: skip
STATE_COLUMNS = [
    "state_id",
    "state",
    "n_alerted",
    "n_followed",
    "follow_up_rate",
    "n_referred",
    "median_delay_days",
]
BANDS = ((5.0, "lt5"), (10.0, "5_10"), (20.0, "10_20"), (float("inf"), "ge20"))


def visible(areas: pd.DataFrame, scope_area_id: str) -> frozenset[str]:
    """The ``area_id`` a link for ``scope_area_id`` may read (empty for an unknown scope)."""
    if scope_area_id not in set(areas["area_id"]):
        return frozenset()
    return scope_members(areas, scope_area_id)


def follow_up_status(outcomes) -> str:
    """The most advanced status among ``outcomes`` (feedback outcome codes); ``none`` without any."""
    statuses = {_STATUS_OF_OUTCOME[o] for o in outcomes if o in _STATUS_OF_OUTCOME}
    return next((s for s in STATUS_ORDER if s in statuses), "none")


def state_ids(areas: pd.DataFrame) -> dict[str, str]:
    """``area_id`` -> its state's ``area_id`` (a state maps to itself; municipalities to their parent)."""
    level = dict(zip(areas["area_id"], areas["level"], strict=True))
    parent = dict(zip(areas["area_id"], areas["parent_id"], strict=True))
    return {a: (a if lvl == "1" else parent.get(a)) for a, lvl in level.items() if lvl in ("1", "2")}


def alert_rows(
    scores: pd.DataFrame,
    alerts: pd.DataFrame,
    feedback: pd.DataFrame,
    areas: pd.DataFrame,
    scope_area_id: str,
    today: date,
) -> pd.DataFrame:
    """One row per area of the scope alerted in the scores' cycle (:data:`ROW_COLUMNS`), highest ``p``
    first. ``days_since_alert`` and ``delay_days`` are whole days; ``alerted_on``, ``referred_on`` dates."""
    if scores.empty:
        return pd.DataFrame(columns=ROW_COLUMNS)
    members = visible(areas, scope_area_id)
    period = pd.Timestamp(scores["period"].iloc[0])
    periods = pd.to_datetime(alerts["period"])
    mine = alerts[alerts["area_id"].isin(members)]
    now = mine[periods[mine.index] == period]
    if now.empty:
        return pd.DataFrame(columns=ROW_COLUMNS)
    earlier = mine[periods[mine.index] < period].assign(period=periods)
    previous = earlier.sort_values(["period", "alert_id"]).groupby("area_id")["p"].last()
    fb = feedback[feedback["alert_id"].isin(set(now["alert_id"]))].merge(
        now[["alert_id", "area_id"]], on="alert_id"
    )
    outcomes = fb.groupby("area_id")["outcome"].agg(list)
    referred = pd.to_datetime(fb.loc[fb["outcome"] == "referred"].groupby("area_id")["action_date"].min())
    first = now.sort_values(["alerted_on", "alert_id"]).groupby("area_id").first()
    names = dict(zip(areas["area_id"], areas["name"], strict=True))
    states = state_ids(areas)
    score = scores.set_index("area_id")
    rows = []
    for area_id, alert in first.iterrows():
        alerted_on = pd.Timestamp(alert["alerted_on"]).normalize()
        referred_on = referred.get(area_id, pd.NaT)
        s = score.loc[area_id] if area_id in score.index else None
        state_id = states.get(area_id)
        rows.append(
            {
                "area_id": area_id, "name": names.get(area_id, area_id), "state_id": state_id,
                "state": names.get(state_id, state_id), "p": float(s["p"]) if s is not None else float(alert["p"]),
                "p_lo": s["p_lo"] if s is not None else None, "p_hi": s["p_hi"] if s is not None else None,
                "risk_class": s["risk_class"] if s is not None else None, "reason": alert["reason"],
                "previous_p": previous.get(area_id, float("nan")),
                "drivers": s["drivers"] if s is not None else None,
                "status": follow_up_status(outcomes.get(area_id, [])), "alerted_on": alerted_on.date(),
                "days_since_alert": (pd.Timestamp(today) - alerted_on).days,
                "referred_on": None if pd.isna(referred_on) else referred_on.date(),
                "delay_days": float("nan") if pd.isna(referred_on) else float((referred_on - alerted_on).days),
            }
        )  # fmt: skip
    out = pd.DataFrame(rows, columns=ROW_COLUMNS)
    return out.sort_values(["p", "area_id"], ascending=[False, True], ignore_index=True)


def state_follow_up(rows: pd.DataFrame) -> pd.DataFrame:
    """Per state of ``rows`` (:func:`alert_rows`): ``n_alerted`` areas, ``n_followed``, ``follow_up_rate``
    (share in [0, 1]), ``n_referred`` and ``median_delay_days`` (NaN without a referral)."""
    if rows.empty:
        return pd.DataFrame(columns=STATE_COLUMNS)
    delays = delay_summary(rows, "state_id").set_index("group")
    out = []
    for (state_id, state), g in rows.groupby(["state_id", "state"], dropna=False):
        followed = int(g["status"].isin(FOLLOWED).sum())
        d = delays.loc[str(state_id)] if str(state_id) in delays.index else None
        out.append(
            {
                "state_id": state_id, "state": state, "n_alerted": len(g), "n_followed": followed,
                "follow_up_rate": followed / len(g), "n_referred": int(d["n_referred"]) if d is not None else 0,
                "median_delay_days": float(d["median"]) if d is not None else float("nan"),
            }
        )  # fmt: skip
    return pd.DataFrame(out, columns=STATE_COLUMNS).sort_values("state", ignore_index=True)


def filter_rows(
    rows: pd.DataFrame, state_id: str | None = None, risk_class: str | None = None
) -> pd.DataFrame:
    """``rows`` (any frame with ``area_id``, ``risk_class`` and ``state_id``) of one state and/or one
    class; None keeps all."""
    keep = pd.Series(True, index=rows.index)
    if state_id:
        keep &= rows["state_id"] == state_id
    if risk_class:
        keep &= rows["risk_class"] == risk_class
    return rows[keep]


def prevalence_band(prevalence: float | None) -> str:
    """The map band of a prevalence in percent: ``lt5``, ``5_10``, ``10_20``, ``ge20``; ``none`` if unknown."""
    if prevalence is None or pd.isna(prevalence):
        return "none"
    return next(name for upper, name in BANDS if prevalence < upper)
