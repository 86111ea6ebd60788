"""Replace a named CHECK constraint inside a migration, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def swap_check(table: str, name: str, condition: str) -> None:
    """Replace the CHECK ``ck_<table>_<name>`` of ``table`` by ``condition``.

    SQLite cannot alter a CHECK in place: batch mode copies the table with the new constraint and drops
    the old one. Other tables reference it, and dropping a referenced table with foreign keys on fails,
    so they are off during the copy (same rows, same ids) and the references are checked afterwards.
    """
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("PRAGMA foreign_keys = OFF")
    with op.batch_alter_table(table, recreate="auto") as batch:
        batch.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
        batch.create_check_constraint(op.f(f"ck_{table}_{name}"), sa.text(condition))
    if sqlite:
        op.execute("PRAGMA foreign_keys = ON")
        broken = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"foreign keys broken after rebuilding {table}: {broken[:5]}")
