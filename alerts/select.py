"""Decide which areas each subscription hears about this cycle (pure: frames in, new frames out).

Inputs
- ``scores``: one scoring cycle, one row per ``area_id`` (one period, horizon, model name and version);
  columns at least ``area_id, period, horizon, model_name, model_version, p, risk_class``; ``p`` in [0, 1].
  Any other score column (``p_lo``, ``p_hi``, ``drivers``, ``mlflow_run_id``, ``data_vintage``) is carried
  through to the output unchanged.
- ``areas``: ``area_id, parent_id`` (the scope of a subscription is its area and every descendant).
- ``subscriptions``: ``subscription_id, scope_area_id`` and optionally ``min_class`` (missing: ``high``)
  and ``cadence`` (``immediate``, ``weekly``, ``monthly``; missing: ``immediate``).
- ``history``: alerts already decided, ``subscription_id, area_id, period, horizon, model_name,
  model_version, risk_class, p`` (any period and model version).
- ``states`` (optional): the alert state per (``subscription_id``, ``area_id``): ``state`` (``open`` /
  ``closed``), ``risk_class`` and ``p`` of the last alert, ``alerted_on`` (date). Without it, every area
  with an earlier alert counts as open at the values of its latest alert.

Rules (see ``docs/adr/0030-alert-selection-rules.md`` and ``0033-alert-hysteresis-cooldown-all-clear.md``)
- *In class*: ``risk_class`` ranks at or above the subscription's ``min_class``. An area **enters** (opens)
  when it is in class and not open: ``entered_high``. An open area **leaves** (closes) only when ``p``
  falls below ``leave_p`` (hysteresis): it is not e-mailed, and it can enter again later.
- An open area in class is re-alerted as ``rose`` when its class now ranks higher than at its last alert,
  or (cooldown over) when ``p`` is at least ``min_rise`` above it; after the cooldown (``cooldown_days``
  since ``alerted_on``) an unchanged area is re-alerted as ``reminder``. Otherwise it is *still high*:
  counted, not repeated. A digest (weekly/monthly cadence) with anything new also lists its still-high
  areas as ``still_high_digest``.
- Never twice for the same cycle: an area already alerted to the subscription for the same period,
  horizon, model name and version is dropped.
- Skill gate: with ``skilled=False`` (the model does not beat its baselines) nothing is selected and no
  state changes; the summary says so.
- Every area that enters or is re-alerted is selected and recorded; ``top_n`` only decides which of them
  the message body lists (``in_body``): the ``top_n`` with the highest ``p`` (ties by ``area_id``). The
  rest (``n_more``) reach the officer in the attached CSV with their own alert reference, so an outcome
  can be recorded for each, and they open like the listed ones (no second "new" alert next cycle).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import NamedTuple

import numpy as np
import pandas as pd

CLASS_RANK = {"low": 0, "medium": 1, "high": 2}
DEFAULT_MIN_CLASS = "high"
DEFAULT_TOP_N = 25
DEFAULT_MIN_RISE = 0.05
CYCLE_KEY = ["period", "horizon", "model_name", "model_version"]
SCORE_COLUMNS = ["area_id", *CYCLE_KEY, "p", "risk_class"]
HISTORY_COLUMNS = ["subscription_id", "area_id", *CYCLE_KEY, "risk_class", "p"]
STATE_COLUMNS = ["subscription_id", "area_id", "state", "risk_class", "p", "alerted_on"]
NEW_REASONS = ("entered_high", "rose", "reminder")
SUMMARY_COLUMNS = [
    "subscription_id",
    "n_in_class",
    "n_already_alerted",
    "n_still_high",
    "n_left",
    "n_selected",
    "n_more",
    "skill_gated",
]


class Selection(NamedTuple):
    """``alerts``: one row per (subscription_id, area_id) to put in this cycle's message, with ``reason``,
    ``rank`` (1 = first in the message: the listed areas by ``p``, then the digest's still-high ones, then
    the areas only in the CSV) and ``in_body`` (listed in the message body) added to the score columns.
    ``summary``: one row per subscription
    with counts ``n_in_class`` (areas in scope and class), ``n_already_alerted`` (same cycle, dropped),
    ``n_still_high`` (open, unchanged, not repeated), ``n_left`` (open areas that closed), ``n_selected``
    (rows in ``alerts``, all recorded), ``n_more`` (of those, the new areas beyond ``top_n``: CSV only)
    and ``skill_gated``. ``states``: the
    :data:`STATE_COLUMNS` rows to store if the message is sent (opened, re-alerted or closed areas)."""

    alerts: pd.DataFrame
    summary: pd.DataFrame
    states: pd.DataFrame


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


def _children(areas: pd.DataFrame) -> dict[str, list[str]]:
    """``parent_id`` → its child ``area_id`` values."""
    children: dict[str, list[str]] = defaultdict(list)
    for area_id, parent_id in zip(areas["area_id"].tolist(), areas["parent_id"].tolist(), strict=True):
        if isinstance(parent_id, str) and parent_id:
            children[parent_id].append(area_id)
    return children


def scope_members(
    areas: pd.DataFrame, scope_area_id: str, children: dict[str, list[str]] | None = None
) -> frozenset[str]:
    """The scope area and every area below it through the ``parent_id`` chain (cycles are ignored).

    ``children`` is ``_children(areas)`` when already built (one build for many scopes)."""
    children = _children(areas) if children is None else children
    members = {scope_area_id}
    frontier = [scope_area_id]
    while frontier:
        node = frontier.pop()
        for child in children.get(node, ()):
            if child not in members:
                members.add(child)
                frontier.append(child)
    return frozenset(members)


class _Lookups:
    """What every subscription of one call reads, built once: the area tree, each score row's position,
    the score rows of each scope (cached by ``scope_area_id``), and history/state rows per subscription."""

    def __init__(self, scores: pd.DataFrame, areas: pd.DataFrame, history, states):
        self.scores, self.areas = scores, areas
        self.children = _children(areas)
        self.position = {a: i for i, a in enumerate(scores["area_id"].tolist())}
        self.p = scores["p"].to_numpy(dtype="float64")
        self.has_p = ~np.isnan(self.p)
        self.rank = np.full(len(scores), -1)
        self.rank[self.has_p] = _class_rank(scores.loc[self.has_p, "risk_class"], "scores").to_numpy()
        self._scopes: dict[str, np.ndarray] = {}
        self._in_class: dict[tuple[str, int], np.ndarray] = {}
        self.history = dict(tuple(history.groupby("subscription_id", sort=False)))
        self.states = dict(tuple(states.groupby("subscription_id", sort=False)))
        self.empty_history, self.empty_states = history.iloc[0:0], states.iloc[0:0]
        self.nowhere = np.zeros(len(scores), dtype=bool)
        self.area_ids = scores["area_id"].to_numpy(dtype=object)
        self.id_rank = np.argsort(np.argsort(self.area_ids, kind="stable"), kind="stable")

    def scope_rows(self, scope_area_id: str) -> np.ndarray:
        """Positions (ascending) of the score rows with a ``p`` whose area is in the scope."""
        if scope_area_id not in self._scopes:
            members = scope_members(self.areas, scope_area_id, self.children)
            at = np.sort(np.array([self.position[a] for a in members if a in self.position], dtype="int64"))
            self._scopes[scope_area_id] = at[self.has_p[at]]
        return self._scopes[scope_area_id]

    def in_class(self, scope_area_id: str, min_rank: int) -> np.ndarray:
        """Positions (ascending) of the scope's rows whose class ranks at least ``min_rank``."""
        key = (scope_area_id, min_rank)
        if key not in self._in_class:
            at = self.scope_rows(scope_area_id)
            self._in_class[key] = at[self.rank[at] >= min_rank]
        return self._in_class[key]

    def mask(self, at: np.ndarray) -> np.ndarray:
        """Per score row: its position is in ``at``."""
        mask = np.zeros(len(self.scores), dtype=bool)
        mask[at] = True
        return mask

    def mask_of(self, area_ids) -> np.ndarray:
        """Per score row: its ``area_id`` is one of ``area_ids`` (ids without a score are ignored)."""
        mask = np.zeros(len(self.scores), dtype=bool)
        values = area_ids.tolist() if hasattr(area_ids, "tolist") else area_ids
        mask[[self.position[a] for a in values if a in self.position]] = True
        return mask


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


def states_from_history(history: pd.DataFrame) -> pd.DataFrame:
    """Open states at the latest earlier alert of each (subscription, area); ``alerted_on`` unknown."""
    latest = history.sort_values(["period", "p"]).groupby(["subscription_id", "area_id"], sort=False).tail(1)
    return latest.assign(state="open", alerted_on=pd.NaT)[STATE_COLUMNS].reset_index(drop=True)


def _reasons(cand: pd.DataFrame, prev: pd.DataFrame, rules: dict) -> pd.Series:
    """``entered_high`` / ``rose`` / ``reminder`` / ``still_high`` per in-class candidate row."""
    entered = pd.Series("entered_high", index=cand.index, dtype="str")
    prev = prev[prev["state"] == "open"].set_index("area_id")
    if prev.empty or cand.empty:
        return entered
    is_open = cand["area_id"].isin(prev.index)
    prev_rank = cand["area_id"].map(_class_rank(prev["risk_class"], "states"))
    prev_p = cand["area_id"].map(prev["p"].astype(float))
    cooldown = rules["cooldown_days"]
    if cooldown is None:
        cooled = pd.Series(True, index=cand.index)
    else:  # an unknown alert date (state rebuilt from history) never ends a cooldown
        since = cand["area_id"].map(pd.to_datetime(prev["alerted_on"]))
        cooled = (pd.Timestamp(rules["today"]) - since).dt.days.ge(cooldown).fillna(False).astype(bool)
    class_up = _class_rank(cand["risk_class"], "scores") > prev_rank
    p_up = cand["p"] >= prev_p + rules["min_rise"]
    reason = pd.Series("still_high", index=cand.index, dtype="str")
    if cooldown is not None:
        reason = reason.where(~cooled, "reminder")
    reason = reason.where(~(class_up | (p_up & cooled)), "rose")
    return reason.where(is_open, entered)


def _ordered(at: np.ndarray, lookups: _Lookups, n: int) -> np.ndarray:
    """The positions ``at`` of the ``n`` score rows with the highest ``p`` (ties by ``area_id``), in that
    order; only the rows with ``p`` at or above the ``n``-th largest are sorted."""
    if n <= 0:
        return at[:0]
    p = lookups.p
    if len(at) > n:
        at = at[p[at] >= np.partition(p[at], len(at) - n)[len(at) - n]]
    return at[np.lexsort((lookups.id_rank[at], -p[at]))][:n]


class _Decision(NamedTuple):
    """One subscription's decision as score-row positions: ``alerts`` (in rank order) with ``reasons`` and
    ``in_body``;
    ``states``: positions of the rows whose state changes, their ``state`` and ``alerted_on`` (two lists:
    the opened rows', the closed rows')."""

    alerts: np.ndarray
    reasons: list[str]
    in_body: list[bool]
    counts: dict
    states: np.ndarray
    state: list[str]
    alerted_on: list


def _for_subscription(sub: dict, lookups: _Lookups, rules) -> _Decision:
    min_class = sub.get("min_class") if isinstance(sub.get("min_class"), str) else DEFAULT_MIN_CLASS
    if min_class not in CLASS_RANK:
        raise ValueError(f"subscription {sub['subscription_id']} has unknown min_class {min_class!r}")
    digest = sub.get("cadence") in ("weekly", "monthly")
    scores = lookups.scores
    in_class_at = lookups.in_class(sub["scope_area_id"], CLASS_RANK[min_class])
    mine = lookups.history.get(sub["subscription_id"], lookups.empty_history)
    prev = lookups.states.get(sub["subscription_id"], lookups.empty_states)
    already = lookups.nowhere
    in_class = lookups.mask(in_class_at) if len(mine) or len(prev) else lookups.nowhere
    if len(mine) and len(in_class_at):
        first = int(in_class_at[0])  # one cycle: every row has the same key
        same_cycle = pd.Series(True, index=mine.index)
        for col in CYCLE_KEY:
            same_cycle &= mine[col] == scores[col].iloc[first]
        already = in_class & lookups.mask_of(mine.loc[same_cycle, "area_id"])
    prev_open = prev[prev["state"] == "open"] if len(prev) else prev
    open_reasons = np.array([], dtype=str)
    if len(prev_open) == 0 and already is lookups.nowhere:  # nothing open, nothing sent: all in class enter
        fresh, leaving, reopen = in_class_at, in_class_at[:0], in_class_at[:0]
    else:
        was_open = lookups.mask_of(prev_open["area_id"])
        leaving = np.flatnonzero(
            lookups.mask(lookups.scope_rows(sub["scope_area_id"])) & was_open & (lookups.p < rules["leave_p"])
        )
        candidates = in_class & ~already
        candidates[leaving] = False
        # Only open areas can be anything but ``entered_high``: their reasons are worked out on their rows.
        reopen = np.flatnonzero(candidates & was_open)
        if len(reopen):
            open_reasons = _reasons(scores.iloc[reopen], prev, rules).to_numpy()
        candidates[reopen[~np.isin(open_reasons, NEW_REASONS)]] = False
        fresh = np.flatnonzero(candidates)
    reason_at = dict(zip(reopen.tolist(), open_reasons.tolist(), strict=True))
    gated = not rules["skilled"]
    new = fresh[:0] if gated else _ordered(fresh, lookups, len(fresh))  # every one is recorded and opens
    n_new = len(new)
    n_listed = min(n_new, rules["top_n"])  # the body lists these; the rest are in the CSV only
    n_more = n_new - n_listed
    new_reasons = [reason_at.get(i, "entered_high") for i in new.tolist()]
    still = reopen[open_reasons == "still_high"]
    extra = _ordered(still, lookups, max(rules["top_n"] - n_new, 0)) if digest and n_new else still[:0]
    chosen = np.concatenate([new[:n_listed], extra, new[n_listed:]])
    reasons = new_reasons[:n_listed] + ["still_high_digest"] * len(extra) + new_reasons[n_listed:]
    in_body = [True] * (n_listed + len(extra)) + [False] * n_more
    if gated:
        leaving = leaving[:0]
    known = dict(zip(prev["area_id"], prev["alerted_on"], strict=True)) if len(leaving) else {}
    closed_on = [known.get(a) for a in lookups.area_ids[leaving].tolist()]
    counts = {
        "subscription_id": sub["subscription_id"],
        "n_in_class": len(in_class_at),
        "n_already_alerted": int(already.sum()),
        "n_still_high": 0 if digest and len(chosen) else len(still),
        "n_left": len(leaving),
        "n_selected": len(chosen),
        "n_more": n_more,
        "skill_gated": gated and len(fresh) > 0,
    }
    return _Decision(
        chosen, reasons, in_body, counts, np.concatenate([new, leaving]),
        ["open"] * n_new + ["closed"] * len(leaving), [[rules["today"]] * n_new, closed_on],
    )  # fmt: skip


def _rows(scores: pd.DataFrame, at: np.ndarray, columns: list[str] | None = None) -> pd.DataFrame:
    taken = scores.iloc[at] if columns is None else scores.iloc[at][columns]
    return taken.reset_index(drop=True)


def select_alerts(
    scores: pd.DataFrame,
    areas: pd.DataFrame,
    subscriptions: pd.DataFrame,
    history: pd.DataFrame,
    *,
    top_n: int = DEFAULT_TOP_N,
    min_rise: float = DEFAULT_MIN_RISE,
    states: pd.DataFrame | None = None,
    leave_p: float = 0.0,
    cooldown_days: int | None = None,
    today: date | None = None,
    skilled: bool = True,
) -> Selection:
    """Choose, per subscription, the areas to alert this cycle (rules in the module docstring).

    ``leave_p`` is the probability below which an open area closes (0: never closes on ``p``);
    ``cooldown_days`` None means no cooldown; ``today`` is the decision date (stored as ``alerted_on``).
    """
    if top_n < 1:
        raise ValueError(f"top_n must be at least 1, got {top_n}")
    if cooldown_days is not None and today is None:
        raise ValueError("a cooldown needs today's date")
    _require(scores, SCORE_COLUMNS, "scores")
    _require(areas, ["area_id", "parent_id"], "areas")
    _require(subscriptions, ["subscription_id", "scope_area_id"], "subscriptions")
    _require(history, HISTORY_COLUMNS, "history")
    _check_one_cycle(scores)
    if states is None:
        states = states_from_history(history)
    _require(states, STATE_COLUMNS, "states")
    rules = {"top_n": top_n, "min_rise": min_rise, "leave_p": leave_p, "cooldown_days": cooldown_days,
             "today": today, "skilled": skilled}  # fmt: skip
    out_columns = ["subscription_id", *scores.columns, "reason", "rank", "in_body"]
    lookups = _Lookups(scores, areas, history, states)
    decisions = [_for_subscription(sub, lookups, rules) for sub in subscriptions.to_dict("records")]
    summary = pd.DataFrame([d.counts for d in decisions], columns=SUMMARY_COLUMNS)
    if sum(len(d.alerts) for d in decisions):
        alerts = _rows(scores, np.concatenate([d.alerts for d in decisions])).assign(
            subscription_id=[d.counts["subscription_id"] for d in decisions for _ in d.alerts],
            reason=[r for d in decisions for r in d.reasons],
            rank=np.concatenate([np.arange(1, len(d.alerts) + 1) for d in decisions]),
            in_body=[b for d in decisions for b in d.in_body],
        )
    else:
        alerts = pd.DataFrame(columns=out_columns)
    if sum(len(d.states) for d in decisions):
        states_out = _rows(
            scores, np.concatenate([d.states for d in decisions]), ["area_id", "risk_class", "p"]
        )
        states_out = states_out.assign(
            subscription_id=[d.counts["subscription_id"] for d in decisions for _ in d.states],
            state=[s for d in decisions for s in d.state],
            # one Series per part, as each part's dates (or NaT from history) were always typed on their own
            alerted_on=pd.concat(
                [pd.Series(p) for d in decisions for p in d.alerted_on if p], ignore_index=True
            ),
        )[STATE_COLUMNS]
    else:
        states_out = pd.DataFrame(columns=STATE_COLUMNS)
    return Selection(alerts[out_columns], summary, states_out)
