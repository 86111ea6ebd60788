"""Query results as pandas frames: the one way the pipeline turns a SELECT into a ``DataFrame``.

``read_frame(conn, stmt, params)`` runs ``stmt`` (a Core ``select`` or a reviewed text query from
``pipelines.sql_files.query``) and returns one column per result key, in the order the statement
selects them; an empty result keeps its columns (no rows). Values come back as the driver returns them
(dates may be ISO strings on SQLite): callers convert where they need a type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Executable


def read_frame(conn: Connection, stmt: Executable, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Run ``stmt`` with ``params`` on ``conn``; the frame is built column-wise, which is much faster than
    from row objects on large reads (the feature panel)."""
    result = conn.execute(stmt, dict(params) if params else None)
    keys = list(result.keys())
    columns = list(zip(*result.fetchall(), strict=True)) or [() for _ in keys]
    return pd.DataFrame({k: list(v) for k, v in zip(keys, columns, strict=True)}, columns=keys)
