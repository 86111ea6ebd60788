"""Rows as a person reads them in a refusal message (pure): ``column=value, …``."""

from __future__ import annotations


def plain_value(value) -> str:
    """A value as written in a file: dates ISO (``2020-01-01``), missing values empty, else ``str``."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def plain_row(row: dict) -> str:
    """``column=value, …`` (:func:`plain_value` for each), never Python's ``{'column': datetime.date(…)}``."""
    return ", ".join(f"{k}={plain_value(v)}" for k, v in row.items())
