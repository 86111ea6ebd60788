"""The operator e-mail sent when a load fails (format error or failed gate).

One plain message to ``SDG87_OPERATOR_EMAIL`` through the project's mailer (the configured relay, or the
embedded server that writes ``.eml`` files to the outbox). Sending is best effort: a mail failure is logged
and never hides the data error that caused it.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from html import escape

from pipelines.mail.mailer import build_message, message_id_for, smtp_session
from pipelines.settings import Settings

log = logging.getLogger(__name__)
SUBJECT_MAX = 200


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
        msg = build_message(
            sender=settings.mail_from,
            recipient=settings.operator_email,
            recipient_name="sdg87 operator",
            subject=notice_subject(source, kind),
            text=text,
            html=html,
            message_id=message_id_for(
                hashlib.sha256(f"{source}:{run_id}".encode()).hexdigest(), settings.mail_from
            ),
            unsubscribe_url=None,
            date=datetime.now(UTC),
            subscription="operator",
        )
        with smtp_session(settings) as smtp:
            smtp.send_message(msg)
    except Exception as exc:  # noqa: BLE001 - the data error must reach the caller, not a mail error
        log.error("operator notice for %s run %s not sent: %s", source, run_id, exc)
        return False
    return True
