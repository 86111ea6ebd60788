"""The as-of date of a DAG run: the one reference date every task passes down to `pipelines/`.

A scheduled run is "as of" the end of its data interval; a run without one (an asset-triggered run in
Airflow 3 has none) uses its logical date, else the moment it was queued (`dag_run.run_after`).
`sdg87 run --as-of DATE` sets the logical date. Tasks pass the ISO date (`YYYY-MM-DD`, UTC) down; nothing
below reads the clock for it (docs/adr/0037-one-as-of-date.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date


def as_of_date(context: Mapping) -> str:
    """ISO date (UTC) of ``data_interval_end``, else ``logical_date``, else the run's ``run_after``."""
    for key in ("data_interval_end", "logical_date"):
        value = context.get(key)
        if value is not None:
            return value.date().isoformat()
    run = context.get("dag_run")
    run_after = getattr(run, "run_after", None)
    if run_after is None:
        raise ValueError("the task context has no data interval, logical date or run_after: no as-of date")
    return run_after.date().isoformat()


def as_of(context: Mapping) -> date:
    """:func:`as_of_date` as a ``datetime.date``, for the calls into `pipelines/`."""
    return date.fromisoformat(as_of_date(context))
