"""The daily delivery self-check: messages decided versus messages sent, and nobody left in silence.

:func:`check_deliveries` looks at the deliveries decided in the last ``hours`` and reports a problem for
each one not ``sent``: ``rejected`` (permanent, needs a person: fix or remove the subscription),
``failed`` (the next run retries) or ``pending`` for more than ``grace_minutes`` (a crash between decided
and sent). With the embedded SMTP server it also checks that every ``sent`` e-mail is in the outbox. It
then checks that every confirmed subscription heard something (alert, digest, all-clear or notice) in the
last ``SDG87_ALL_CLEAR_DAYS`` + 1 days. Any problem goes to the operators in one e-mail (once per day and
set of problems).
"""

from __future__ import annotations

from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from email.parser import BytesHeaderParser

from sqlalchemy import DateTime, bindparam

from pipelines.alerting.delivery import LazySmtp, deliver
from pipelines.alerting.inputs import last_contacts
from pipelines.alerting.messages import Sender, to_operator
from pipelines.alerting.scopes import area_feed
from pipelines.alerting.subscriptions import active_subscriptions
from pipelines.settings import Settings, get_settings
from pipelines.sql_files import query
from pipelines.warehouse.engine import migrate, warehouse_engine


def _outbox_ids(settings: Settings) -> set[str]:
    parser = BytesHeaderParser()
    return {
        str(parser.parsebytes(path.read_bytes()).get("Message-ID", "")).strip()
        for path in settings.outbox_dir.glob("*.eml")
    }


def _delivery_problems(rows: list, settings: Settings, now: datetime, grace: timedelta) -> list[str]:
    problems = []
    in_outbox = _outbox_ids(settings) if not settings.smtp_host else None
    for r in rows:
        what = f"{r.kind} to {r.recipient} ({r.delivery_key[:12]})"
        created = r.created_at if r.created_at.tzinfo else r.created_at.replace(tzinfo=UTC)
        if r.status == "rejected":
            problems.append(f"{what} was rejected permanently: {r.error}")
        elif r.status == "failed":
            problems.append(f"{what} failed and awaits a retry: {r.error}")
        elif r.status == "pending" and now - created > grace:
            problems.append(f"{what} is pending since {created:%Y-%m-%d %H:%M} UTC (decided, never sent)")
        elif (
            r.status == "sent"
            and in_outbox is not None
            and r.channel == "email"
            and r.message_id not in in_outbox
        ):
            problems.append(f"{what} is marked sent but {r.message_id} is not in the outbox")
    return problems


def check_deliveries(
    settings: Settings | None = None, now: datetime | None = None, hours: int = 24, grace_minutes: int = 30
) -> dict:
    """Run the check (module docstring). Returns ``decided``, ``sent``, ``problems`` (list of lines) and
    ``reported`` (True when an operator e-mail went out this call)."""
    settings = settings or get_settings()
    now = now or datetime.now(UTC)
    migrate(settings.warehouse_url)
    with warehouse_engine(settings) as engine:
        with engine.connect() as conn:
            stmt = (
                query("alerts_delivery_check")
                .bindparams(bindparam("since", type_=DateTime(timezone=True)))
                .columns(created_at=DateTime(timezone=True))
            )
            rows = conn.execute(stmt, {"since": now - timedelta(hours=hours)}).all()
            # Country-feed subscribers hear only when an estimate changes: no all-clear promise to check.
            contacts, subs = last_contacts(conn), area_feed(active_subscriptions(conn))
        problems = _delivery_problems(rows, settings, now, timedelta(minutes=grace_minutes))
        limit = settings.all_clear_days + 1
        for sub in subs.to_dict("records"):
            last = contacts.get(sub["subscription_id"])
            if last is None or (now.date() - last).days > limit:
                problems.append(
                    f"subscription {sub['subscription_id']} ({sub['email']}) heard nothing for over {limit} days"
                )
        reported = False
        if problems:
            with ExitStack() as stack:
                out = to_operator(
                    Sender.from_settings(settings),
                    "self_check",
                    "delivery check found problems",
                    problems,
                    now.date(),
                )
                reported = deliver(engine, LazySmtp(settings, stack), out) == "sent"
    return {"decided": len(rows), "sent": sum(r.status == "sent" for r in rows), "problems": problems,
            "reported": reported}  # fmt: skip
