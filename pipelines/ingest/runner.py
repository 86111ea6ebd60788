"""Write-audit-publish for one source: read once, check the contract, stage, validate, then publish.

1. Read every input once into a private copy, checksummed as read (:mod:`pipelines.ingest.snapshot`); the
   connector parses that copy. If the checksum equals the newest *published* load of the source, record an
   ``unchanged`` lineage row and stop.
2. Check the copied CSV inputs against the source's declared contract (:mod:`pipelines.ingest.contract`),
   then stage with the connector. Any error here, a contract rule, a reader's rule or a parser's own
   exception, is a refusal naming file, line and rule.
3. Check the staging frame against the contract (catalogue, units, finite in-range values, years; areas:
   extent, reference points, movement against the published boundaries), then the source's expectation
   suite with the history rules (row count within a factor of the previous load, newest ``period`` not
   older than the newest published). Every suite run writes an HTML report under ``<SDG87_HOME>/gx/``.
4. A file replaces its source's partition: an observation file with more than ``MAX_SHRINK`` fewer rows than
   the partition is refused unless ``allow_shrink`` (:mod:`pipelines.ingest.partition`).
5. Publish in one transaction (:mod:`pipelines.ingest.publish`): the old partition deleted, indicators and
   rows stamped with the run id inserted, and the ``published`` lineage row with row counts, checksum, the
   validation summary and the partition change.

Every refusal (steps 1–4) goes through :func:`pipelines.ingest.refusal.refuse`: nothing published, a
``rejected`` lineage row, the batch in quarantine, an operator e-mail, the error raised.
"""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from pipelines.ingest.connector import Connector, Staged
from pipelines.ingest.contract import ContractError, SourceContract
from pipelines.ingest.contract_gate import check_inputs, check_staged
from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.partition import partition_change, replace_partition_rows
from pipelines.ingest.publish import publish_areas, publish_observations
from pipelines.ingest.refusal import LoadRun, refuse
from pipelines.ingest.registry import connector_for
from pipelines.ingest.snapshot import take_snapshot
from pipelines.ingest.source_contracts import contract_for
from pipelines.quality import DataQualityError, SuiteSpec, ValidationReport, validate_frame
from pipelines.quality.plain import plain_row
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


def inputs_sha256(files: dict[str, Path]) -> str:
    """The checksum :func:`~pipelines.ingest.snapshot.take_snapshot` gives ``files`` (bytes, never paths)."""
    snap = take_snapshot(files)
    snap.close()
    return snap.sha256


def route_inputs(
    connector: Connector, contract: SourceContract | None, data_dir: Path, path: Path | str | None = None
) -> tuple[dict[str, Path], dict[str, tuple[Path, Path]], str]:
    """(role → path, overlays, the role ``path`` replaced) for a load.

    A single file replaces the role whose overlay pattern (contract) matches its name, with the folder's
    other files kept (an *overlay*); else the non-primary role whose usual file has the same name; else
    the primary input. A file for a folder-only primary input whose name does not fit is refused.
    """
    files = resolve_inputs(connector, data_dir, None if path is not None and Path(path).is_file() else path)
    primary = next(iter(connector.inputs))
    if path is None or not Path(path).is_file():
        return files, {}, primary
    path = Path(path)
    overlays = (contract.overlays if contract else {}) or {}
    for role, pattern in overlays.items():
        if re.fullmatch(pattern, path.name):
            return files, {role: (files[role], path)}, role
    for role, rel in connector.inputs.items():
        if role != primary and Path(rel).name == path.name:
            return files | {role: path}, {}, role
    if primary in overlays:
        raise ContractError(path, "file name", f"expected a file named like {overlays[primary]!r}")
    return files | {primary: path}, {}, primary


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
        numbers = failed.lines or [None] * len(failed.examples)
        for number, example in list(zip(numbers, failed.examples, strict=False))[:QUARANTINE_EXAMPLES]:
            where = f"quarantine line {number}" if number else "e.g."
            lines.append(f"    {where}: {plain_row(example)}")
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


def _result(connector: Connector, status: str, rows_in: int, rows_published: int, run_id: str) -> dict:
    return {
        "source": connector.name,
        "status": status,
        "rows_in": rows_in,
        "rows_published": rows_published,
        "run_id": run_id,
    }


def _stage(run: LoadRun, contract: SourceContract, today: date) -> Staged:
    """Check the copied inputs against the contract, then stage them. Any error at this reader boundary
    (a contract rule, a reader's rule, or an exception a parser raised) becomes a refusal."""
    primary = next(iter(run.snapshot.files.values()))
    try:
        check_inputs(run.snapshot.files, contract, today)
        return run.connector.stage(run.snapshot.files)
    except SourceFormatError as exc:
        refuse(run, exc)
    except Exception as exc:  # noqa: BLE001 - a parser's own error (OverflowError, KeyError, …) is a refusal too
        refuse(run, SourceFormatError(primary, "unparseable input", f"{type(exc).__name__}: {exc}"))


def _gate(
    run: LoadRun, staged: Staged, accept_row_change: bool, previous_rows: int | None
) -> ValidationReport:
    """The expectation suite with the history rules; a failure is refused with the frame quarantined."""
    connector, engine = run.connector, run.engine
    newest = _newest_period_year(engine, connector.name) if connector.target == "observation" else None
    spec = with_history(
        connector.suite(staged.frame, _known_areas(engine)),
        None if accept_row_change else previous_rows,
        newest,
    )
    report = validate_frame(staged.frame, spec)
    rows_in = len(staged.frame)
    write_validation_html(
        report, run.settings.gx_dir, source=connector.name, run_id=run.run_id,
        file=str(run.files[run.given_role]), status="published" if report.success else "rejected", rows=rows_in,
    )  # fmt: skip
    if not report.success:
        qpath = quarantine(staged.frame, run.settings, connector.name, run.run_id)
        message = failure_message(connector, run.files, report, qpath)
        refuse(run, DataQualityError(message, report, qpath), staged.frame, report)
    return report


def unmatched_report(staged: Staged, settings: Settings, source: str, run_id: str) -> dict:
    """Write the rows the source could not place to ``<reports_dir>/unmatched/<source>/<run_id>.csv``;
    returns ``{"unmatched_rows": n, "unmatched_report": path}`` for the lineage summary (empty when none)."""
    if staged.unmatched.empty:
        return {}
    path = settings.reports_dir / "unmatched" / source / f"{run_id}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    staged.unmatched.to_csv(path, index=False)
    return {"unmatched_rows": len(staged.unmatched), "unmatched_report": str(path)}


def run_source(
    name: str,
    path: Path | str | None = None,
    settings: Settings | None = None,
    accept_row_change: bool = False,
    allow_shrink: bool = False,
    accept_boundary_change: bool = False,
) -> dict:
    """Load source ``name`` (see ``SOURCE_FAMILIES``) from the data folder, or from ``path`` if given.

    Returns ``{source, status, rows_in, rows_published, run_id}`` with status ``published`` or
    ``unchanged``. Every refusal goes through :func:`~pipelines.ingest.refusal.refuse` and raises
    ``SourceFormatError`` (a reader or contract rule; ``ContractError`` for the latter) or
    ``DataQualityError`` (the expectation suite): nothing published, ``rejected`` lineage, quarantine,
    operator e-mail. ``accept_row_change`` drops the row-count-change rule for one load an operator has
    checked by hand; ``allow_shrink`` accepts a new file with more than ``MAX_SHRINK`` fewer rows than the
    partition it replaces (and drops the row-count-change rule); ``accept_boundary_change`` accepts
    boundaries that moved against the published version.
    """
    settings = settings or get_settings()
    connector = connector_for(name)
    contract = contract_for(name)
    today = datetime.now(UTC).date()
    migrate(settings.warehouse_url)
    engine = make_engine(settings.warehouse_url)
    run = LoadRun(str(uuid.uuid4()), datetime.now(UTC), connector, settings, engine,
                  resolve_inputs(connector, settings.data_dir, path), next(iter(connector.inputs)))  # fmt: skip
    try:
        try:
            files, overlays, run.given_role = route_inputs(connector, contract, settings.data_dir, path)
            run.files = {role: overlays[role][1] if role in overlays else p for role, p in files.items()}
            if contract is None:
                raise ContractError(run.files[run.given_role], "no declared contract",
                                    f"source {name!r} has no entry in pipelines.ingest.source_contracts")  # fmt: skip
            run.snapshot = take_snapshot(files, overlays)
        except SourceFormatError as exc:
            refuse(run, exc)
        previous_sha, previous_rows = _previous_load(engine, connector.name)
        if previous_sha == run.checksum:
            run.record(run.lineage("unchanged", 0, 0, None, None))
            return _result(connector, "unchanged", 0, 0, run.run_id)
        staged = _stage(run, contract, today)
        try:
            check_staged(staged, contract, run.snapshot.files, engine, today, accept_boundary_change, connector,
                         run.snapshot.files[run.given_role])  # fmt: skip
        except SourceFormatError as exc:
            refuse(run, exc, staged.frame)
        report = _gate(run, staged, accept_row_change or allow_shrink, previous_rows)
        rows_in = len(staged.frame)
        partition = partition_change(engine, connector, rows_in, allow_shrink)
        if partition["refused"]:
            refuse(run, ContractError(run.files[run.given_role], "partition shrink", partition["message"]),
                   staged.frame)  # fmt: skip
        unmatched = unmatched_report(staged, run.settings, connector.name, run.run_id)
        summary = json.dumps(
            json.loads(report.summary_json()) | {"partition": partition} | unmatched, sort_keys=True
        )
        with (
            engine.begin() as conn
        ):  # one transaction: old partition out, new rows and lineage in, or nothing
            if connector.target == "area":
                published = publish_areas(conn, connector, staged.frame, run.run_id)
            else:
                replace_partition_rows(conn, connector)
                published = publish_observations(conn, staged, run.run_id)
            conn.execute(IngestRun.__table__.insert(),
                         [run.lineage("published", rows_in, published, report.success, summary)])  # fmt: skip
        return {**_result(connector, "published", rows_in, published, run.run_id), **unmatched}
    finally:
        if run.snapshot is not None:
            run.snapshot.close()
        engine.dispose()
