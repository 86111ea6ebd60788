"""Declared source contracts: what a source's files and staging frame may hold, checked before publishing.

Every connector has one :class:`SourceContract` (declared in :mod:`pipelines.ingest.source_contracts`; a
source without one is refused). It says:

- ``files``: per CSV input role, a :class:`CsvContract`: the known columns, each with a :class:`Column`
  rule (kind, bounds, blank allowed), and the known-but-unused columns (``ignored``: read past with a
  warning, never published). An unknown column, a missing column, a blank or non-finite or out-of-range
  value raises :class:`ContractError` naming the file, the line and the rule, before the connector parses.
- ``catalogue``: the indicator codes the source may publish, with their unit (codes never come from the
  frame); ``code_patterns`` for families whose codes carry a declared dimension (SDG age band × sex).
- ``first_year``: the plausible first period year; the last is the run date's year, or ``last_year`` when
  the file is an edition of a known date. Vintages may not lie after the run date.
- ``areas``: for area sources, an :class:`AreaContract` (country extent, reference points, how far a
  boundary may move against the version already published).
- ``overlays``: folder roles that accept one file (``--path``) in place of its namesake, by file pattern.

The staging-frame half of the contract is checked by :mod:`pipelines.quality.contract_checks`.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.readers.csv_reader import check_rows, decode_utf8

log = logging.getLogger(__name__)

CHUNK_ROWS = 250_000
KINDS = ("int", "number", "year", "text", "dates", "bool")


class ContractError(SourceFormatError):
    """A file or staging frame breaks its source's declared contract; ``rule`` starts with ``contract:``."""

    def __init__(self, path: Path | str, rule: str, detail: str, line: int | None = None) -> None:
        super().__init__(path, f"contract: {rule}", detail, line)


@dataclass(frozen=True)
class Column:
    """Rule for one CSV column.

    ``kind``: ``int`` (whole number), ``number`` (finite float), ``year`` (whole number between the
    contract's first year and the run date's year unless ``hi`` is set), ``text``, ``dates`` (``YYYY-MM-DD``
    values separated by ``|``, none after the run date), ``bool`` (``true``/``false``).
    ``lo``/``hi``: inclusive bounds; ``blank``: an empty cell is allowed (missing, never 0);
    ``missing``: other tokens meaning missing (``..``); ``pattern``: a regular expression for ``text``.
    """

    kind: str = "text"
    lo: float | None = None
    hi: float | None = None
    blank: bool = False
    missing: frozenset[str] = frozenset()
    pattern: str | None = None


@dataclass(frozen=True)
class CsvContract:
    """One CSV input: ``columns`` (name → rule, all required in the header), ``ignored`` (known columns the
    source does not use), ``wide`` (regex of repeated column names, e.g. year columns, and their rule),
    ``header_line`` (1-based), ``table_end`` (regex of the first line after the table, e.g. a footer) and
    ``sep`` (the field separator)."""

    columns: dict[str, Column]
    ignored: frozenset[str] = frozenset()
    wide: tuple[str, Column] | None = None
    header_line: int = 1
    table_end: str | None = None
    sep: str = ","


@dataclass(frozen=True)
class AreaContract:
    """Boundary rules of an area source.

    - ``extent``: (min lon, min lat, max lon, max lat) every geometry must lie in (the study's country).
    - ``parent_extent_margin``: degrees a geometry may reach beyond its parent's published bounds (``None``:
      not checked); at most ``parent_outside_share`` of the areas may (overseas units). Catches
      coordinates swapped or shifted for admin-1 units.
    - ``reference_points``: files → frame ``area_id, lon, lat`` of points that must lie within
      ``reference_km`` of the area's geometry (municipal seats, country coordinates of the crosswalk), but
      for the reviewed ``reference_exceptions``.
    - ``max_shift_km`` / ``max_area_change``: against the geometry already published for the same
      ``area_id``, the centroid may move at most this far and the size change at most this fraction,
      unless the load accepts boundary changes.
    """

    extent: tuple[float, float, float, float] | None = None
    parent_extent_margin: float | None = None
    parent_outside_share: float = 0.0
    reference_points: Callable[[dict[str, Path]], pd.DataFrame] | None = None
    reference_km: float = 25.0
    reference_exceptions: frozenset[str] = frozenset()
    max_shift_km: float = 10.0
    max_area_change: float = 0.10


@dataclass(frozen=True)
class SourceContract:
    """The declared contract of one source (module docstring)."""

    files: dict[str, CsvContract]
    first_year: int
    catalogue: dict[str, str] = field(default_factory=dict)
    code_patterns: dict[str, str] = field(default_factory=dict)
    sources: frozenset[str] = frozenset()
    last_year: int | None = None
    areas: AreaContract | None = None
    overlays: dict[str, str] = field(default_factory=dict)

    def unit_of(self, code: str) -> str | None:
        """The declared unit of ``code`` (catalogue, then patterns); None if the code is not declared."""
        if code in self.catalogue:
            return self.catalogue[code]
        for pattern, unit in self.code_patterns.items():
            if re.fullmatch(pattern, code):
                return unit
        return None

    def year_bounds(self, today: date) -> tuple[int, int]:
        """(first, last) allowed period year for a load on ``today``."""
        return self.first_year, min(self.last_year or today.year, today.year)


def _first(path: Path, mask: np.ndarray, rule: str, detail: Callable[[int], str], lines: np.ndarray):
    if mask.any():
        pos = int(mask.nonzero()[0][0])
        raise ContractError(path, rule, f"{detail(pos)} ({int(mask.sum())} such value(s))", int(lines[pos]))


def _check_dates(path, name, values: pd.Series, rule: Column, lines, today: date, first_year: int) -> None:
    for value in values.unique():
        try:
            dates = [date.fromisoformat(part.strip()) for part in str(value).split("|")]
        except ValueError:
            dates = None
        ok = dates and all(date(first_year, 1, 1) <= d <= today for d in dates)
        if not ok:
            pos = int((values == value).to_numpy().nonzero()[0][0])
            raise ContractError(
                path,
                "date out of range" if dates else "not a date",
                f"column {name!r} holds {value!r}; expected YYYY-MM-DD between {first_year} and {today}",
                int(lines[pos]),
            )


def check_column(
    path: Path, name: str, values: pd.Series, rule: Column, lines: np.ndarray, today: date, first_year: int
) -> None:
    """Check one column's text ``values`` (``lines``: their 1-based file lines) against ``rule``."""
    text = values.astype(str).str.strip()
    blank = (text == "").to_numpy() | text.isin(rule.missing).to_numpy()
    if not rule.blank:
        _first(path, blank, "blank value", lambda p: f"column {name!r} is blank", lines)
    kind = rule.kind
    if kind == "text":
        if rule.pattern:
            bad = ~text.str.fullmatch(rule.pattern).fillna(False).to_numpy() & ~blank
            _first(
                path, bad, "bad value", lambda p: f"{name} {text.iloc[p]!r} is not {rule.pattern!r}", lines
            )
        return
    if kind == "bool":
        bad = ~text.str.lower().isin(["true", "false"]).to_numpy() & ~blank
        _first(path, bad, "not a boolean", lambda p: f"{name} {text.iloc[p]!r} is not true/false", lines)
        return
    if kind == "dates":
        _check_dates(path, name, text[~blank], rule, lines[~blank], today, first_year)
        return
    numbers = pd.to_numeric(text.where(~blank), errors="coerce").to_numpy(dtype=float)
    _first(
        path, np.isnan(numbers) & ~blank, "not a number",
        lambda p: f"column {name!r} holds {text.iloc[p]!r}", lines,
    )  # fmt: skip
    present = ~blank
    _first(
        path, present & ~np.isfinite(numbers), "not finite",
        lambda p: f"column {name!r} holds {text.iloc[p]!r}", lines,
    )  # fmt: skip
    if kind in ("int", "year"):
        with np.errstate(invalid="ignore"):
            fractional = present & (np.mod(numbers, 1) != 0)
        _first(
            path, fractional, "not a whole number", lambda p: f"column {name!r} holds {text.iloc[p]!r}", lines
        )
    lo, hi = rule.lo, rule.hi
    if kind == "year":
        lo = first_year if lo is None else lo
        hi = today.year if hi is None else min(hi, today.year)
    with np.errstate(invalid="ignore"):
        out = present & (
            (numbers < (-math.inf if lo is None else lo)) | (numbers > (math.inf if hi is None else hi))
        )
    _first(
        path, out, "out of range" if kind != "year" else "year out of range",
        lambda p: f"column {name!r} holds {text.iloc[p]!r}, allowed [{lo}, {hi}]", lines,
    )  # fmt: skip


def _table(path: Path, contract: CsvContract) -> str:
    text = decode_utf8(path)
    parts = text.split("\n", contract.header_line - 1)
    body = parts[contract.header_line - 1] if len(parts) >= contract.header_line else ""
    if contract.table_end:
        match = re.search(contract.table_end, body, flags=re.MULTILINE)
        if match and match.start() > 0:
            body = body[: match.start()]
    return body


def check_header(path: Path, header: list[str], contract: CsvContract) -> list[str]:
    """The header's columns checked: duplicates, unknown and missing columns raise; returns wide columns."""
    line = contract.header_line
    seen = set()
    for name in header:
        if name in seen:
            raise ContractError(path, "duplicate column", f"column {name!r} appears twice", line)
        seen.add(name)
    wide = [c for c in header if contract.wide and re.fullmatch(contract.wide[0], c)]
    unknown = [c for c in header if c not in contract.columns and c not in contract.ignored and c not in wide]
    if unknown:
        raise ContractError(
            path, "unknown column", f"{unknown[:5]} not declared for this source (known: "
            f"{sorted(contract.columns)[:12]}{' …' if len(contract.columns) > 12 else ''})", line,
        )  # fmt: skip
    missing = [c for c in contract.columns if c not in header]
    if missing:
        raise ContractError(path, "missing column", f"{missing} not in header", line)
    if contract.wide and not wide:
        raise ContractError(path, "missing column", f"no column named like {contract.wide[0]!r}", line)
    ignored = [c for c in header if c in contract.ignored]
    if ignored:
        log.warning("%s: %d declared-unused column(s) ignored: %s", path.name, len(ignored), ignored[:8])
    return wide


def check_csv(path: Path, contract: CsvContract, today: date, first_year: int) -> int:
    """Check one CSV file against ``contract``; returns its data rows. Raises ``SourceFormatError``
    (encoding, delimiter, truncated row) or :class:`ContractError` naming file, line and rule."""
    path = Path(path)
    body = _table(path, contract)
    header_line = contract.header_line
    # Encoding, delimiter, empty file and ragged rows: the strict reader's checks, one line each.
    check_rows(path, body, list(contract.columns), header_line, contract.sep)
    header = next(csv.reader(io.StringIO(body.split("\n", 1)[0]), delimiter=contract.sep))
    wide = check_header(path, header, contract)
    rules = dict(contract.columns) | dict.fromkeys(wide, contract.wide[1] if contract.wide else None)
    rows = 0
    try:
        reader = pd.read_csv(
            io.StringIO(body), dtype=str, keep_default_na=False, na_filter=False,
            chunksize=CHUNK_ROWS, usecols=list(rules), sep=contract.sep,
        )  # fmt: skip
        for chunk in reader:
            lines = np.arange(rows, rows + len(chunk)) + header_line + 1
            for name, rule in rules.items():
                check_column(path, name, chunk[name], rule, lines, today, first_year)
            rows += len(chunk)
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = header_line + int(match.group(1)) - 1 if match else None
        raise SourceFormatError(path, "too many fields", str(exc), line) from exc
    return rows
