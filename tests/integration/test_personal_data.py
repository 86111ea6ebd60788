"""Erasing a subscriber and pruning the outbox, on the real warehouse, real outbox files and the CLI.

Area rows are real (IBGE); scores, loads and MLflow metrics are SYNTHETIC (see test_alert_support).
Recipients are fictitious (example.org).
"""

# Fixtures imported from test_alert_support are pytest arguments, not redefinitions.
# ruff: noqa: F811
from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from test_alert_support import outbox, skilled_run, warehouse  # noqa: F401 - fixtures

from pipelines.alerting.feedback import FeedbackEntry, record_feedback
from pipelines.alerting.personal_data import prune_outbox
from pipelines.alerting.run import send_alerts
from pipelines.cli import main
from pipelines.warehouse.schema import Alert, Delivery, Feedback, Subscription
from tests.support import run_date

PA = "labour-office-pa@example.org"


def _everything(engine) -> str:
    """Every text value of the subscription and delivery tables, joined (to search an address in)."""
    with engine.connect() as conn:
        rows = [*conn.execute(select(Subscription.__table__)), *conn.execute(select(Delivery.__table__))]
    return " ".join(str(v) for row in rows for v in row)


def test_erase_removes_address_and_name_but_keeps_the_counts(settings, warehouse, capsys):
    send_alerts(settings, today=run_date())
    with warehouse.begin() as conn:
        alert_id = conn.execute(select(Alert.alert_id).order_by(Alert.alert_id)).scalars().first()
        record_feedback(conn, [FeedbackEntry(alert_id, "false_alarm")], "web", "state labour office (x)")
    with warehouse.connect() as conn:
        before = {t: conn.execute(select(func.count()).select_from(t)).scalar() for t in
                  (Alert.__table__, Delivery.__table__, Feedback.__table__, Subscription.__table__)}  # fmt: skip
    name = "Superintendência Regional do Trabalho no Pará (exemplo)"
    assert PA in _everything(warehouse) and name in _everything(warehouse)
    n_files = len(list(settings.outbox_dir.glob("*.eml")))

    assert main(["subscriptions", "erase", PA.upper()]) == 0  # addresses compare case-insensitively
    out = capsys.readouterr().out
    assert "erased: 1 subscription(s), 1 delivery record(s) re-addressed, 1 outbox file(s) deleted" in out
    assert PA not in _everything(warehouse) and name not in _everything(warehouse)
    assert all(PA not in p.read_text(errors="replace") for p in settings.outbox_dir.glob("*.eml"))
    assert len(list(settings.outbox_dir.glob("*.eml"))) == n_files - 1
    with warehouse.connect() as conn:
        after = {t: conn.execute(select(func.count()).select_from(t)).scalar() for t in before}
        sub = conn.execute(select(Subscription.__table__).where(Subscription.erased_at.is_not(None))).one()
    assert after == before  # alerts, deliveries, feedback and the (anonymous) subscription all remain
    assert sub.email.endswith("@erased.invalid") and sub.recipient_name == "" and not sub.active
    assert sub.role == "superintendência regional do trabalho" and sub.scope_area_id == "BRA.PA"
    assert send_alerts(settings, today=run_date())["subscriptions"] == 2  # nothing is ever sent to it again
    assert main(["subscriptions", "erase", "nobody@example.org"]) == 1


def test_the_outbox_keeps_files_only_for_the_retention_period(settings, warehouse):
    send_alerts(settings, today=run_date())
    files = sorted(settings.outbox_dir.glob("*.eml"))
    assert len(files) == 3
    later = datetime.now(UTC) + timedelta(days=settings.outbox_retention_days + 1)
    assert prune_outbox(settings, now=datetime.now(UTC)) == 0
    assert prune_outbox(settings, now=later) == 3 and not list(settings.outbox_dir.glob("*.eml"))
    # An alert run applies it first: a file received 100 days ago goes, with a 90-day retention.
    old = settings.outbox_dir / "20200101T000000000000Z-old.eml"
    old.write_bytes(b"To: someone@example.org\r\n\r\nold\r\n")
    undated = settings.outbox_dir / "undated.eml"
    undated.write_bytes(b"To: someone@example.org\r\n\r\nold\r\n")
    stamp = (datetime.now(UTC) - timedelta(days=100)).timestamp()
    os.utime(undated, (stamp, stamp))
    assert send_alerts(settings, today=run_date())["outbox_pruned"] == 2
    assert not old.exists() and not undated.exists()
