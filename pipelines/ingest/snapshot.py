"""Read each input once: a private copy of the bytes, checksummed as copied, is what the connector parses.

Checksumming a file and then parsing it again from its path lets a file replaced in between publish one
file's values under the other's checksum. :func:`take_snapshot` reads every input file once, hashes exactly
those bytes and writes them into a private temporary folder; the connector stages from that copy.

The checksum (sha256, hex) covers, per role in declaration order: the role name, then for a folder each
file's path relative to the folder, and each file's bytes. The absolute path is never part of it, so an
identical file loaded from another place is ``unchanged``.

A folder role given a single file (``--path geojs-15-mun.json`` for the boundary folder) gets an
*overlay*: the folder's files with that one file put in place of its namesake.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.ingest.errors import SourceFormatError


@dataclass
class Snapshot:
    """``files``: role → path inside the private copy; ``originals``: role → the path the operator named;
    ``sha256``: the checksum of the copied bytes; ``sources``: copied file → the file it was read from."""

    root: Path
    files: dict[str, Path]
    originals: dict[str, Path]
    sha256: str
    sources: dict[Path, Path] = field(default_factory=dict)

    def original_text(self, text: str) -> str:
        """``text`` with every private-copy path replaced by the path it was read from."""
        pairs = sorted(self.sources.items(), key=lambda kv: len(str(kv[0])), reverse=True)
        pairs += sorted(
            ((self.files[r], self.originals[r]) for r in self.files),
            key=lambda kv: len(str(kv[0])),
            reverse=True,
        )
        for copy, original in pairs:
            text = text.replace(str(copy), str(original))
        return text.replace(str(self.root), "(input)")

    def close(self) -> None:
        """Remove the private copy."""
        shutil.rmtree(self.root, ignore_errors=True)


def _members(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file())


def _copy(src: Path, dst: Path, digest) -> None:
    try:
        data = src.read_bytes()
    except OSError as exc:
        raise SourceFormatError(src, "unreadable file", str(exc)) from exc
    digest.update(hashlib.sha256(data).digest())
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(data)


def take_snapshot(files: dict[str, Path], overlays: dict[str, tuple[Path, Path]] | None = None) -> Snapshot:
    """Copy and checksum ``files`` (role → file or folder); ``overlays``: role → (folder, file) where the
    role is ``folder`` with ``file`` in place of its namesake. Raises ``SourceFormatError`` for a missing
    or unreadable input; nothing is left behind then."""
    overlays = overlays or {}
    root = Path(tempfile.mkdtemp(prefix="sdg87-ingest-"))
    digest = hashlib.sha256()
    copies: dict[str, Path] = {}
    originals: dict[str, Path] = {}
    sources: dict[Path, Path] = {}
    try:
        for pos, role in enumerate(files):
            path = Path(files[role])
            folder, extra = overlays.get(role, (None, None))
            digest.update(f"role:{role}\n".encode())
            target = root / f"{pos}-{role}"
            originals[role] = Path(extra) if extra is not None else path
            if folder is not None:
                members = {p.relative_to(folder).as_posix(): p for p in _members(Path(folder))}
                members[Path(extra).name] = Path(extra)
                for rel in sorted(members):
                    digest.update(f"file:{rel}\n".encode())
                    _copy(members[rel], target / rel, digest)
                    sources[target / rel] = members[rel]
                copies[role] = target
            elif path.is_dir():
                for member in _members(path):
                    rel = member.relative_to(path).as_posix()
                    digest.update(f"file:{rel}\n".encode())
                    _copy(member, target / rel, digest)
                    sources[target / rel] = member
                copies[role] = target
            elif path.is_file():
                copy = target / path.name
                _copy(path, copy, digest)
                copies[role] = copy
                sources[copy] = path
            else:
                raise SourceFormatError(path, "missing file", f"input {role!r} does not exist")
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return Snapshot(root, copies, originals, digest.hexdigest(), sources)
