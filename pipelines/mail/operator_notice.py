"""Operator e-mail: the one builder of a message to the operators, and the notice sent when a load fails.

:func:`operator_message` builds every message to ``SDG87_OPERATOR_EMAIL`` (the ingest notice below and the
alert cycle's operator error, :func:`pipelines.alerting.messages.to_operator`): addressed to
``sdg87 operator``, ``Message-ID`` from a stable key (a re-send carries the same id), no
``List-Unsubscribe``. :func:`send_operator_notice` sends one plain message to ``SDG87_OPERATOR_EMAIL`` through the project's mailer (the configured relay, or the
embedded server that writes ``.eml`` files to the outbox). Sending is best effort: a mail failure is logged
and never hides the data error that caused it.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from email.message import EmailMessage
from html import escape

from pipelines.mail.mailer import build_message, message_id_for, smtp_session
from pipelines.settings import Settings

log = logging.getLogger(__name__)
SUBJECT_MAX = 200
OPERATOR_NAME = "sdg87 operator"


def operator_message(
    *, sender: str, recipient: str, key: str, subject: str, text: str, html: str, sent_at: datetime
) -> EmailMessage:
    """A message from ``sender`` to the operator address ``recipient`` (validated); ``key``: the stable
    message key (hex, its first 40 characters make the ``Message-ID``); ``sent_at``: the ``Date`` header."""
    return build_message(
        sender=sender,
        recipient=recipient,
        recipient_name=OPERATOR_NAME,
        subject=subject,
        text=text,
        html=html,
        message_id=message_id_for(key, sender),
        unsubscribe_url=None,
        date=sent_at,
        subscription="operator address (SDG87_OPERATOR_EMAIL)",
    )


def notice_subject(source: str, kind: str) -> str:
    """``[sdg87] ingest <source> failed: <kind>``, one line (a newline in a name cannot inject a header)."""
    subject = f"[sdg87] ingest {source} failed: {kind}"
    return " ".join(subject.split())[:SUBJECT_MAX]


def send_operator_notice(settings: Settings, source: str, run_id: str, kind: str, message: str) -> bool:
    """E-mail the operator that ``source`` failed (``kind``: e.g. ``data-quality gate``); True if sent."""
    text = (
        f"The load of {source} (run {run_id}) failed and published nothing.\n\n{message}\n\n"
        "Downstream steps keep the previously published data; see `sdg87 lineage` and the quarantine folder.\n"
    )
    html = f"<pre>{escape(text)}</pre>"
    try:
        msg = operator_message(
            sender=settings.mail_from,
            recipient=settings.operator_email,
            key=hashlib.sha256(f"{source}:{run_id}".encode()).hexdigest(),
            subject=notice_subject(source, kind),
            text=text,
            html=html,
            sent_at=datetime.now(UTC),
        )
        with smtp_session(settings) as smtp:
            smtp.send_message(msg)
    except Exception as exc:  # noqa: BLE001 - the data error must reach the caller, not a mail error
        log.error("operator notice for %s run %s not sent: %s", source, run_id, exc)
        return False
    return True
