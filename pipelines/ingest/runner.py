"""Write-audit-publish for one source: checksum, stage, validate, then publish in one transaction.

1. Checksum every input file (sha256). If it equals the newest *published* load of the source, record an
   ``unchanged`` lineage row and stop.
2. Stage with the connector. A parsing error raises ``SourceFormatError``: nothing is published, a
   ``rejected`` lineage row records the rule and message, and the operator is e-mailed.
3. Validate the staging frame with the source's suite, extended with the history rules: row count within
   a factor of the previous published load, and (observations) newest ``period`` not older than the newest
   already published. Every validation writes an HTML report under ``<SDG87_HOME>/gx/``. On failure: write
   the frame to ``<quarantine_dir>/<source>/<run_id>.csv``, record a ``rejected`` lineage row, e-mail the
   operator, publish nothing, raise :class:`~pipelines.quality.DataQualityError`.
4. Publish in one transaction (:mod:`pipelines.ingest.publish`): indicators, rows stamped with the run id,
   and the ``published`` lineage row with row counts, checksum and the validation summary.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from pipelines.ingest.connector import Connector, Staged
from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.publish import publish_areas, publish_observations
from pipelines.ingest.registry import connector_for
from pipelines.mail.operator_notice import send_operator_notice
from pipelines.quality import DataQualityError, SuiteSpec, ValidationReport, validate_frame
from pipelines.quality.report_html import write_validation_html
from pipelines.settings import Settings, get_settings
from pipelines.sql_files import query
from pipelines.warehouse.engine import make_engine, migrate
from pipelines.warehouse.schema import IngestRun

QUARANTINE_EXAMPLES = 3


def resolve_inputs(connector: Connector, data_dir: Path, path: Path | str | None = None) -> dict[str, Path]:
    """Role → absolute input path.

    ``path`` may be a data root folder (it holds the primary input at its usual place), or a file — or, for a
    source whose primary input is a folder, a folder — replacing the primary input.
    """
    root = Path(data_dir)
    override = None
    if path is not None:
        path = Path(path)
        primary = Path(next(iter(connector.inputs.values())))
        if path.is_dir() and ((path / primary).exists() or primary.suffix):
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


def _previous_load(engine: Engine, source: str) -> tuple[str | None, int | None]:
    """(checksum, staging rows) of the newest published load of ``source``; (None, None) if never."""
    with engine.connect() as conn:
        row = conn.execute(query("ingest_previous_load"), {"source": source}).first()
    return (row.file_sha256, row.rows_in) if row else (None, None)


def _newest_period_year(engine: Engine, source: str) -> int | None:
    with engine.connect() as conn:
        newest = conn.execute(query("ingest_newest_period"), {"source": source}).scalar()
    if newest is None:
        return None
    # SQLite returns the ISO text of the date, PostgreSQL a date.
    return newest.year if isinstance(newest, date) else int(str(newest)[:4])


def with_history(spec: SuiteSpec, previous_rows: int | None, newest_year: int | None) -> SuiteSpec:
    """The suite plus the row-count-change rule and, for observation frames, the freshness rule."""
    newest = {"period": float(newest_year)} if newest_year is not None and "period" in spec.columns else {}
    return dataclasses.replace(spec, previous_rows=previous_rows, newest_min=spec.newest_min | newest)


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


def unmatched_report(staged: Staged, settings: Settings, source: str, run_id: str) -> dict:
    """Write the rows the source could not place to ``<reports_dir>/unmatched/<source>/<run_id>.csv``;
    returns ``{"unmatched_rows": n, "unmatched_report": path}`` for the lineage summary (empty when none)."""
    if staged.unmatched.empty:
        return {}
    path = settings.reports_dir / "unmatched" / source / f"{run_id}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    staged.unmatched.to_csv(path, index=False)
    return {"unmatched_rows": len(staged.unmatched), "unmatched_report": str(path)}


def _with_unmatched(lineage: dict, unmatched: dict) -> dict:
    if unmatched and lineage["validation_summary"] is not None:
        lineage["validation_summary"] = json.dumps({**json.loads(lineage["validation_summary"]), **unmatched})
    return lineage


def _stage(connector: Connector, files: dict[str, Path], settings: Settings, engine: Engine, run, checksum):
    """Stage the inputs; a format error is recorded as a ``rejected`` load, mailed, and re-raised."""
    run_id, started = run
    try:
        return connector.stage(files)
    except SourceFormatError as exc:
        lineage = _lineage(run_id, connector, files, checksum, "rejected", 0, 0, None, started)
        lineage["validation_success"] = False
        lineage["validation_summary"] = json.dumps(
            {"format_error": exc.rule, "line": exc.line, "message": str(exc)}
        )
        _insert_lineage(engine, lineage)
        send_operator_notice(settings, connector.name, run_id, f"unreadable input ({exc.rule})", str(exc))
        raise


def run_source(
    name: str,
    path: Path | str | None = None,
    settings: Settings | None = None,
    accept_row_change: bool = False,
) -> dict:
    """Load source ``name`` (see ``SOURCE_FAMILIES``) from the data folder, or from ``path`` if given.

    Returns ``{source, status, rows_in, rows_published, run_id}`` with status ``published`` or
    ``unchanged``. Raises ``SourceFormatError`` (rejected lineage row) or ``DataQualityError`` (rejected
    lineage row and quarantine file); either way nothing is published and the operator is e-mailed.
    ``accept_row_change`` drops the row-count-change rule for one load an operator has checked by hand.
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
        previous_sha, previous_rows = _previous_load(engine, connector.name)
        if previous_sha == checksum:
            lineage = _lineage(run_id, connector, files, checksum, "unchanged", 0, 0, None, started)
            _insert_lineage(engine, lineage)
            return _result(connector, "unchanged", 0, 0, run_id)
        staged = _stage(connector, files, settings, engine, (run_id, started), checksum)
        newest = _newest_period_year(engine, connector.name) if connector.target == "observation" else None
        spec = with_history(
            connector.suite(staged.frame, _known_areas(engine)),
            None if accept_row_change else previous_rows,
            newest,
        )
        report = validate_frame(staged.frame, spec)
        rows_in = len(staged.frame)
        unmatched = unmatched_report(staged, settings, connector.name, run_id)
        status = "published" if report.success else "rejected"
        write_validation_html(
            report, settings.gx_dir, source=connector.name, run_id=run_id,
            file=str(next(iter(files.values()))), status=status, rows=rows_in,
        )  # fmt: skip
        if not report.success:
            qpath = quarantine(staged.frame, settings, connector.name, run_id)
            lineage = _lineage(run_id, connector, files, checksum, "rejected", rows_in, 0, report, started)
            _insert_lineage(engine, _with_unmatched(lineage, unmatched))
            message = failure_message(connector, files, report, qpath)
            send_operator_notice(settings, connector.name, run_id, "data-quality gate", message)
            raise DataQualityError(message, report, qpath)
        with engine.begin() as conn:  # one transaction: rows and their lineage row, or nothing
            if connector.target == "area":
                published = publish_areas(conn, connector, staged.frame, run_id)
            else:
                published = publish_observations(conn, staged, run_id)
            lineage = _lineage(
                run_id, connector, files, checksum, "published", rows_in, published, report, started
            )
            conn.execute(IngestRun.__table__.insert(), [_with_unmatched(lineage, unmatched)])
        result = _result(connector, "published", rows_in, published, run_id)
        return {**result, **unmatched}
    finally:
        engine.dispose()
