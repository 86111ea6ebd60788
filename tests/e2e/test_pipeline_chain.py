"""The whole chain, through real Airflow DAG runs (``airflow dags test``), on a two-state slice of the real data.

This is what ``make run`` does (the same stage runner, with its fingerprints), on Pará and Mato Grosso
only, so it stays a few minutes. It checks the promises of the quickstart: a warehouse with both study
areas, a champion model, scores for every municipality in the slice, e-mails in the outbox, and a second
run that skips every unchanged stage, redoes the alert DAG when forced and sends nothing twice.
"""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy

import pytest
from sqlalchemy import func, select

from pipelines.commands.stages import run_stages
from pipelines.fingerprints import STAGES_WITH_FINGERPRINT, expand_force
from pipelines.orchestrate import PIPELINE, STAGES, ensure_airflow_db
from pipelines.summary import collect_summary
from pipelines.warehouse.engine import make_engine, migrate
from pipelines.warehouse.schema import Area, Delivery, Score
from tests.support import use_sliced_home

# A hang guard, not a speed target: the chain trains a nested rolling-origin backtest, which on two busy
# cores can take longer than the suite-wide 900 s.
pytestmark = pytest.mark.timeout(2700)

STATES = ["PA", "MT"]


@pytest.fixture(scope="module")
def chain_state(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    settings = use_sliced_home(mp, tmp_path_factory.mktemp("chain"), STATES, lower_cuts=True)
    migrate(settings.warehouse_url)
    ensure_airflow_db(settings)
    as_of = datetime.now(UTC).date()
    run_stages(PIPELINE, settings, as_of)
    first = collect_summary(settings)
    first_outbox = sorted(p.name for p in settings.outbox_dir.glob("*.eml"))
    # The whole pipeline again on unchanged inputs, the alert DAG forced: nothing may be sent twice.
    run_stages(PIPELINE, settings, as_of, force=expand_force(["alerts"], STAGES))
    yield settings, first, first_outbox, collect_summary(settings)
    mp.undo()


@pytest.mark.slow
def test_chain_leaves_both_study_areas_a_champion_and_scores(chain_state):
    settings, summary, _, _ = chain_state
    engine = make_engine(settings.warehouse_url)
    with engine.connect() as conn:
        studies = dict(conn.execute(select(Area.study, func.count()).group_by(Area.study)).all())
        municipalities = conn.execute(select(func.count()).where(Area.level == "2")).scalar_one()
        scored = conn.execute(
            select(func.count(func.distinct(Score.area_id))).where(
                Score.model_name == settings.brazil_model_name
            )
        ).scalar_one()
    engine.dispose()
    assert studies["brazil"] > 0 and studies["world"] > 100
    assert municipalities > 200  # Pará (144) and Mato Grosso (141)
    assert scored == municipalities
    assert summary["champion"] is not None
    assert summary["loads"] and all(load["validation_success"] for load in summary["loads"])


@pytest.mark.slow
def test_chain_sends_e_mails_once(chain_state):
    settings, summary, first_outbox, again = chain_state
    assert first_outbox, "the first run put no e-mail in the outbox"
    assert sorted(p.name for p in settings.outbox_dir.glob("*.eml")) == first_outbox, "second run sent again"
    engine = make_engine(settings.warehouse_url)
    with engine.connect() as conn:
        sent = conn.execute(select(func.count()).where(Delivery.status == "sent")).scalar_one()
    engine.dispose()
    assert sent == len(first_outbox)
    outcomes = {stage: row["outcome"] for stage, row in again["stages"].items()}
    assert outcomes["send_alerts"] != "skipped", outcomes  # forced: the DAG ran and found nothing new to send
    assert all(outcomes[dag] == "skipped" for dag in STAGES_WITH_FINGERPRINT if dag != "send_alerts"), (
        outcomes
    )  # ingest has no fingerprint: its loads record "unchanged" instead
    msg = email.message_from_bytes(
        (settings.outbox_dir / first_outbox[0]).read_bytes(), policy=policy.default
    )
    assert msg["To"].addresses[0].domain == "example.org"
    assert "risco" in msg["Subject"].lower()  # the example offices read Portuguese
