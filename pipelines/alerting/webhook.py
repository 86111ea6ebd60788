"""Optional delivery of each cycle's alerts to a partner system as one JSON POST (``SDG87_WEBHOOK_URL``).

Keyed like e-mail: one ``delivery`` row per (URL, cycle) with ``channel = 'webhook'``; a ``sent`` row is
never posted again. Transient failures (connection errors, HTTP 5xx, 408, 429) are retried with the SMTP
backoff settings and leave the row ``failed`` for the next run; other 4xx replies mark it ``rejected``.
The body carries an ``Idempotency-Key`` header (the delivery key) so the partner can drop a repeat
after a crash between their 2xx and our ``sent`` mark.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine

from alerts.webhook import webhook_payload
from pipelines.alerting.delivery import DONE, claim_key, mark, message_key, status_of
from pipelines.alerting.leases import RELEASED, Lease, take
from pipelines.settings import Settings

TIMEOUT_S = 20
TRANSIENT_HTTP = {408, 429}


def _post(url: str, body: bytes, key: str) -> int:
    request = urllib.request.Request(
        url, data=body, method="POST",
        headers={"Content-Type": "application/json", "Idempotency-Key": key, "User-Agent": "sdg87"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 - configured URL
        return response.status


def post_cycle(
    settings: Settings, engine: Engine, alerts: pd.DataFrame, areas: pd.DataFrame, cycle: dict
) -> str:
    """Post this cycle's alerts once; returns ``sent``, ``skipped_already_sent``, ``no_areas``,
    ``failed``, ``rejected`` or ``skipped_leased`` (another live run is posting it)."""
    url = settings.webhook_url or ""
    key = message_key(
        "webhook", url, *(str(cycle[c]) for c in ("period", "horizon", "model_name", "model_version"))
    )
    with engine.connect() as conn:
        status = status_of(conn, key)
    if status in DONE:
        return "skipped_already_sent"
    if alerts.empty:
        return "no_areas"
    body = json.dumps(webhook_payload(alerts, areas), ensure_ascii=False).encode("utf-8")
    lease = Lease(settings.delivery_lease_s)
    with engine.begin() as conn:  # one run posts at a time (pipelines.alerting.leases)
        held = take(conn, key, lease) if status is not None else claim_key(
            conn, key, "alert", None, url[:254], f"webhook {cycle['period']}", len(alerts), "webhook",
            lease=lease,
        )  # fmt: skip
    if not held:
        return "skipped_leased"
    delay, error = settings.smtp_backoff_s, ""
    for attempt in range(settings.smtp_retries + 1):
        try:
            _post(url, body, key)
            mark(engine, key, status="sent", message_id=key[:40], sent_at=datetime.now(UTC), error=None,
                 **RELEASED)  # fmt: skip
            return "sent"
        except urllib.error.HTTPError as exc:
            error = f"HTTP {exc.code}: {exc.reason}"
            if exc.code < 500 and exc.code not in TRANSIENT_HTTP:
                mark(engine, key, status="rejected", error=error, **RELEASED)
                return "rejected"
        except (urllib.error.URLError, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        if attempt < settings.smtp_retries:
            time.sleep(delay)
            delay *= 2
    mark(engine, key, status="failed", error=error, **RELEASED)
    return "failed"
