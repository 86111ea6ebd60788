"""Decide which areas each subscription hears about this cycle (pure: frames in, new frames out).

Inputs
- ``scores``: one scoring cycle, one row per ``area_id`` (one period, horizon, model name and version);
  columns at least ``area_id, period, horizon, model_name, model_version, p, risk_class``; ``p`` in [0, 1].
  Any other score column (``p_lo``, ``p_hi``, ``drivers``, ``mlflow_run_id``, ``data_vintage``) is carried
  through to the output unchanged.
- ``areas``: ``area_id, parent_id`` (the scope of a subscription is its area and every descendant).
- ``subscriptions``: ``subscription_id, scope_area_id, min_class`` (``min_class`` missing means ``high``).
- ``history``: alerts already decided, ``subscription_id, area_id, period, horizon, model_name,
  model_version, risk_class, p`` (any period and model version).

Rules (see ``docs/adr/0030-alert-selection-rules.md``)
- An area is *in class* when its ``risk_class`` ranks at or above the subscription's ``min_class``.
- Never twice for the same cycle: an area already alerted to the subscription for the same period, horizon,
  model name and version is dropped.
- ``entered_high``: the subscription was never alerted about the area. ``rose``: it was, and now the class
  ranks higher or ``p`` is at least ``min_rise`` above the latest earlier alert. Otherwise the area is
  *still high*: counted, not re-sent (a digest covers it).
- Top ``top_n`` per subscription by ``p`` (ties by ``area_id``); the rest are counted in ``n_more``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

import pandas as pd

CLASS_RANK = {"low": 0, "medium": 1, "high": 2}
DEFAULT_MIN_CLASS = "high"
DEFAULT_TOP_N = 25
DEFAULT_MIN_RISE = 0.05
CYCLE_KEY = ["period", "horizon", "model_name", "model_version"]
SCORE_COLUMNS = ["area_id", *CYCLE_KEY, "p", "risk_class"]
HISTORY_COLUMNS = ["subscription_id", "area_id", *CYCLE_KEY, "risk_class", "p"]
SUMMARY_COLUMNS = [
    "subscription_id",
    "n_in_class",
    "n_already_alerted",
    "n_still_high",
    "n_selected",
    "n_more",
]


class Selection(NamedTuple):
    """``alerts``: one row per (subscription_id, area_id) to put in this cycle's e-mail, with ``reason`` and
    ``rank`` (1 = highest ``p``) added to the score columns. ``summary``: one row per subscription with
    counts ``n_in_class`` (areas in scope and class), ``n_already_alerted`` (same cycle, dropped),
    ``n_still_high`` (alerted before, no rise), ``n_selected`` (rows in ``alerts``) and ``n_more`` (new or
    risen areas beyond ``top_n``, counted but not listed)."""

    alerts: pd.DataFrame
    summary: pd.DataFrame


def _require(frame: pd.DataFrame, columns: list[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks required columns {missing}")


def _class_rank(values: pd.Series, name: str) -> pd.Series:
    ranks = values.map(CLASS_RANK)
    unknown = sorted({str(v) for v in values[ranks.isna()]})
    if unknown:
        raise ValueError(f"{name} holds unknown risk classes {unknown}; expected one of {list(CLASS_RANK)}")
    return ranks.astype(int)


def scope_members(areas: pd.DataFrame, scope_area_id: str) -> frozenset[str]:
    """The scope area and every area below it through the ``parent_id`` chain (cycles are ignored)."""
    children: dict[str, list[str]] = defaultdict(list)
    for area_id, parent_id in zip(areas["area_id"], areas["parent_id"], strict=True):
        if isinstance(parent_id, str) and parent_id:
            children[parent_id].append(area_id)
    members = {scope_area_id}
    frontier = [scope_area_id]
    while frontier:
        node = frontier.pop()
        for child in children.get(node, ()):
            if child not in members:
                members.add(child)
                frontier.append(child)
    return frozenset(members)


def _check_one_cycle(scores: pd.DataFrame) -> None:
    if scores.empty:
        return
    cycles = scores[CYCLE_KEY].drop_duplicates()
    if len(cycles) > 1:
        raise ValueError(
            f"scores must hold one scoring cycle; got {len(cycles)} (period, horizon, model) keys"
        )
    duplicated = scores["area_id"][scores["area_id"].duplicated()].unique().tolist()
    if duplicated:
        raise ValueError(f"scores must hold one row per area_id; duplicated: {duplicated[:5]}")


def _reasons(candidates: pd.DataFrame, earlier: pd.DataFrame, min_rise: float) -> pd.Series:
    """``entered_high`` / ``rose`` / ``still_high`` per candidate row, against the latest earlier alert."""
    if earlier.empty:
        return pd.Series("entered_high", index=candidates.index, dtype="str")
    latest = earlier.sort_values(["period", "p"]).groupby("area_id", sort=False).tail(1).set_index("area_id")
    prev_rank = candidates["area_id"].map(_class_rank(latest["risk_class"], "history"))
    prev_p = candidates["area_id"].map(latest["p"])
    rank_now = _class_rank(candidates["risk_class"], "scores")
    rose = (rank_now > prev_rank) | (candidates["p"] >= prev_p + min_rise)
    reason = pd.Series("still_high", index=candidates.index, dtype="str")
    reason = reason.where(~rose, "rose")
    return reason.where(prev_rank.notna(), "entered_high")


def _for_subscription(
    sub: pd.Series,
    scores: pd.DataFrame,
    areas: pd.DataFrame,
    history: pd.DataFrame,
    top_n: int,
    min_rise: float,
) -> tuple[pd.DataFrame, dict]:
    min_class = sub["min_class"] if isinstance(sub["min_class"], str) else DEFAULT_MIN_CLASS
    if min_class not in CLASS_RANK:
        raise ValueError(f"subscription {sub['subscription_id']} has unknown min_class {min_class!r}")
    members = scope_members(areas, sub["scope_area_id"])
    in_scope = scores[scores["area_id"].isin(members) & scores["p"].notna()]
    in_class = in_scope[_class_rank(in_scope["risk_class"], "scores") >= CLASS_RANK[min_class]]
    mine = history[history["subscription_id"] == sub["subscription_id"]]
    same_cycle = pd.Series(not in_class.empty, index=mine.index)
    for col in CYCLE_KEY if not in_class.empty else ():
        same_cycle &= mine[col] == in_class[col].iloc[0]
    already = in_class["area_id"].isin(mine.loc[same_cycle, "area_id"])
    candidates = in_class[~already]
    reasons = _reasons(candidates, mine[~same_cycle & mine["area_id"].isin(candidates["area_id"])], min_rise)
    fresh = candidates.assign(reason=reasons)[reasons != "still_high"]
    fresh = fresh.sort_values(["p", "area_id"], ascending=[False, True])
    chosen = fresh.head(top_n).assign(
        subscription_id=sub["subscription_id"], rank=range(1, min(top_n, len(fresh)) + 1)
    )
    counts = {
        "subscription_id": sub["subscription_id"],
        "n_in_class": len(in_class),
        "n_already_alerted": int(already.sum()),
        "n_still_high": int((reasons == "still_high").sum()),
        "n_selected": len(chosen),
        "n_more": len(fresh) - len(chosen),
    }
    return chosen, counts


def select_alerts(
    scores: pd.DataFrame,
    areas: pd.DataFrame,
    subscriptions: pd.DataFrame,
    history: pd.DataFrame,
    *,
    top_n: int = DEFAULT_TOP_N,
    min_rise: float = DEFAULT_MIN_RISE,
) -> Selection:
    """Choose, per subscription, the areas to alert this cycle (rules in the module docstring)."""
    if top_n < 1:
        raise ValueError(f"top_n must be at least 1, got {top_n}")
    _require(scores, SCORE_COLUMNS, "scores")
    _require(areas, ["area_id", "parent_id"], "areas")
    _require(subscriptions, ["subscription_id", "scope_area_id"], "subscriptions")
    _require(history, HISTORY_COLUMNS, "history")
    _check_one_cycle(scores)
    subs = subscriptions if "min_class" in subscriptions.columns else subscriptions.assign(min_class=None)
    out_columns = ["subscription_id", *scores.columns, "reason", "rank"]
    chosen, counts = [], []
    for _, sub in subs.iterrows():
        rows, count = _for_subscription(sub, scores, areas, history, top_n, min_rise)
        chosen.append(rows)
        counts.append(count)
    non_empty = [c for c in chosen if not c.empty]
    alerts = pd.concat(non_empty, ignore_index=True) if non_empty else pd.DataFrame(columns=out_columns)
    return Selection(alerts[out_columns], pd.DataFrame(counts, columns=SUMMARY_COLUMNS))
