"""The rules of send_alerts that need the real warehouse, SMTP and MLflow: withheld cycles, all-clears,
persisted hysteresis, digests, retries, permanent rejections, the delivery check and the webhook.

Area rows are real (IBGE); scores, loads and MLflow metrics are SYNTHETIC (see test_alert_support).
"""

# Fixtures imported from test_alert_support are pytest arguments, not redefinitions.
# ruff: noqa: F811
from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update
from test_alert_support import (  # noqa: F401 - fixtures
    SCORES,
    add_loads,
    add_scores,
    count,
    outbox,
    skilled_run,
    warehouse,
)

from pipelines.alerting.check import check_deliveries
from pipelines.alerting.run import AssessmentWithheldError, send_alerts
from pipelines.alerting.subscriptions import add_subscriptions
from pipelines.mail.smtp_server import OutboxHandler, free_port
from pipelines.warehouse.schema import Delivery, Subscription
from pipelines.warehouse.schema_alerts import AlertState
from tests.support import run_date

TODAY = datetime.now(UTC).date()


def _kinds(engine) -> dict[str, int]:
    with engine.connect() as conn:
        kinds = conn.execute(select(Delivery.kind)).scalars().all()
    return {k: kinds.count(k) for k in set(kinds)}


def test_rejected_load_withholds_the_cycle_and_tells_everyone_once(settings, warehouse):
    add_loads(warehouse, status="rejected", finished=datetime.now(UTC), observation=False)
    with pytest.raises(AssessmentWithheldError, match="rejected"):
        send_alerts(settings, today=run_date())
    with pytest.raises(AssessmentWithheldError):  # an Airflow retry: nothing sent twice
        send_alerts(settings, today=run_date())
    messages = outbox(settings, all_clear=True)
    subjects = sorted(m["Subject"] for m in messages)
    # the operator's message is English; the example offices read Portuguese
    assert len(subjects) == 4 and sum(s.startswith("Sem avaliação neste ciclo para ") for s in subjects) == 3
    assert "Sem avaliação neste ciclo para Brasil" in " ".join(subjects)
    operator = [m for m in messages if m["To"].addresses[0].addr_spec == settings.operator_email]
    assert len(operator) == 1 and "rejected" in operator[0].get_body(("plain",)).get_content()
    assert _kinds(warehouse) == {"no_assessment": 3, "operator": 1}  # and no alert rows, no scores sent


def test_stale_input_withholds_the_cycle(settings, warehouse):
    settings.max_input_age_days = 0
    with warehouse.begin() as conn:
        conn.execute(update(Delivery.__table__).values(status="sent"))  # nothing yet; keeps the table shape
    from pipelines.warehouse.schema import IngestRun

    with warehouse.begin() as conn:
        old = datetime.now(UTC) - timedelta(days=3)
        conn.execute(
            update(IngestRun.__table__).values(started_at=old - timedelta(minutes=1), finished_at=old)
        )
    with pytest.raises(AssessmentWithheldError, match="days old"):
        send_alerts(settings, today=run_date())


def test_champion_without_skill_withholds_the_cycle(settings, warehouse, skilled_run):
    add_scores(warehouse, version="2", run_id=skilled_run["unskilled_run_id"])
    with pytest.raises(AssessmentWithheldError, match="does not beat the best naive baseline"):
        send_alerts(settings, today=run_date())
    assert _kinds(warehouse).get("alert") is None


def test_all_clear_is_periodic_not_every_run(settings, warehouse):
    send_alerts(settings, today=run_date())
    assert send_alerts(settings, today=run_date())["all_clear"] == 0  # Mato Grosso heard "all clear" today
    later = TODAY + timedelta(days=settings.all_clear_days)
    again = send_alerts(settings, today=later)
    assert again["all_clear"] == 3 and again["sent"] == 0  # nothing new anywhere: everyone hears it
    assert send_alerts(settings, today=later)["all_clear"] == 0
    text = outbox(settings, all_clear=True)[-1].get_body(("plain",)).get_content()
    assert f"O sistema rodou em {later.isoformat()} com dados até 2026-04-06" in text


def test_states_are_stored_and_an_area_closes_below_the_leave_cut(settings, warehouse, skilled_run):
    send_alerts(settings, today=run_date())
    with warehouse.connect() as conn:
        states = conn.execute(select(AlertState.__table__)).mappings().all()
    assert {(s["subscription_id"], s["area_id"], s["state"]) for s in states} == {
        (1, "BRA.1500107", "open"), (1, "BRA.1500131", "open"), (3, "BRA.1500107", "open"), (3, "BRA.1500131", "open")
    }  # fmt: skip
    # SYNTHETIC version 2: Abel Figueiredo falls to 0.05 (below the 0.10 leave cut), Abaetetuba to medium.
    add_scores(warehouse, {**SCORES, "BRA.1500131": (0.05, "low"), "BRA.1500107": (0.15, "medium")}, version="2",
               run_id=skilled_run["run_id"])  # fmt: skip
    send_alerts(settings, today=run_date())
    with warehouse.connect() as conn:
        now = {(s.subscription_id, s.area_id): s.state for s in conn.execute(select(AlertState.__table__))}
    assert now[(1, "BRA.1500131")] == "closed" and now[(1, "BRA.1500107")] == "open"
    # SYNTHETIC version 3: both high again; only the closed one enters again.
    add_scores(warehouse, {**SCORES, "BRA.1500131": (0.30, "high"), "BRA.1500107": (0.43, "high")}, version="3",
               run_id=skilled_run["run_id"])  # fmt: skip
    send_alerts(settings, today=run_date())
    newest = [m for m in outbox(settings) if m["Subject"].endswith("1 município no Pará (2025)")]
    assert len(newest) == 1 and "Abel Figueiredo" in newest[0].get_body(("plain",)).get_content()


def test_unconfirmed_and_digest_subscriptions(settings, warehouse):
    add_subscriptions([{"recipient_name": "Unconfirmed (example)", "email": "new@example.org",
                        "role": "state office", "scope_area_id": "BRA.PA"}], settings)  # fmt: skip
    add_subscriptions([{"recipient_name": "Weekly (example)", "email": "weekly@example.org", "role": "ILO office",
                        "scope_area_id": "BRA", "cadence": "weekly"}], settings)  # fmt: skip
    with warehouse.begin() as conn:
        conn.execute(
            update(Subscription.__table__)
            .where(Subscription.email == "weekly@example.org")
            .values(confirmed=True)
        )
    result = send_alerts(settings, today=run_date())
    assert result["confirmations"] == 1 and result["sent"] == 3
    by_to = {m["To"].addresses[0].addr_spec: m for m in outbox(settings)}
    assert by_to["weekly@example.org"]["Subject"].startswith("Weekly digest: 2 municipalities")
    assert "new@example.org" in by_to and by_to["new@example.org"]["Subject"].startswith("Confirm")
    assert send_alerts(settings, today=run_date())["sent"] == 0  # same week: no second digest


class _FlakyHandler(OutboxHandler):
    """A real SMTP server that answers 451 (try later) to the first message, or 550 to a blocked address."""

    def __init__(self, outbox_dir, blocked: str = "") -> None:
        super().__init__(outbox_dir)
        self.blocked, self.failed_once = blocked, False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address == self.blocked:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if not self.failed_once:
            self.failed_once = True
            return "451 4.3.0 try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def flaky_smtp(settings):
    def start(blocked: str = ""):
        port = free_port()
        controller = Controller(_FlakyHandler(settings.outbox_dir, blocked), hostname="127.0.0.1", port=port)
        controller.start()
        settings.smtp_host, settings.smtp_port = "127.0.0.1", port
        started.append(controller)
        return controller

    started: list = []
    yield start
    for c in started:
        c.stop()


def test_transient_error_is_retried_and_permanent_rejection_recorded(settings, warehouse, flaky_smtp):
    flaky_smtp(blocked="inspection-unit@example.org")
    result = send_alerts(settings, today=run_date())
    assert result["sent"] == 1 and result["rejected"] == 1  # Pará sent after a 451; national unit refused
    with warehouse.connect() as conn:
        rows = {r.recipient: r for r in conn.execute(select(Delivery.__table__))}
    assert rows["labour-office-pa@example.org"].status == "sent"
    refused = rows["inspection-unit@example.org"]
    assert refused.status == "rejected" and "550" in refused.error
    assert send_alerts(settings, today=run_date())["sent"] == 0  # a rejection is not retried
    check = check_deliveries(settings)
    assert check["reported"] and any("rejected permanently" in p for p in check["problems"])
    assert check_deliveries(settings)["reported"] is False  # the same problems are reported once a day


def test_delivery_check_finds_a_stuck_pending_and_a_missing_file(settings, warehouse):
    send_alerts(settings, today=run_date())
    assert check_deliveries(settings)["problems"] == []
    with warehouse.begin() as conn:
        conn.execute(update(Delivery.__table__).where(Delivery.kind == "all_clear").values(status="pending"))
    for path in sorted(settings.outbox_dir.glob("*.eml"))[:1]:
        path.unlink()
    later = datetime.now(UTC) + timedelta(hours=1)
    problems = check_deliveries(settings, now=later)["problems"]
    assert any("decided, never sent" in p for p in problems)
    assert any("not in the outbox" in p for p in problems)


def test_webhook_posts_each_cycle_once(settings, warehouse):
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"key": self.headers["Idempotency-Key"], "doc": json.loads(body)})
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.webhook_url = f"http://127.0.0.1:{server.server_port}/sdg87"
        assert send_alerts(settings, today=run_date())["webhook"] == "sent"
        assert send_alerts(settings, today=run_date())["webhook"] == "skipped_already_sent"
    finally:
        server.shutdown()
    (only,) = received
    assert [a["area_id"] for a in only["doc"]["areas"]] == ["BRA.1500107", "BRA.1500131"]
    assert len(only["key"]) == 64
    settings.webhook_url = f"http://127.0.0.1:{free_port()}/down"
    settings.smtp_retries = 0
    add_scores(
        warehouse,
        {**SCORES, "BRA.1500206": (0.3, "high")},
        version="2",
        run_id=only["doc"]["cycle"]["mlflow_run_id"],
    )
    assert send_alerts(settings, today=run_date())["webhook"] == "failed"


def test_send_alerts_once_on_sqlite_and_postgresql(backend_settings, skilled_run):
    from test_alert_support import add_areas

    from pipelines.alerting.subscriptions import seed_example_subscriptions
    from pipelines.warehouse.engine import make_engine

    settings = backend_settings
    settings.mlflow_tracking_uri = skilled_run["uri"]
    engine = make_engine(settings.warehouse_url)
    try:
        add_areas(engine)
        add_scores(engine, run_id=skilled_run["run_id"])
        add_loads(engine)
        seed_example_subscriptions(settings)
        first, second = send_alerts(settings, today=run_date()), send_alerts(settings, today=run_date())
        assert (first["sent"], first["all_clear"]) == (2, 1)
        assert (second["sent"], second["all_clear"], second["skipped_already_sent"]) == (0, 0, 2)
        with engine.connect() as conn:
            assert {r.status for r in conn.execute(select(Delivery.status))} == {"sent"}
            assert len(conn.execute(select(AlertState.area_id)).all()) == 4
    finally:
        engine.dispose()
