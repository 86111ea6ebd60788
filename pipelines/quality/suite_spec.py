"""Declarative expectation suites: what a staging frame must satisfy before it is published.

A :class:`SuiteSpec` is plain data, so suites are written as code, reviewed in diffs and built without
importing Great Expectations; :func:`pipelines.quality.gx_validate.validate_frame` turns one into GX
expectations and runs them on a whole-dataframe batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Bounds = tuple[float | None, float | None]


@dataclass(frozen=True)
class SuiteSpec:
    """Rules for one staging frame.

    - ``columns``: must be present.
    - ``key``: the compound key; its combination must be unique.
    - ``not_null``: columns that may not hold NULL/NaN.
    - ``ranges``: column → (min, max), inclusive; ``None`` leaves a side open. NULLs are not checked here
      (pair with ``not_null``).
    - ``ranges_by_unit``: unit → (min, max) applied to ``value`` on the rows whose ``unit`` column equals it
      (long observation frames hold several units in one column).
    - ``allowed``: column → the set of allowed values (e.g. area ids that exist, level codes).
    - ``patterns``: column → regular expression every value must match (well-formed ids).
    - ``ordered_pairs``: (a, b) column pairs where ``a >= b`` on every row (e.g. vintage not before period).
    - ``row_count``: (min, max) number of rows; ``None`` leaves a side open.
    - ``previous_rows``: rows of the previous published load of the same source (``None``: first load);
      with ``max_row_change`` = f the row count must lie in [previous / f, previous × f].
    - ``newest_min``: column → the smallest allowed newest value (freshness: e.g. the newest ``period``
      year may not be older than the newest one already published). Date columns are compared as years.
    """

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    not_null: tuple[str, ...] = ()
    ranges: dict[str, Bounds] = field(default_factory=dict)
    ranges_by_unit: dict[str, Bounds] = field(default_factory=dict)
    allowed: dict[str, frozenset] = field(default_factory=dict)
    patterns: dict[str, str] = field(default_factory=dict)
    ordered_pairs: tuple[tuple[str, str], ...] = ()
    row_count: Bounds = (1, None)
    previous_rows: int | None = None
    max_row_change: float = 1.5
    newest_min: dict[str, float] = field(default_factory=dict)
