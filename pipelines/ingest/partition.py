"""A new observation file replaces its source's partition; a large shrink needs an explicit flag.

A source's *partition* is the observation rows its own loads published (``ingest_run_id`` of a run of that
source), whatever their ``source`` label: two connectors share ``wb_wdi`` and never touch each other's
rows. Publishing deletes the partition and inserts the new rows in the same transaction, so rows removed
from a source's file disappear from the warehouse and a reader sees either the old or the new file.

A new file with more than ``MAX_SHRINK`` (20 %) fewer rows than the partition is refused unless the load is
run with ``allow_shrink``. The change (previous rows, new rows, removed, whether allowed) goes into the
lineage row's validation summary under ``partition``. Area sources keep keyed upserts (observations refer
to areas), so for them only the counts are recorded.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine

from pipelines.ingest.connector import Connector
from pipelines.sql_files import query

MAX_SHRINK = 0.20


def partition_rows(engine: Engine, source: str) -> int:
    """Observation rows the loads of ``source`` have published."""
    with engine.connect() as conn:
        return int(conn.execute(query("ingest_partition_rows"), {"source": source}).scalar() or 0)


def partition_change(engine: Engine, connector: Connector, new_rows: int, allow_shrink: bool) -> dict:
    """``{previous_rows, rows, removed, allow_shrink, refused, message}`` for a load of ``new_rows``."""
    previous = partition_rows(engine, connector.name) if connector.target == "observation" else 0
    shrink = previous > 0 and new_rows < previous * (1 - MAX_SHRINK)
    message = (
        f"the new file has {new_rows} rows, {previous - new_rows} fewer than the {previous} published "
        f"(more than {MAX_SHRINK:.0%} fewer); rerun with --allow-shrink if the removal is intended"
    )
    return {
        "previous_rows": previous,
        "rows": new_rows,
        "removed": max(previous - new_rows, 0),
        "allow_shrink": allow_shrink,
        "refused": bool(shrink and not allow_shrink),
        "message": message if shrink else "",
    }


def replace_partition_rows(conn: Connection, connector: Connector) -> None:
    """Delete the source's partition inside the caller's publishing transaction."""
    conn.execute(query("ingest_partition_delete"), {"source": connector.name})
