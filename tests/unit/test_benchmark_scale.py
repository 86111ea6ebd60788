"""``benchmarks/scale.py --quick`` end to end: one well-formed BENCH line per stage, generated data only in
its own temporary directory (removed afterwards), nothing written under ``data/``. No timing is asserted:
the ratios are figures to read, not to test."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(
    r"^BENCH (?P<stage>\w+) ratio=(?P<ratio>\d+\.\d\d) goal=(?P<goal>\d+(\.\d+)?) peak_gb=\d+\.\d\d$"
)
GOALS = {"features": 2.0, "features_global": 2.0, "training": 1.3, "scoring": 2.0}


def _snapshot(folder: Path) -> dict[str, float]:
    return {str(p): p.stat().st_mtime for p in folder.rglob("*")}


@pytest.mark.slow  # eight child processes, each importing LightGBM and geopandas
def test_quick_run_prints_one_bench_line_per_stage(tmp_path):
    before = _snapshot(ROOT / "data")
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--quick", "--subscriptions", "20"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    bench = [line for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    assert len(bench) == len(GOALS), done.stdout
    matches = [LINE.match(line) for line in bench]
    assert all(matches), bench
    assert {m["stage"]: float(m["goal"]) for m in matches} == GOALS
    assert all(float(m["ratio"]) > 0 for m in matches)
    assert "GENERATED" in done.stdout
    assert list(tmp_path.iterdir()) == []  # the generated inputs were removed
    assert _snapshot(ROOT / "data") == before


def test_unknown_stage_is_refused():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--quick", "--stages", "nope"],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "unknown stages ['nope']" in done.stderr
