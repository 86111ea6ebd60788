"""Write-audit-publish for one source: checksum, stage, validate, then publish in one transaction.

1. Checksum every input file (sha256). If it equals the newest *published* load of the source, record an
   ``unchanged`` lineage row and stop.
2. Stage with the connector (a parsing error raises ``SourceFormatError`` and writes nothing).
3. Validate the staging frame with the source's suite. On failure: write the frame to
   ``<quarantine_dir>/<source>/<run_id>.csv``, record a ``rejected`` lineage row, publish nothing, raise
   :class:`~pipelines.quality.DataQualityError`.
4. Publish in one transaction: upsert indicators, upsert rows on the table's primary key (stamped with the
   run id), insert the ``published`` lineage row with row counts, checksum and the validation summary.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, Engine, bindparam

from pipelines.ingest.connector import Connector, Staged
from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.registry import connector_for
from pipelines.quality import DataQualityError, ValidationReport, validate_frame
from pipelines.settings import Settings, get_settings
from pipelines.sql_files import query
from pipelines.warehouse.engine import make_engine, migrate
from pipelines.warehouse.schema import Area, Indicator, IngestRun, Observation
from pipelines.warehouse.writes import upsert

QUARANTINE_EXAMPLES = 3


def resolve_inputs(connector: Connector, data_dir: Path, path: Path | str | None = None) -> dict[str, Path]:
    """Role → absolute input path. ``path`` may be a data root folder, or a file replacing the primary input."""
    root = Path(data_dir)
    override = None
    if path is not None:
        path = Path(path)
        if path.is_dir():
            root = path
        else:
            override = path
    files = {role: root / rel for role, rel in connector.inputs.items()}
    if override is not None:
        files[next(iter(connector.inputs))] = override
    return files


def _files_of(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]


def inputs_sha256(files: dict[str, Path]) -> str:
    """One sha256 over every input file (folders: every file in them), in role then path order."""
    digest = hashlib.sha256()
    for role, path in files.items():
        if not path.exists():
            raise SourceFormatError(path, "missing file", f"input {role!r} does not exist")
        for file in _files_of(path):
            digest.update(f"{role}:{file.name}\n".encode())
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Plain dict rows with NaN/NA turned into None (NULL)."""
    sub = frame[columns].astype(object)
    return sub.where(sub.notna(), None).to_dict(orient="records")


def _lineage(run_id, connector, files, checksum, status, rows_in, rows_published, report, started) -> dict:
    return {
        "run_id": run_id,
        "source": connector.name,
        "dataset": connector.dataset,
        "file_path": "; ".join(str(p) for p in files.values()),
        "file_sha256": checksum,
        "rows_in": rows_in,
        "rows_published": rows_published,
        "status": status,
        "validation_success": None if report is None else report.success,
        "validation_summary": None if report is None else report.summary_json(),
        "started_at": started,
        "finished_at": datetime.now(UTC),
    }


def _publish_areas(conn: Connection, connector: Connector, frame: pd.DataFrame, run_id: str) -> int:
    rows = _records(frame.assign(ingest_run_id=run_id), [c.name for c in Area.__table__.columns])
    keep = [r["area_id"] for r in rows if r["area_id"] in connector.keep_existing]
    if keep:
        stmt = query("ingest_existing_area_ids").bindparams(bindparam("area_ids", expanding=True))
        existing = set(conn.execute(stmt, {"area_ids": keep}).scalars())
        rows = [r for r in rows if r["area_id"] not in existing]
    return upsert(conn, Area.__table__, rows)


def _publish_observations(conn: Connection, staged: Staged, run_id: str) -> int:
    indicators = _records(staged.indicators, [c.name for c in Indicator.__table__.columns])
    upsert(conn, Indicator.__table__, indicators)
    columns = [c.name for c in Observation.__table__.columns]
    return upsert(conn, Observation.__table__, _records(staged.frame.assign(ingest_run_id=run_id), columns))


def quarantine(frame: pd.DataFrame, settings: Settings, source: str, run_id: str) -> Path:
    """Write the rejected staging frame (without geometry bytes) to ``<quarantine_dir>/<source>/<run_id>.csv``."""
    path = settings.quarantine_dir / source / f"{run_id}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.drop(columns=[c for c in frame.columns if c.endswith("_wkb")]).to_csv(path, index=False)
    return path


def failure_message(
    connector: Connector, files: dict[str, Path], report: ValidationReport, qpath: Path
) -> str:
    """Human-readable gate failure: dataset, file, each failed rule and column, a few example rows."""
    primary = next(iter(files.values()))
    lines = [
        f"data-quality gate failed for {connector.name} ({connector.dataset}), file {primary}: "
        f"{len(report.failed)} of {report.evaluated} expectations failed; nothing published; "
        f"staging rows quarantined to {qpath}"
    ]
    for failed in report.failed:
        lines.append(f"- rule {failed.rule} on column {failed.column}: {failed.detail}")
        for example in failed.examples[:QUARANTINE_EXAMPLES]:
            lines.append(f"    e.g. {example}")
    return "\n".join(lines)


def _known_areas(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(query("ingest_known_areas")).all()
    return pd.DataFrame(rows, columns=["area_id", "level", "study"])


def _latest_checksum(engine: Engine, source: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(query("ingest_latest_published_checksum"), {"source": source}).scalar()


def _insert_lineage(engine: Engine, lineage: dict) -> None:
    with engine.begin() as conn:
        conn.execute(IngestRun.__table__.insert(), [lineage])


def _result(connector: Connector, status: str, rows_in: int, rows_published: int, run_id: str) -> dict:
    return {
        "source": connector.name,
        "status": status,
        "rows_in": rows_in,
        "rows_published": rows_published,
        "run_id": run_id,
    }


def run_source(name: str, path: Path | str | None = None, settings: Settings | None = None) -> dict:
    """Load source ``name`` (see ``SOURCE_FAMILIES``) from the data folder, or from ``path`` if given.

    Returns ``{source, status, rows_in, rows_published, run_id}`` with status ``published`` or
    ``unchanged``. Raises ``SourceFormatError`` (nothing written) or ``DataQualityError`` (rejected lineage
    row and quarantine file written, nothing published).
    """
    settings = settings or get_settings()
    connector = connector_for(name)
    run_id = str(uuid.uuid4())
    started = datetime.now(UTC)
    files = resolve_inputs(connector, settings.data_dir, path)
    checksum = inputs_sha256(files)
    migrate(settings.warehouse_url)
    engine = make_engine(settings.warehouse_url)
    try:
        if _latest_checksum(engine, connector.name) == checksum:
            lineage = _lineage(run_id, connector, files, checksum, "unchanged", 0, 0, None, started)
            _insert_lineage(engine, lineage)
            return _result(connector, "unchanged", 0, 0, run_id)
        staged = connector.stage(files)
        report = validate_frame(staged.frame, connector.suite(staged.frame, _known_areas(engine)))
        rows_in = len(staged.frame)
        if not report.success:
            qpath = quarantine(staged.frame, settings, connector.name, run_id)
            lineage = _lineage(run_id, connector, files, checksum, "rejected", rows_in, 0, report, started)
            _insert_lineage(engine, lineage)
            raise DataQualityError(failure_message(connector, files, report, qpath), report, qpath)
        with engine.begin() as conn:  # one transaction: rows and their lineage row, or nothing
            if connector.target == "area":
                published = _publish_areas(conn, connector, staged.frame, run_id)
            else:
                published = _publish_observations(conn, staged, run_id)
            lineage = _lineage(
                run_id, connector, files, checksum, "published", rows_in, published, report, started
            )
            conn.execute(IngestRun.__table__.insert(), [lineage])
        return _result(connector, "published", rows_in, published, run_id)
    finally:
        engine.dispose()
