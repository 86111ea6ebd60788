"""Hand one message to SMTP per delivery key — at least once, by one run at a time while its lease
holds — with retries and a record of the outcome.

Every message (alert, digest, all-clear, no-assessment notice, confirmation, operator mail) goes through
:func:`deliver`:

1. a ``sent`` or ``rejected`` delivery with the key: nothing to do;
2. no row yet: the ``pending`` row is inserted with this run's lease (only if the key is new, so two runs
   cannot both claim it), together with whatever the caller writes in ``write_with_claim`` (alert rows,
   alert state), in one transaction; a ``pending``/``failed`` row is re-sent only by the run that takes
   its lease (:mod:`pipelines.alerting.leases`): a row leased by a live run is skipped;
3. the message is sent; transient errors (connection refused or dropped, 4xx replies) are retried with
   exponential backoff (``SDG87_SMTP_RETRIES``, first delay ``SDG87_SMTP_BACKOFF_S``) on a fresh session;
4. the row is marked ``sent`` (with its Message-ID), ``rejected`` (a 5xx reply: permanent, never retried,
   reported by the delivery check) or ``failed`` (transient errors exhausted: sent again by the next run).

A ``pending`` row whose lease expired (its run died between "decided" and "sent") and a ``failed`` row
are re-sent with the same Message-ID. The guarantee is at-least-once: a run killed after the relay
accepted a message but before ``sent`` was recorded makes the next run send it again, with the same
Message-ID (``docs/adr/0031-alert-delivery-at-least-once.md``).
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite

from pipelines.alerting.leases import RELEASED, Lease, take
from pipelines.mail.mailer import smtp_session
from pipelines.settings import Settings
from pipelines.warehouse.schema import Delivery

log = logging.getLogger(__name__)
DONE = ("sent", "rejected")


class DeliveryError(RuntimeError):
    """A message could not be handed to the SMTP server; its delivery is marked ``failed``."""


class RejectedError(DeliveryError):
    """The server refused the message permanently (5xx); its delivery is marked ``rejected``."""


def message_key(kind: str, *parts: object) -> str:
    """Deterministic 64-hex key of one message from its kind and identifying parts."""
    return hashlib.sha256("\x1f".join([kind, *(str(p) for p in parts)]).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Outgoing:
    """One message to record and send. ``subscription_id`` is None for operator mail."""

    key: str
    kind: str
    subscription_id: int | None
    recipient: str
    subject: str
    message: EmailMessage
    n_areas: int = 0
    channel: str = "email"


def is_permanent(exc: BaseException) -> bool:
    """A 5xx SMTP reply (the recipient or message is refused for good); everything else is transient."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


class LazySmtp:
    """Opens the SMTP session (and the embedded server) only when the first message must go out.
    ``lease`` is the sending run's lease on the rows it claims (one per run)."""

    def __init__(self, settings: Settings, stack: ExitStack, sleep: Callable[[float], None] = time.sleep):
        self._settings, self._stack, self._sleep = settings, stack, sleep
        self.lease = Lease(settings.delivery_lease_s)
        self._inner: ExitStack | None = None
        self._smtp: smtplib.SMTP | None = None

    def _reset(self) -> None:
        if self._inner is not None:
            try:
                self._inner.close()
            except (smtplib.SMTPException, OSError):
                pass
        self._inner, self._smtp = None, None

    def _session(self) -> smtplib.SMTP:
        if self._smtp is None:
            self._inner = ExitStack()
            self._stack.callback(self._reset)
            self._smtp = self._inner.enter_context(smtp_session(self._settings))
        return self._smtp

    def send(self, msg: EmailMessage) -> None:
        """Send, retrying transient errors with backoff on a new session; re-raises the last error."""
        delay = self._settings.smtp_backoff_s
        for attempt in range(self._settings.smtp_retries + 1):
            try:
                self._session().send_message(msg)
                return
            except (smtplib.SMTPException, OSError) as exc:
                self._reset()
                if is_permanent(exc) or attempt == self._settings.smtp_retries:
                    raise
                log.warning("transient SMTP error (%s); retry %d in %.1f s", exc, attempt + 1, delay)
                self._sleep(delay)
                delay *= 2


def status_of(conn: Connection, key: str) -> str | None:
    t = Delivery.__table__
    return conn.execute(select(t.c.status).where(t.c.delivery_key == key)).scalar_one_or_none()


def claim(conn: Connection, out: Outgoing, lease: Lease) -> bool:
    """Insert the ``pending`` row for ``out`` if its key is new; True if this call claimed it."""
    return claim_key(
        conn, out.key, out.kind, out.subscription_id, out.recipient, out.subject, out.n_areas, out.channel,
        lease=lease,
    )  # fmt: skip


def claim_key(
    conn: Connection, key: str, kind: str, subscription_id: int | None, recipient: str, subject: str,
    n_areas: int = 0, channel: str = "email", *, lease: Lease,
) -> bool:  # fmt: skip
    """Insert a ``pending`` delivery row held by ``lease`` if ``key`` is new (before the message exists,
    when the message needs ids written in the same transaction); True if this call claimed it."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    row = {
        "delivery_key": key,
        "subscription_id": subscription_id,
        "kind": kind,
        "channel": channel,
        "recipient": recipient,
        "subject": subject[:300],
        "n_areas": n_areas,
        "status": "pending",
        "created_at": datetime.now(UTC),
        **lease.columns(),
    }
    table = Delivery.__table__
    stmt = insert(table).values(row).on_conflict_do_nothing(index_elements=["delivery_key"])
    # RETURNING, not rowcount: psycopg reports no rowcount for INSERT ... ON CONFLICT through SQLAlchemy.
    return conn.execute(stmt.returning(table.c.delivery_key)).scalar_one_or_none() is not None


def mark(engine: Engine, key: str, **values: object) -> None:
    with engine.begin() as conn:
        t = Delivery.__table__
        conn.execute(update(t).where(t.c.delivery_key == key).values(**values))


def send_recorded(engine: Engine, smtp: LazySmtp, out: Outgoing) -> None:
    """Send a claimed delivery and record the outcome; raises :class:`DeliveryError` when not sent."""
    try:
        smtp.send(out.message)
    except (smtplib.SMTPException, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"
        if is_permanent(exc):
            mark(engine, out.key, status="rejected", error=error, **RELEASED)
            raise RejectedError(
                f"{out.recipient}: {out.kind} {out.message['Message-ID']} refused: {exc}"
            ) from exc
        mark(engine, out.key, status="failed", error=error, **RELEASED)
        raise DeliveryError(
            f"{out.kind} to {out.recipient}: sending {out.message['Message-ID']} failed: {exc}"
        ) from exc
    mark(
        engine,
        out.key,
        status="sent",
        message_id=out.message["Message-ID"],
        sent_at=datetime.now(UTC),
        error=None,
        **RELEASED,
    )


def deliver(
    engine: Engine,
    smtp: LazySmtp,
    out: Outgoing,
    write_with_claim: Callable[[Connection], None] | None = None,
) -> str:
    """Record and send ``out`` once (module docstring). Returns ``sent``, ``resent``,
    ``skipped_already_sent`` or ``skipped_leased`` (another live run is sending it); raises
    :class:`DeliveryError` / :class:`RejectedError` when not sent."""
    with engine.connect() as conn:
        status = status_of(conn, out.key)
    if status in DONE:
        return "skipped_already_sent"
    outcome = "resent" if status is not None else "sent"
    with engine.begin() as conn:
        if status is not None:
            if not take(conn, out.key, smtp.lease):
                return "skipped_leased"
        elif not claim(conn, out, smtp.lease):
            return "skipped_leased"  # another run claimed it between our check and insert
        elif write_with_claim is not None:
            write_with_claim(conn)
    send_recorded(engine, smtp, out)
    return outcome
