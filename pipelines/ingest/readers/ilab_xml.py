"""Reading the US DOL ILAB country reports as published (``countries_YYYY.xml``) into typed text fields.

Contract of one file: a ``<Countries>`` root with one ``<Country>`` per entry. Every entry has ``Name`` and
``Goods`` (the List of Goods part); an entry with a full report (it has ``Country_Statistics``) also has
``Advancement_Level``, ``Legal_Standards`` and ``Enforcements``. Entries without a report (e.g. China, Iran:
goods only) carry only their goods. A malformed file or a missing required element raises
:class:`SourceFormatError` naming the file, the line (parse errors) or the entry (position and name) and the
element. Values are returned as stripped text; typing happens in the connector.

The file tag is the report year, except the 2021 file, which holds the 2022 report (``REPORT_YEAR``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from pipelines.ingest.errors import SourceFormatError

FILE_PATTERN = re.compile(r"countries_(\d{4})\.xml")
REPORT_YEAR = {2021: 2022}
ENTRY_REQUIRED = ("Name", "Goods")
REPORT_REQUIRED = ("Advancement_Level", "Legal_Standards", "Enforcements")
GOOD_FLAGS = ("Child_Labor", "Forced_Labor", "Forced_Child_Labor")


def report_files(folder: Path) -> dict[int, Path]:
    """Report year → ``countries_YYYY.xml`` in ``folder`` (or ``folder`` itself if it is one such file)."""
    found = {}
    folder = Path(folder)
    for path in [folder] if folder.is_file() else sorted(folder.glob("countries_*.xml")):
        match = FILE_PATTERN.fullmatch(path.name)
        if match:
            tag = int(match.group(1))
            found[REPORT_YEAR.get(tag, tag)] = path
    if not found:
        raise SourceFormatError(folder, "missing files", "no countries_YYYY.xml report file")
    return found


def _parse(path: Path) -> ET.Element:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise SourceFormatError(path, "malformed XML", str(exc), exc.position[0]) from exc
    except OSError as exc:
        raise SourceFormatError(path, "unreadable file", str(exc)) from exc
    if root.tag != "Countries" or len(root) == 0:
        raise SourceFormatError(path, "missing element", f"root <{root.tag}> holds no <Country>", 1)
    return root


def _require(path: Path, entry: ET.Element, pos: int, tags: tuple[str, ...]) -> None:
    for tag in tags:
        if entry.find(tag) is None:
            name = entry.findtext("Name") or "(no name)"
            raise SourceFormatError(path, "missing element", f"<Country> #{pos} ({name!r}) has no <{tag}>")


def _text(entry: ET.Element, tag_path: str) -> str | None:
    text = entry.findtext(tag_path)
    return text.strip() if text is not None and text.strip() else None


def _goods_counts(path: Path, entry: ET.Element, pos: int) -> dict[str, int]:
    """Goods flagged Yes per flag; a flag other than Yes/No/blank raises (never guessed)."""
    goods = entry.findall("Goods/Good")
    texts = {flag: [(g.findtext(flag) or "").strip().lower() for g in goods] for flag in GOOD_FLAGS}
    for flag, values in texts.items():
        odd = [v for v in values if v not in ("yes", "no", "")]
        if odd:
            name = entry.findtext("Name") or "(no name)"
            raise SourceFormatError(
                path, "flag", f"<Country> #{pos} ({name!r}) <{flag}> {odd[0][:40]!r}, expected Yes/No"
            )
    return {flag: values.count("yes") for flag, values in texts.items()}


def read_entries(path: Path, fields: dict[str, str]) -> list[dict]:
    """One dict per ``<Country>``: ``name``, ``has_report``, ``goods_<flag>`` counts and every ``fields``
    (key → element path below ``<Country>``) as text or None."""
    rows = []
    for pos, entry in enumerate(_parse(path), start=1):
        _require(path, entry, pos, ENTRY_REQUIRED)
        has_report = entry.find("Country_Statistics") is not None
        if has_report:
            _require(path, entry, pos, REPORT_REQUIRED)
        row = {"name": _text(entry, "Name"), "has_report": has_report}
        row |= {f"goods_{flag.lower()}": n for flag, n in _goods_counts(path, entry, pos).items()}
        row |= {key: _text(entry, tag_path) if has_report else None for key, tag_path in fields.items()}
        rows.append(row)
    return rows
