"""The reviewed queries in sql/: each is used by the code, and no comment hides a bind parameter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SQL = sorted((ROOT / "sql").glob("*.sql"))
CODE = "\n".join(
    p.read_text(encoding="utf-8")
    for folder in ("pipelines", "benchmarks")
    for p in (ROOT / folder).rglob("*.py")
)


@pytest.mark.parametrize("path", SQL, ids=lambda p: p.name)
def test_query_is_loaded_by_name_somewhere(path: Path):
    assert f'"{path.stem}"' in CODE, f"sql/{path.name} is not loaded by any query({path.stem!r}) call"


@pytest.mark.parametrize("path", SQL, ids=lambda p: p.name)
def test_comments_hold_no_bind_parameter(path: Path):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        comment = line.split("--", 1)[1] if "--" in line else ""
        assert not re.search(r"(?<![:\w]):[A-Za-z_]\w*", comment), (
            f"sql/{path.name}:{number}: a ':name' in a comment is parsed as a bind parameter"
        )
