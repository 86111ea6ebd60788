"""Shared pieces of the alert integration tests: a small real-shaped warehouse, a real MLflow store.

Area rows are real (IBGE codes and names); every score, load and MLflow metric here is SYNTHETIC, made up
for these tests. Test modules import the fixtures by name (``from test_alert_support import ...``).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from email import policy
from email.parser import BytesParser

import pytest
import shapely
import uvicorn
from sqlalchemy import func, insert, select

from alerts.i18n import LANGUAGES, texts
from pipelines.alerting.subscriptions import insert_subscriptions, seed_example_subscriptions
from pipelines.mail.smtp_server import free_port
from pipelines.warehouse.schema import Area, Indicator, IngestRun, Observation, Score
from pipelines.web.app import create_app

MODEL = "sdg87-brazil-forced-labour"
Y2025 = date(2025, 1, 1)
AREAS = [
    ("BRA", "0", None, "Brasil"),
    ("BRA.PA", "1", "BRA", "Pará"),
    ("BRA.MT", "1", "BRA", "Mato Grosso"),
    ("BRA.1500107", "2", "BRA.PA", "Abaetetuba"),
    ("BRA.1500131", "2", "BRA.PA", "Abel Figueiredo"),
    ("BRA.1500206", "2", "BRA.PA", "Acará"),
    ("BRA.5100102", "2", "BRA.MT", "Acorizal"),
    ("BRA.5100201", "2", "BRA.MT", "Água Boa"),
]
# SYNTHETIC scores: Pará has two high municipalities, Mato Grosso none.
SCORES = {
    "BRA.1500107": (0.42, "high"),
    "BRA.1500131": (0.27, "high"),
    "BRA.1500206": (0.08, "medium"),
    "BRA.5100102": (0.12, "medium"),
    "BRA.5100201": (0.01, "low"),
}
DRIVERS = [
    {"feature": "br_atlas_p_agro", "label": "share of jobs in farming", "contribution": 0.7},
    {"feature": "br_atlas_t_freq", "label": "school attendance", "contribution": -0.4},
    {"feature": "fl_events_lag1", "label": "cases found in earlier years", "contribution": 0.3},
]


def add_areas(engine):
    # SYNTHETIC geometry: unit squares side by side stand in for the municipal boundaries.
    rows = [
        {"area_id": a, "level": lvl, "parent_id": p, "name": n, "study": "brazil",
         "geometry_simplified_wkb": shapely.to_wkb(shapely.box(i, 0, i + 1, 1)) if lvl == "2" else None}
        for i, (a, lvl, p, n) in enumerate(AREAS)
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(Area.__table__), rows)


def add_scores(engine, scores=SCORES, version="1", period=Y2025, run_id="synthetic-run-0001"):
    rows = [
        {
            "area_id": area_id,
            "period": period,
            "horizon": 1,
            "model_name": MODEL,
            "model_version": version,
            "p": p,
            "p_lo": p / 2,
            "p_hi": min(1.0, p * 1.5),
            "risk_class": cls,
            "drivers": json.dumps(DRIVERS),
            "mlflow_run_id": run_id,
            "as_of": date(period.year - 1, 1, 1),
            "data_vintage": json.dumps({"br_mte_employer_list": "2026-04-06"}),
            "scored_at": datetime(2026, 11, 1, tzinfo=UTC),
        }
        for area_id, (p, cls) in scores.items()
    ]
    with engine.begin() as conn:
        conn.execute(insert(Score.__table__), rows)


def _insert(conn, table):
    from sqlalchemy.dialects import postgresql, sqlite

    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def add_loads(engine, status="published", finished=None, observation=True):
    """A SYNTHETIC load of the employer list (ingest source ``brazil_employer_list``), finished a day ago
    by default, and one observation it published (so the scores' data source traces back to it)."""
    finished = finished or datetime.now(UTC) - timedelta(days=1)
    row = {"run_id": str(uuid.uuid4()), "source": "brazil_employer_list", "dataset": "employer list",
           "file_path": "synthetic.csv", "file_sha256": "0" * 64, "rows_in": 1, "rows_published": 1,
           "status": status, "validation_success": status != "rejected", "started_at": finished - timedelta(minutes=1),
           "finished_at": finished}  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(IngestRun.__table__), row)
        if observation:
            conn.execute(
                _insert(conn, Indicator.__table__).on_conflict_do_nothing(),
                {"indicator_code": "fl_employer_list_events", "name": "synthetic", "unit": "count",
                 "source": "br_mte_employer_list"},
            )  # fmt: skip
            conn.execute(
                _insert(conn, Observation.__table__).on_conflict_do_nothing(),
                {"area_id": "BRA.1500107", "period": date(2023, 1, 1), "indicator_code": "fl_employer_list_events",
                 "source": "br_mte_employer_list", "vintage": date(2024, 4, 6), "freq": "year", "value": 1.0,
                 "ingest_run_id": row["run_id"]},
            )  # fmt: skip
    return row["run_id"]


@pytest.fixture(scope="module")
def skilled_run(tmp_path_factory):
    """A real MLflow store holding SYNTHETIC training runs: one whose held-out AUPR beats its baselines,
    one that does not. Built once per test session (creating MLflow's tables takes seconds) and reused
    read-only by every module that imports this fixture."""
    store = tmp_path_factory.getbasetemp() / "alert-mlflow"
    ids = store / "runs.json"
    if not ids.exists():
        import mlflow

        store.mkdir(exist_ok=True)
        mlflow.set_tracking_uri(f"sqlite:///{store / 'mlflow.db'}")
        experiment = mlflow.create_experiment("alert-tests", artifact_location=(store / "artifacts").as_uri())
        with mlflow.start_run(experiment_id=experiment) as run:
            mlflow.log_metrics({"aupr": 0.30, "best_baseline_aupr": 0.10})
        with mlflow.start_run(experiment_id=experiment) as unskilled:
            mlflow.log_metrics({"aupr": 0.05, "best_baseline_aupr": 0.10})
        ids.write_text(json.dumps({"run_id": run.info.run_id, "unskilled_run_id": unskilled.info.run_id}))
    return {"uri": f"sqlite:///{store / 'mlflow.db'}", **json.loads(ids.read_text())}


def fill_warehouse(settings, engine, skilled_run) -> None:
    """The alert tests' warehouse: the areas, SYNTHETIC scores of the skilled run, a published load and the
    example subscriptions; ``settings`` read the skilled run's MLflow store and retry SMTP at once."""
    settings.mlflow_tracking_uri = skilled_run["uri"]
    settings.smtp_backoff_s = 0.01
    add_areas(engine)
    add_scores(engine, run_id=skilled_run["run_id"])
    add_loads(engine)
    seed_example_subscriptions(settings)


@pytest.fixture
def warehouse(settings, engine, skilled_run):
    fill_warehouse(settings, engine, skilled_run)
    return engine


# The example subscriptions are Brazilian offices reading Portuguese; a test of the English wording
# subscribes this English-reading office for Pará itself (confirmed, like the examples).
ENGLISH_PA = "pa-office-en@example.org"


def add_english_office(engine, scope: str = "BRA.PA", email: str = ENGLISH_PA) -> int:
    """Insert a confirmed English subscription for ``scope``; returns its ``subscription_id``."""
    row = {"recipient_name": "Pará state labour office (example)", "email": email,
           "role": "state labour office", "scope_area_id": scope, "language": "en", "confirmed": True}  # fmt: skip
    with engine.begin() as conn:
        (subscription_id,) = insert_subscriptions(conn, [row])
    return subscription_id


def by_recipient(messages) -> dict:
    """``{address: message}`` of parsed messages (one message per address expected)."""
    return {m["To"].addresses[0].addr_spec: m for m in messages}


def outbox(settings, all_clear: bool = False):
    """Parsed messages in the outbox; all-clear messages only when asked for."""
    parsed = [
        BytesParser(policy=policy.default).parsebytes(f.read_bytes())
        for f in sorted(settings.outbox_dir.glob("*.eml"))
    ]
    # An all-clear subject in any language starts with its catalogue text up to the first placeholder.
    prefixes = tuple(texts(language)["subject_all_clear"].split("{")[0] for language in LANGUAGES)
    return [m for m in parsed if all_clear or not m["Subject"].startswith(prefixes)]


def count(engine, table, *where):
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


@pytest.fixture
def served(settings, warehouse):
    """The web app on a free loopback port in a thread, once it has started: its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
