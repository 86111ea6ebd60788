"""What was known on a date: the observations a backtest may use at ``as_of``.

For each key (``area_id``, ``period``, ``indicator_code``, ``source``) the row with the newest ``vintage``
on or before ``as_of`` (the date itself included); keys first published after ``as_of`` are absent. Later
revisions never leak backwards: a value revised in 2024 is returned with its 2022 figure for a 2023 as-of.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd
from sqlalchemy import Engine, and_, func, select

from pipelines.warehouse.schema import Observation

KEY = ("area_id", "period", "indicator_code", "source")
COLUMNS = ["area_id", "period", "indicator_code", "source", "vintage", "freq", "value"]


def observations_as_of(
    engine: Engine,
    as_of: date,
    indicator_codes: Iterable[str] | None = None,
    sources: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Observations as known on ``as_of``: one row per key with its latest vintage ≤ ``as_of``.

    Optional filters: ``indicator_codes``, ``sources``. Columns ``COLUMNS``, sorted by key; ``period`` and
    ``vintage`` are ``datetime.date``.
    """
    obs = Observation.__table__
    filters = [obs.c.vintage <= as_of]
    if indicator_codes is not None:
        filters.append(obs.c.indicator_code.in_(list(indicator_codes)))
    if sources is not None:
        filters.append(obs.c.source.in_(list(sources)))
    latest = (
        select(*(obs.c[k] for k in KEY), func.max(obs.c.vintage).label("vintage"))
        .where(*filters)
        .group_by(*(obs.c[k] for k in KEY))
        .subquery()
    )
    stmt = (
        select(*(obs.c[c] for c in COLUMNS))
        .join(latest, and_(*(obs.c[k] == latest.c[k] for k in (*KEY, "vintage"))))
        .order_by(*(obs.c[k] for k in KEY))
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame(rows, columns=COLUMNS)
