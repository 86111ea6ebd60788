"""Ingest throughput: rows per second into SQLite and PostgreSQL, against PostgreSQL ``COPY`` as the floor.

1. The real files: both source families through ``run_source`` (parse, Great Expectations gate, keyed
   publish, lineage), into a fresh warehouse per backend.
2. A SYNTHETIC indicator file (generated here, seeded; area ids ``SYN.<n>``, values uniform 0–100; it is
   not data about anything) of ``--rows`` rows (default 10 million): parsed in chunks and published through
   the same keyed write path the runner uses (``publish_observation_chunks``: upsert on SQLite, COPY into a
   staging table plus ``INSERT … ON CONFLICT`` on PostgreSQL), in one transaction; the gate is not run on it.
3. The floor: the same synthetic rows ``COPY``-ed straight into an empty ``observation`` table.

    python benchmarks/ingest_throughput.py --rows 1000000

PostgreSQL runs when ``SDG87_BENCH_POSTGRES_URL`` (or ``SDG87_TEST_POSTGRES_URL``) names a server; each
measurement gets a fresh database, dropped afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines.ingest import SOURCE_FAMILIES, run_source  # noqa: E402
from pipelines.ingest.publish import OBSERVATION_WRITE_COLUMNS, publish_observation_chunks  # noqa: E402
from pipelines.settings import Settings  # noqa: E402
from pipelines.sql_files import query  # noqa: E402
from pipelines.warehouse.engine import make_engine, migrate  # noqa: E402
from pipelines.warehouse.schema import Indicator  # noqa: E402
from pipelines.warehouse.writes import upsert  # noqa: E402

SEED = 87
INDICATORS_PER_AREA_YEAR = 10
YEARS = list(range(1990, 2025))
PERIOD = {y: date(y, 1, 1) for y in YEARS}
VINTAGE = {y: date(y + 2, 1, 1) for y in YEARS}
COPY_BLOCK = 1 << 20


def write_synthetic_file(path: Path, rows: int, chunk: int) -> Path:
    """A SYNTHETIC long indicator CSV (``area_id, year, indicator_code, value``), unique keys, seeded."""
    rng = np.random.default_rng(SEED)
    with path.open("w", encoding="utf-8") as out:
        out.write("area_id,year,indicator_code,value\n")
        for start in range(0, rows, chunk):
            i = np.arange(start, min(start + chunk, rows))
            frame = pd.DataFrame(
                {
                    "area_id": "SYN." + pd.Series(i // (len(YEARS) * INDICATORS_PER_AREA_YEAR)).astype(str),
                    "year": 1990 + (i // INDICATORS_PER_AREA_YEAR) % len(YEARS),
                    "indicator_code": "synthetic_" + pd.Series(i % INDICATORS_PER_AREA_YEAR).astype(str),
                    "value": rng.uniform(0, 100, len(i)).round(3),
                }
            )
            frame.to_csv(out, header=False, index=False)
    return path


def synthetic_chunks(path: Path, chunk: int, run_id: str) -> Iterator[pd.DataFrame]:
    """The synthetic file in observation shape, ``chunk`` rows at a time."""
    for raw in pd.read_csv(path, chunksize=chunk):
        yield pd.DataFrame(
            {
                "area_id": raw["area_id"],
                "period": raw["year"].map(PERIOD),
                "indicator_code": raw["indicator_code"],
                "source": "synthetic",
                "vintage": raw["year"].map(VINTAGE),
                "freq": "year",
                "value": raw["value"].astype(float),
                "ingest_run_id": run_id,
            }
        )


@contextlib.contextmanager
def fresh_database(kind: str, workdir: Path, pg_admin: str | None) -> Iterator[str | None]:
    """A migrated empty warehouse URL (SQLite file or a new PostgreSQL database); None if unavailable."""
    if kind == "sqlite":
        url = f"sqlite:///{workdir / f'bench_{uuid.uuid4().hex[:8]}.db'}"
        migrate(url)
        yield url
        return
    if not pg_admin:
        yield None
        return
    import psycopg
    from psycopg import sql

    name = f"sdg87_bench_{uuid.uuid4().hex[:10]}"
    dsn = pg_admin.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = f"{pg_admin.rsplit('/', 1)[0]}/{name}"
    try:
        migrate(url)
        yield url
    finally:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def load_real_files(url: str, home: Path) -> tuple[int, float]:
    """Both families through ``run_source``; (rows published, seconds)."""
    settings = Settings(home=home, warehouse_url=url)
    start = time.perf_counter()
    rows = sum(
        run_source(name, settings=settings)["rows_published"]
        for family in ("brazil", "world")
        for name in SOURCE_FAMILIES[family]
    )
    return rows, time.perf_counter() - start


def load_synthetic(url: str, path: Path, chunk: int) -> tuple[int, float]:
    """The synthetic file through the keyed write path, one transaction; (rows, seconds)."""
    engine = make_engine(url)
    indicators = [
        {"indicator_code": f"synthetic_{k}", "name": "synthetic", "unit": "percent", "source": "synthetic",
         "description": "SYNTHETIC benchmark series"}
        for k in range(INDICATORS_PER_AREA_YEAR)
    ]  # fmt: skip
    start = time.perf_counter()
    with engine.begin() as conn:
        upsert(conn, Indicator.__table__, indicators)
        rows = publish_observation_chunks(conn, synthetic_chunks(path, chunk, str(uuid.uuid4())))
    seconds = time.perf_counter() - start
    engine.dispose()
    return rows, seconds


def write_copy_file(src: Path, dst: Path, chunk: int) -> Path:
    """The synthetic rows already in ``observation`` column order (CSV, no header), prepared untimed."""
    with dst.open("w", encoding="utf-8") as out:
        for frame in synthetic_chunks(src, chunk, str(uuid.uuid4())):
            frame[OBSERVATION_WRITE_COLUMNS].to_csv(out, header=False, index=False)
    return dst


def copy_floor(url: str, copy_file: Path, rows: int) -> tuple[int, float]:
    """The prepared rows streamed with ``COPY`` straight into ``observation``; (rows, seconds)."""
    import psycopg

    indicators = [
        (f"synthetic_{k}", "synthetic", "percent", "synthetic") for k in range(INDICATORS_PER_AREA_YEAR)
    ]
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    start = time.perf_counter()
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.executemany(query("ingest_benchmark_indicator").text, indicators)
        with cur.copy(query("ingest_observation_copy_csv").text) as copy, copy_file.open("rb") as src:
            while block := src.read(COPY_BLOCK):
                copy.write(block)
    return rows, time.perf_counter() - start


def _line(label: str, rows: int, seconds: float) -> float:
    rate = rows / seconds if seconds else float("nan")
    print(f"  {label:<44} {rows:>11,} rows {seconds:>8.1f} s {rate:>12,.0f} rows/s", flush=True)
    return rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="rows of the synthetic file")
    parser.add_argument("--chunk", type=int, default=500_000, help="rows parsed and written per chunk")
    parser.add_argument("--skip-real", action="store_true", help="skip the real-file loads")
    args = parser.parse_args(argv)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    pg_admin = os.environ.get("SDG87_BENCH_POSTGRES_URL") or os.environ.get("SDG87_TEST_POSTGRES_URL")
    with tempfile.TemporaryDirectory(prefix="sdg87-bench-") as tmp:
        workdir = Path(tmp)
        if not args.skip_real:
            print("real files (both families: parse, gate, keyed publish, lineage)")
            for kind in ("sqlite", "postgresql"):
                with fresh_database(kind, workdir, pg_admin) as url:
                    if url is None:
                        print(f"  {kind}: skipped (set SDG87_BENCH_POSTGRES_URL)")
                        continue
                    _line(kind, *load_real_files(url, workdir / f"home_{kind}"))
        print(f"SYNTHETIC indicator file, {args.rows:,} rows (keyed publish, one transaction)")
        path = write_synthetic_file(workdir / "synthetic_indicator.csv", args.rows, args.chunk)
        rates = {}
        for kind in ("sqlite", "postgresql"):
            with fresh_database(kind, workdir, pg_admin) as url:
                if url is None:
                    print(f"  {kind}: skipped (set SDG87_BENCH_POSTGRES_URL)")
                    continue
                rates[kind] = _line(f"{kind} keyed upsert", *load_synthetic(url, path, args.chunk))
        with fresh_database("postgresql", workdir, pg_admin) as url:
            if url is not None:
                copy_file = write_copy_file(path, workdir / "synthetic_copy.csv", args.chunk)
                floor = _line(
                    "postgresql COPY into the table (floor)", *copy_floor(url, copy_file, args.rows)
                )
                for kind, rate in rates.items():
                    print(f"  ratio {kind} keyed upsert / PostgreSQL COPY floor: {rate / floor:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
