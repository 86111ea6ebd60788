"""The one failure path of a load: quarantine the batch, record a ``rejected`` lineage row, e-mail, raise.

Every refusal goes through :func:`refuse`, whatever refused the load (an unreadable file, a broken
contract, a failed expectation suite, a shrink without ``--allow-shrink``):

1. the batch goes to ``<quarantine_dir>/<source>/<run_id>/``: the bytes that were parsed (the input the
   operator named, or the primary input) and, once staged, ``staging.csv`` (geometry bytes left out);
2. a ``rejected`` lineage row with the checksum, rows, and a JSON summary naming rule, line, file and
   message (``format_error`` for reader and contract errors, the suite summary for gate failures);
3. one operator e-mail (:mod:`pipelines.mail.operator_notice`);
4. the error is raised again with its message naming the file (never the private copy), the line and
   the rule, and ``quarantine_path`` set. Nothing is published.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import pandas as pd
from sqlalchemy import Engine

from pipelines.ingest.connector import Connector
from pipelines.ingest.contract import ContractError
from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.snapshot import Snapshot
from pipelines.mail.operator_notice import send_operator_notice
from pipelines.quality import DataQualityError
from pipelines.settings import Settings
from pipelines.warehouse.schema import IngestRun


@dataclass
class LoadRun:
    """One attempted load: who, when, which files (as named by the operator) and, once read, the copy."""

    run_id: str
    started: datetime
    connector: Connector
    settings: Settings
    engine: Engine
    files: dict[str, Path]
    given_role: str
    snapshot: Snapshot | None = None

    @property
    def checksum(self) -> str:
        return self.snapshot.sha256 if self.snapshot else ""

    def lineage(self, status: str, rows_in: int, rows_published: int, success, summary: str | None) -> dict:
        """The ``ingest_run`` row of this load."""
        return {
            "run_id": self.run_id,
            "source": self.connector.name,
            "dataset": self.connector.dataset,
            "file_path": "; ".join(str(p) for p in self.files.values()),
            "file_sha256": self.checksum,
            "rows_in": rows_in,
            "rows_published": rows_published,
            "status": status,
            "validation_success": success,
            "validation_summary": summary,
            "started_at": self.started,
            "finished_at": datetime.now(UTC),
        }

    def record(self, lineage: dict) -> None:
        """Insert one lineage row in its own transaction."""
        with self.engine.begin() as conn:
            conn.execute(IngestRun.__table__.insert(), [lineage])


def quarantine_batch(run: LoadRun, frame: pd.DataFrame | None) -> Path:
    """Copy the parsed input and the staging frame (if any) to ``<quarantine_dir>/<source>/<run_id>/``."""
    folder = run.settings.quarantine_dir / run.connector.name / run.run_id
    folder.mkdir(parents=True, exist_ok=True)
    snap = run.snapshot
    if snap is not None and run.given_role in snap.files:
        src = snap.files[run.given_role]
        dst = folder / "input" / src.name
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
    if frame is not None:
        frame.drop(columns=[c for c in frame.columns if c.endswith("_wkb")]).to_csv(
            folder / "staging.csv", index=False
        )
    return folder


def refuse(
    run: LoadRun,
    exc: SourceFormatError | DataQualityError,
    frame: pd.DataFrame | None = None,
    report=None,
) -> NoReturn:
    """Quarantine, record, e-mail and raise ``exc`` (module docstring). ``report``: the failed suite."""
    text = run.snapshot.original_text(str(exc)) if run.snapshot else str(exc)
    staged_elsewhere = getattr(exc, "quarantine_path", None) is not None  # the gate wrote its own CSV
    qpath = quarantine_batch(run, None if staged_elsewhere else frame)
    rows_in = 0 if frame is None else len(frame)
    if isinstance(exc, SourceFormatError):
        summary = {"format_error": exc.rule, "line": exc.line, "file": run.snapshot.original_text(exc.path)
                   if run.snapshot else exc.path, "message": text}  # fmt: skip
        kind = f"contract ({exc.rule.removeprefix('contract: ')})" if isinstance(exc, ContractError) else (
            f"unreadable input ({exc.rule})"
        )  # fmt: skip
        summary_json = json.dumps(summary | {"quarantine": str(qpath)})
    else:
        summary_json = report.summary_json() if report is not None else json.dumps({"message": text})
        kind = "data-quality gate"
    run.record(run.lineage("rejected", rows_in, 0, False, summary_json))
    send_operator_notice(
        run.settings, run.connector.name, run.run_id, kind, f"{text}\n\nQuarantined batch: {qpath}"
    )
    if isinstance(exc, SourceFormatError):
        out = type(exc).__new__(type(exc))
        Exception.__init__(out, text)
        out.path = run.snapshot.original_text(exc.path) if run.snapshot else exc.path
        out.rule, out.line = exc.rule, exc.line
        for attr, value in vars(exc).items():
            if attr not in ("path", "rule", "line"):
                setattr(out, attr, value)
    else:
        out = DataQualityError(text, exc.report, getattr(exc, "quarantine_path", None))
    out.quarantine_path = exc.quarantine_path if getattr(exc, "quarantine_path", None) else qpath
    raise out from exc
