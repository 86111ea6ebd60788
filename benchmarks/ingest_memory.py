"""Peak memory of one 2 M-row load through ``run_source`` (contract, staging, gate, partition replace).

A SYNTHETIC population-style file (generated here, seeded; it is not data about anything): ``ibge7, year,
estimated_population`` for 200,000 made-up 7-digit codes (1000000–1199999) × 10 years (2012–2021) = 2 M
rows. The made-up municipalities are inserted as areas first, so the gate passes; the row-count bound of
``brazil_population`` (at most 200,000 rows for the real 5,570 municipalities) is widened for this run
only. The load runs in a child process; its peak resident set size (``ru_maxrss``) is printed.

    python benchmarks/ingest_memory.py [--rows 2000000]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.settings import Settings  # noqa: E402
from pipelines.warehouse.engine import make_engine, migrate  # noqa: E402
from pipelines.warehouse.schema import Area  # noqa: E402
from pipelines.warehouse.writes import upsert  # noqa: E402

SEED = 87
YEARS = list(range(2012, 2022))
FIRST_CODE = 1_000_000

CHILD = textwrap.dedent(
    """
    import dataclasses, sys, time
    from pathlib import Path
    from pipelines.ingest import registry
    from pipelines.ingest.sources.brazil.observations import municipality_suite
    from pipelines.ingest.sources.brazil.population import SOURCE
    from pipelines.ingest.runner import run_source
    from pipelines.settings import Settings

    home, path, rows = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    real = registry.CONNECTORS["brazil_population"]
    wide = municipality_suite("brazil_population", {SOURCE}, (1, rows + 1))
    registry.CONNECTORS["brazil_population"] = dataclasses.replace(real, suite=wide)
    start = time.perf_counter()
    result = run_source("brazil_population", path=path, settings=Settings(home=home, smtp_host=None))
    print(result["status"], result["rows_published"], f"{time.perf_counter() - start:.1f}", flush=True)
    """
)


def write_file(path: Path, rows: int) -> int:
    """The synthetic file (module docstring); returns the number of municipalities."""
    munis = rows // len(YEARS)
    rng = np.random.default_rng(SEED)
    codes = np.repeat(np.arange(FIRST_CODE, FIRST_CODE + munis), len(YEARS))
    years = np.tile(YEARS, munis)
    population = rng.integers(800, 2_000_000, size=len(codes))
    pd.DataFrame({"ibge7": codes, "year": years, "estimated_population": population}).to_csv(
        path, index=False
    )
    return munis


def insert_areas(settings: Settings, munis: int) -> None:
    """The made-up municipalities as areas (no geometry), so the gate's "area exists" rule passes."""
    migrate(settings.warehouse_url)
    engine = make_engine(settings.warehouse_url)
    rows = [
        {"area_id": f"BRA.{FIRST_CODE + i}", "level": "2", "parent_id": "BRA.XX", "name": f"synthetic {i}",
         "iso3": "BRA", "study": "brazil"}
        for i in range(munis)
    ]  # fmt: skip
    with engine.begin() as conn:
        upsert(conn, Area.__table__, rows)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sdg87-bench-") as tmp:
        home, path = Path(tmp) / "home", Path(tmp) / "population_2m.csv"
        settings = Settings(home=home, smtp_host=None)
        settings.ensure_dirs()
        munis = write_file(path, args.rows)
        insert_areas(settings, munis)
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(home), str(path), str(args.rows)],
            cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        elapsed = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if out.returncode != 0:
            sys.exit(f"load failed:\n{out.stderr[-3000:]}")
        status, published, seconds = out.stdout.split()[-3:]
        print(
            f"input: {args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB ({munis:,} synthetic municipalities)"
        )
        print(f"load: {status}, {int(published):,} rows published (SQLite), {seconds} s in run_source, "
              f"{elapsed:.0f} s with start-up")  # fmt: skip
        print(f"peak RSS of the loading process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
