"""Reviewed SQL lives in ``sql/<name>.sql`` and is loaded by name; parameters are always bound.

>>> with engine.connect() as conn:
...     conn.execute(query("scores_for_period"), {"period": date(2024, 1, 1)})
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import TextClause, text

from pipelines.settings import PROJECT_ROOT

SQL_DIR = PROJECT_ROOT / "sql"


@cache
def query(name: str) -> TextClause:
    """Return the statement in ``sql/<name>.sql`` as a ``TextClause`` with bound parameters."""
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"no reviewed query named {name!r} (looked for {path})")
    return text(path.read_text(encoding="utf-8"))
