"""When to send what (pure): digest periods, the periodic all-clear, and whether inputs are usable.

Dates are calendar dates in UTC passed in by the caller; nothing here reads a clock.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd

LOAD_COLUMNS = ["source", "last_status", "last_finished_at", "last_ok_at"]


def digest_period(cadence: str, today: date) -> date | None:
    """First day of the digest period holding ``today``: the ISO week's Monday (``weekly``) or the
    month's first day (``monthly``); None for ``immediate``."""
    if cadence == "weekly":
        return today - timedelta(days=today.weekday())
    if cadence == "monthly":
        return today.replace(day=1)
    if cadence == "immediate":
        return None
    raise ValueError(f"unknown cadence {cadence!r}")


def all_clear_due(last_contact: date | None, today: date, every_days: int) -> bool:
    """True when a recipient heard nothing for ``every_days`` days (or never): time for an all-clear."""
    return last_contact is None or (today - last_contact).days >= every_days


def _as_date(value: object) -> date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def input_problems(loads: pd.DataFrame, sources: list[str], today: date, max_age_days: int) -> list[str]:
    """Why the scores' inputs cannot be trusted today; empty when they can.

    ``loads``: one row per source (:data:`LOAD_COLUMNS`): status and finish time of its latest load, and
    finish time of its latest successful one (``published`` or ``unchanged``). A source the scores used
    is a problem when it has no successful load, when its latest load was ``rejected`` by the data gate,
    or when its latest successful load finished more than ``max_age_days`` days before ``today``.
    """
    by_source = {row["source"]: row for row in loads.to_dict("records")}
    problems = []
    for source in sorted(set(sources)):
        row = by_source.get(source)
        last_ok = _as_date(row["last_ok_at"]) if row else None
        if row is None or last_ok is None:
            problems.append(f"{source}: no successful load recorded")
            continue
        if row["last_status"] == "rejected":
            problems.append(f"{source}: the latest load failed its data-quality gate (rejected)")
        age = (today - last_ok).days
        if age > max_age_days:
            problems.append(f"{source}: newest successful load is {age} days old (limit {max_age_days})")
    return problems
