"""Errors raised while reading a source file, before anything is validated or written."""

from __future__ import annotations

from pathlib import Path


class SourceFormatError(Exception):
    """A source file cannot be parsed: wrong encoding or delimiter, truncated, or missing columns.

    The message names the file, the 1-based line (where known) and the rule that was broken.
    Nothing is written when it is raised.
    """

    def __init__(self, path: Path | str, rule: str, detail: str, line: int | None = None) -> None:
        where = f"{path}" + (f", line {line}" if line is not None else "")
        super().__init__(f"{where}: {rule}: {detail}")
        self.path = str(path)
        self.rule = rule
        self.line = line


class CrosswalkError(SourceFormatError):
    """Country names or codes that no crosswalk entry matches; they are listed, never dropped silently."""

    def __init__(self, path: Path | str, unmatched: list[str]) -> None:
        shown = ", ".join(repr(u) for u in sorted(unmatched))
        super().__init__(path, "unmatched country", f"{len(unmatched)} name(s)/code(s) with no ISO3: {shown}")
        self.unmatched = sorted(unmatched)
