"""What every refused load must leave behind, asserted the same way by the contract and fuzz tests."""

from __future__ import annotations

import email
import json
from email import policy
from pathlib import Path

from sqlalchemy import func, select

from pipelines.settings import Settings
from pipelines.warehouse.engine import make_engine
from pipelines.warehouse.schema import Area, IngestRun, Observation


def published_state(settings: Settings) -> dict:
    """What a reader sees: row counts and the published loads."""
    engine = make_engine(settings.warehouse_url)
    with engine.connect() as conn:
        out = {
            "areas": conn.execute(select(func.count()).select_from(Area)).scalar(),
            "observations": conn.execute(select(func.count()).select_from(Observation)).scalar(),
            "published": conn.execute(select(func.count()).where(IngestRun.status == "published")).scalar(),
        }
    engine.dispose()
    return out


def latest_run(settings: Settings, source: str):
    engine = make_engine(settings.warehouse_url)
    with engine.connect() as conn:
        row = conn.execute(
            select(IngestRun)
            .where(IngestRun.source == source)
            .order_by(IngestRun.started_at.desc(), IngestRun.finished_at.desc())
        ).first()
    engine.dispose()
    return row


def assert_refused(settings: Settings, source: str, error: Exception, named: Path, before: dict) -> dict:
    """The one failure path: the error names the file; a ``rejected`` lineage row; the batch quarantined;
    an operator e-mail about this run; nothing published. Returns the lineage summary."""
    assert str(named) in str(error), f"{named} not named in: {error}"
    assert "Traceback" not in str(error)
    run = latest_run(settings, source)
    assert run is not None and run.status == "rejected" and run.rows_published == 0
    assert (settings.quarantine_dir / source / run.run_id).is_dir()
    mails = [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in settings.outbox_dir.glob("*.eml")
    ]
    mine = [m for m in mails if run.run_id in m.get_body(("plain",)).get_content()]
    assert len(mine) == 1 and " ".join(mine[0]["Subject"].split()).startswith(
        f"[sdg87] ingest {source} failed"
    )
    assert published_state(settings) == before
    return json.loads(run.validation_summary)
