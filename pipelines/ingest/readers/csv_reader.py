"""Strict CSV reading: a malformed file fails with a message naming the file, line and rule.

pandas alone is too forgiving for a gate: it fills a truncated last row with NaN and reads a
semicolon-separated file as one column. :func:`read_csv_strict` decodes as UTF-8 (strictly), checks the
header holds the required columns and that every row has as many fields as the header, then parses.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from pipelines.ingest.errors import SourceFormatError

OTHER_DELIMITERS = (";", "\t", "|")


def decode_utf8(path: Path) -> str:
    """Return the text of ``path``; a byte that is not UTF-8 raises :class:`SourceFormatError` with its line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceFormatError(path, "unreadable file", str(exc)) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise SourceFormatError(
            path, "encoding", f"byte 0x{raw[exc.start]:02x} at offset {exc.start} is not UTF-8", line
        ) from exc


def _check_header(path: Path, header: list[str], required: Iterable[str], line: int, sep: str = ",") -> None:
    missing = [c for c in required if c not in header]
    if not missing:
        return
    joined = sep.join(header)
    for delim in OTHER_DELIMITERS:
        if delim != sep and delim in joined and all(c in joined.split(delim) for c in missing):
            raise SourceFormatError(
                path, "delimiter", f"header is separated by {delim!r}, expected {sep!r}", line
            )
    raise SourceFormatError(path, "missing columns", f"{missing} not in header {header[:12]}", line)


def check_rows(path: Path, body: str, required: list[str], first_line: int, sep: str = ",") -> None:
    """Header holds ``required``; every row has as many fields as the header (else raise with the line)."""
    reader = csv.reader(io.StringIO(body), delimiter=sep)
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise SourceFormatError(path, "empty file", "no header line", first_line)
    _check_header(path, header, required, first_line, sep)
    width = len(header)
    for row in reader:
        if row and len(row) != width:
            line = first_line + reader.line_num - 1
            rule = "truncated row" if len(row) < width else "too many fields"
            raise SourceFormatError(path, rule, f"{len(row)} fields, header has {width}", line)


def read_csv_strict(
    path: Path, required: Iterable[str], skip_lines: int = 0, dtype: dict | None = None, sep: str = ","
) -> pd.DataFrame:
    """Read a ``sep``-separated (default comma) UTF-8 file whose header (after ``skip_lines`` lines) holds
    ``required``.

    Raises :class:`SourceFormatError` for an undecodable byte, an empty file, a wrong delimiter, missing
    columns or a row whose field count differs from the header (e.g. a truncated file).
    """
    path = Path(path)
    text = decode_utf8(path)
    parts = text.split("\n", skip_lines)
    body = parts[skip_lines] if len(parts) > skip_lines else ""
    return read_csv_text(body, path, required, skip_lines + 1, dtype, sep)


def read_csv_text(
    body: str,
    path: Path,
    required: Iterable[str],
    first_line: int = 1,
    dtype: dict | None = None,
    sep: str = ",",
) -> pd.DataFrame:
    """Parse CSV ``body`` (header first) read from ``path`` with the checks of :func:`read_csv_strict`.

    ``first_line`` is the 1-based line of the header in the file, so errors name the file's own lines.
    """
    check_rows(path, body, list(required), first_line, sep)
    try:
        return pd.read_csv(io.StringIO(body), dtype=dtype, sep=sep)
    except (ValueError, pd.errors.ParserError) as exc:
        raise SourceFormatError(path, "unparseable value", str(exc)) from exc


def to_number(frame: pd.DataFrame, column: str, path: Path, header_line: int = 1) -> pd.Series:
    """Return ``frame[column]`` as float; a value that is not a number raises with its file line.

    Empty cells stay NaN (missing, never 0). ``header_line`` is the 1-based line of the header, so row ``i``
    of the frame is line ``header_line + 1 + i`` (files without embedded newlines).
    """
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna() & (frame[column].astype(str).str.strip() != "")
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise SourceFormatError(
            path,
            "not a number",
            f"column {column!r} holds {frame[column].iloc[pos]!r}",
            header_line + 1 + pos,
        )
    return values.astype(float)
