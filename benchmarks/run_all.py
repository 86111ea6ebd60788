"""Run every benchmark in turn (``make benchmark``); arguments are passed on, e.g. ``--rows 1000000``."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import ingest_throughput  # noqa: E402

BENCHMARKS = [ingest_throughput]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    for bench in BENCHMARKS:
        print(f"== {bench.__name__}", flush=True)
        bench.main(argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
