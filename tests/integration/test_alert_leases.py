"""Sending under overlap and failure, against a real SMTP relay (aiosmtpd) and the real warehouse: two
overlapping alert runs send each message once (SQLite and PostgreSQL), a transient failure of one message
does not stop the others, and a sender killed after the relay accepted a message leaves a leased
``pending`` row that the next run re-sends, after the lease expired, with the same Message-ID.

Area rows are real (IBGE); scores, loads and MLflow metrics are SYNTHETIC (see test_alert_support).
"""

# Fixtures imported from test_alert_support are pytest arguments, not redefinitions.
# ruff: noqa: F811
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from email.parser import BytesHeaderParser

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from test_alert_support import add_areas, add_loads, add_scores, skilled_run, warehouse  # noqa: F401

from pipelines.alerting.run import DeliveryError, send_alerts
from pipelines.alerting.subscriptions import seed_example_subscriptions
from pipelines.mail.smtp_server import free_port
from pipelines.warehouse.engine import make_engine
from pipelines.warehouse.schema import Delivery
from tests.support import run_date


class Relay:
    """A real SMTP relay recording every accepted message's Message-ID and recipients. ``hold_first``
    keeps the first DATA waiting until :meth:`release`; ``refuse`` answers 451 (try later) to that address;
    ``on_data`` runs after a message is recorded (the relay has accepted it)."""

    def __init__(self, hold_first: bool = False, refuse: str = "", on_data=None) -> None:
        self.messages: list[tuple[str, list[str]]] = []
        self.refuse, self.on_data = refuse, on_data
        self.arrived, self._release = threading.Event(), threading.Event()
        if not hold_first:
            self._release.set()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def release(self) -> None:
        self._release.set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address == self.refuse:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message_id = BytesHeaderParser().parsebytes(envelope.original_content)["Message-ID"]
        self.messages.append((message_id, list(envelope.rcpt_tos)))
        if len(self.messages) == 1:  # only the first message is held
            self.arrived.set()
            await asyncio.get_running_loop().run_in_executor(None, self._release.wait)
        if self.on_data is not None:
            self.on_data()
        return "250 accepted"

    def ids(self) -> Counter:
        return Counter(mid for mid, _ in self.messages)


@pytest.fixture
def relay():
    started: list[Relay] = []

    def start(**kwargs) -> Relay:
        r = Relay(**kwargs)
        r.controller.start()
        started.append(r)
        return r

    yield start
    for r in started:
        r.release()
        r.controller.stop()


def _use(settings, r: Relay) -> None:
    settings.smtp_host, settings.smtp_port, settings.smtp_retries = "127.0.0.1", r.port, 0


def _statuses(engine) -> Counter:
    with engine.connect() as conn:
        return Counter(conn.execute(select(Delivery.status)).scalars())


def test_overlapping_runs_send_each_message_once(backend_settings, skilled_run, relay):
    settings = backend_settings
    settings.mlflow_tracking_uri, settings.smtp_backoff_s = skilled_run["uri"], 0.01
    engine = make_engine(settings.warehouse_url)
    try:
        add_areas(engine)
        add_scores(engine, run_id=skilled_run["run_id"])
        add_loads(engine)
        seed_example_subscriptions(settings)
        r = relay(hold_first=True)
        _use(settings, r)
        results: dict = {}
        first = threading.Thread(target=lambda: results.update(first=send_alerts(settings, today=run_date())))
        first.start()
        assert r.arrived.wait(120), "the first run never reached the relay"
        # The first run is inside its first send (its row `pending`, leased): a second run starts now.
        results["second"] = send_alerts(settings, today=run_date())
        r.release()
        first.join(120)
        assert not first.is_alive()
    finally:
        engine.dispose()
    assert results["second"]["skipped_leased"] >= 1  # it saw the leased pending row and left it alone
    ids = r.ids()
    assert ids and all(n == 1 for n in ids.values()), ids  # every message reached the relay once
    assert results["first"]["sent"] + results["second"]["sent"] == 2  # the two alerts of the cycle
    engine = make_engine(settings.warehouse_url)
    try:
        assert set(_statuses(engine)) == {"sent"}
    finally:
        engine.dispose()


def test_a_transient_failure_does_not_skip_the_other_subscriptions(settings, warehouse, relay):
    seed_example_subscriptions(settings)
    r = relay(refuse="labour-office-pa@example.org")
    _use(settings, r)
    with pytest.raises(DeliveryError, match="1 message"):
        send_alerts(settings, today=run_date())
    recipients = {rcpt for _, rcpts in r.messages for rcpt in rcpts}
    assert "inspection-unit@example.org" in recipients  # the subscription after the failed one was served
    assert "labour-office-pa@example.org" not in recipients
    with warehouse.connect() as conn:
        rows = {d.recipient: d for d in conn.execute(select(Delivery.__table__))}
    failed = rows["labour-office-pa@example.org"]
    assert failed.status == "failed" and "451" in failed.error and failed.lease_owner is None
    r.refuse = ""  # the relay recovers: the next run sends the failed one, and only it
    again = send_alerts(settings, today=run_date())
    assert again["resent"] == 1 and again["failed"] == 0
    assert all(n == 1 for n in r.ids().values())


_CHILD = (
    "from datetime import UTC, datetime; from pipelines.alerting.run import send_alerts; "
    "send_alerts(today=datetime.now(UTC).date())"
)


def test_sender_killed_after_the_relay_accepted_resends_once_with_the_same_message_id(
    settings, warehouse, relay
):
    seed_example_subscriptions(settings)
    child: dict = {}
    pid_known = threading.Event()

    def kill_sender() -> None:  # the relay has the message; the sender dies before recording `sent`
        pid_known.wait(60)
        os.kill(child["proc"].pid, signal.SIGKILL)

    r = relay(on_data=kill_sender)
    env = {**os.environ, "SDG87_MLFLOW_TRACKING_URI": settings.mlflow_tracking_uri,
           "SDG87_SMTP_HOST": "127.0.0.1", "SDG87_SMTP_PORT": str(r.port), "SDG87_SMTP_RETRIES": "0",
           "SDG87_DELIVERY_LEASE_S": "1"}  # fmt: skip
    child["proc"] = subprocess.Popen([sys.executable, "-c", _CHILD], env=env)
    pid_known.set()
    assert child["proc"].wait(120) == -signal.SIGKILL
    (accepted,) = r.ids()
    with warehouse.connect() as conn:
        (row,) = conn.execute(select(Delivery.__table__).where(Delivery.status == "pending")).all()
    assert row.lease_owner.endswith(tuple(f":{child['proc'].pid}:{h}" for h in [row.lease_owner[-8:]]))
    r.on_data = None
    _use(settings, r)
    # Wait (bounded) until the dead run's one-second lease has expired, then run again.
    deadline = time.monotonic() + 30
    while datetime.now(UTC) <= row.lease_expires_at.replace(tzinfo=UTC) and time.monotonic() < deadline:
        time.sleep(0.05)
    result = send_alerts(settings, today=run_date())
    assert result["resent"] == 1
    ids = r.ids()
    assert ids[accepted] == 2  # at-least-once: the relay got the message twice, with the same Message-ID
    assert all(n == 1 for mid, n in ids.items() if mid != accepted)
    assert send_alerts(settings, today=run_date())["sent"] == 0  # recorded `sent` now: never again
    assert r.ids() == ids
