"""Publishing a validated staging frame: keyed upserts inside the caller's transaction.

- Areas and indicators: :func:`pipelines.warehouse.writes.upsert` on their primary key.
- Observations: on PostgreSQL the rows are streamed with ``COPY`` into a transaction-scoped temporary table
  and merged with one ``INSERT … ON CONFLICT DO UPDATE`` (an order of magnitude fewer round trips than
  ``executemany``); on SQLite they go through ``upsert`` in chunks. Either way the key is
  (``area_id``, ``period``, ``indicator_code``, ``source``, ``vintage``) and a re-run rewrites the same rows.

Rows are converted and written ``PUBLISH_CHUNK`` at a time. Nothing here commits: the runner wraps rows and their lineage row in one ``engine.begin()``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import Connection, select, update

from pipelines.ingest.connector import Connector, Staged
from pipelines.sql_files import query
from pipelines.warehouse.schema import Area, Indicator, Observation
from pipelines.warehouse.writes import CHUNK, upsert

OBSERVATION_WRITE_COLUMNS = [c.name for c in Observation.__table__.columns]
PUBLISH_CHUNK = 100_000  # rows converted and written at a time: memory stays flat for a 2 M-row file


def _column_values(values: pd.Series) -> list:
    """Python values of one column; NaN/NA become None (NULL)."""
    out = values.tolist()
    if values.isna().any():
        out = [None if missing else v for v, missing in zip(out, values.isna().tolist(), strict=True)]
    return out


def records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Plain dict rows with NaN/NA turned into None (NULL); built column-wise (several times faster than
    ``DataFrame.to_dict`` on wide object frames)."""
    lists = [_column_values(frame[c]) for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*lists, strict=True)]


def publish_areas(conn: Connection, connector: Connector, frame: pd.DataFrame, run_id: str) -> int:
    """Upsert area rows stamped with ``run_id``.

    - Ids in ``connector.keep_existing`` (another source owns them) are inserted only when absent; when
      present, only a parent they lack is filled in (``world_areas`` places ``BRA`` in its region).
    - A row staged without a parent keeps the parent already stored: a source that does not know an
      area's parent (Brazil's IBGE tables do not place Brazil in a UN region) never erases it.
    """
    rows = records(frame.assign(ingest_run_id=run_id), [c.name for c in Area.__table__.columns])
    a = Area.__table__
    asked = [
        r["area_id"] for r in rows if r["area_id"] in connector.keep_existing or r.get("parent_id") is None
    ]
    stored: dict[str, str | None] = {}
    for start in range(0, len(asked), CHUNK):  # the orphans and kept ids only, a chunk at a time
        chunk = asked[start : start + CHUNK]
        stored.update(conn.execute(select(a.c.area_id, a.c.parent_id).where(a.c.area_id.in_(chunk))).all())
    kept = {r["area_id"] for r in rows if r["area_id"] in connector.keep_existing and r["area_id"] in stored}
    for r in rows:
        if r["area_id"] in kept and r.get("parent_id") and stored[r["area_id"]] is None:
            conn.execute(update(a).where(a.c.area_id == r["area_id"]).values(parent_id=r["parent_id"]))
        elif r.get("parent_id") is None and stored.get(r["area_id"]) is not None:
            r["parent_id"] = stored[r["area_id"]]
    return upsert(conn, Area.__table__, [r for r in rows if r["area_id"] not in kept])


def copy_observations(conn: Connection, frames: Iterable[pd.DataFrame]) -> int:
    """PostgreSQL: ``COPY`` the rows of ``frames`` (observation columns) into a temporary table, then merge.

    All frames stream through one ``COPY`` and one merge, so a large file can be published in chunks
    inside one transaction (the caller's); the temporary table is dropped at commit or rollback.
    """
    conn.execute(query("ingest_observation_stage_create"))
    cursor = conn.connection.driver_connection.cursor()
    rows = 0
    with cursor.copy(query("ingest_observation_stage_copy").text) as copy:
        for frame in frames:
            # pandas writes CSV in C; far faster than one write_row call per row. Floats keep full precision.
            copy.write(frame[OBSERVATION_WRITE_COLUMNS].to_csv(header=False, index=False))
            rows += len(frame)
    conn.execute(query("ingest_observation_stage_merge"))
    return rows


def publish_observation_chunks(conn: Connection, frames: Iterable[pd.DataFrame]) -> int:
    """Upsert observation rows (columns ``OBSERVATION_WRITE_COLUMNS``, ``ingest_run_id`` included) given as
    one or more frames, inside the caller's transaction; returns the rows written."""
    if conn.dialect.name == "postgresql":
        return copy_observations(conn, frames)
    return sum(upsert(conn, Observation.__table__, records(f, OBSERVATION_WRITE_COLUMNS)) for f in frames)


def publish_observations(conn: Connection, staged: Staged, run_id: str) -> int:
    """Upsert the indicator definitions, then the observation rows stamped with ``run_id``."""
    upsert(
        conn, Indicator.__table__, records(staged.indicators, [c.name for c in Indicator.__table__.columns])
    )
    frame = staged.frame
    chunks = (
        frame.iloc[start : start + PUBLISH_CHUNK].assign(ingest_run_id=run_id)
        for start in range(0, len(frame), PUBLISH_CHUNK)
    )
    return publish_observation_chunks(conn, chunks)
