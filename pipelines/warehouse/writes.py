"""Keyed, idempotent writes. Every write names its key; nothing is ever a bare append.

- :func:`upsert` inserts rows or updates them in place on their primary key (SQLite and PostgreSQL).
- :func:`replace_partition` deletes one partition (e.g. one feature set and period) and inserts its new
  rows, inside the caller's transaction, so a reader sees either the old or the new partition.
Rows are plain dicts keyed by column name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, delete
from sqlalchemy.dialects import postgresql, sqlite

CHUNK = 5_000


def _chunks(rows: Sequence[Mapping[str, Any]], size: int = CHUNK) -> Iterable[Sequence[Mapping[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def upsert(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert ``rows`` into ``table``, updating non-key columns where the primary key exists.

    Returns the number of rows written. Must run inside a transaction (``engine.begin()``).
    """
    if not rows:
        return 0
    dialect = conn.dialect.name
    if dialect == "postgresql":
        insert = postgresql.insert
    elif dialect == "sqlite":
        insert = sqlite.insert
    else:  # pragma: no cover - only the two supported backends
        raise NotImplementedError(f"upsert is not implemented for {dialect}")
    keys = [c.name for c in table.primary_key.columns]
    for chunk in _chunks(rows):
        stmt = insert(table)
        updates = {
            c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys and c.name in chunk[0]
        }
        stmt = (
            stmt.on_conflict_do_update(index_elements=keys, set_=updates)
            if updates
            else stmt.on_conflict_do_nothing(index_elements=keys)
        )
        conn.execute(stmt, list(chunk))
    return len(rows)


def replace_partition(
    conn: Connection, table: Table, partition: Mapping[str, Any], rows: Sequence[Mapping[str, Any]]
) -> int:
    """Delete the rows of ``table`` matching ``partition`` (column → value) and insert ``rows``.

    Every row must belong to the partition; a row outside it raises ``ValueError`` before anything is
    written. Returns the number of rows inserted.
    """
    for i, row in enumerate(rows):
        for col, val in partition.items():
            if row.get(col) != val:
                raise ValueError(f"row {i} has {col}={row.get(col)!r}, outside partition {dict(partition)}")
    where = [table.c[col] == val for col, val in partition.items()]
    conn.execute(delete(table).where(*where))
    for chunk in _chunks(rows):
        conn.execute(table.insert(), list(chunk))
    return len(rows)
