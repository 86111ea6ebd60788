"""Personal data kept no longer than needed: erase a subscriber's address and name, prune the outbox.

- :func:`erase_address` (``sdg87 subscriptions erase EMAIL``) replaces, in every subscription of that
  address, the address with ``erased-<subscription_id>@erased.invalid`` (RFC 2606 reserves ``.invalid``)
  and the name with ``""``, deactivates it, draws a new unsubscribe token (old links no longer point at
  it) and sets ``erased_at``; the deliveries to it get the same placeholder as recipient, and the
  outbox ``.eml`` files addressed to it are deleted. Alerts, deliveries, feedback and alert states stay,
  tied to the anonymous subscription (its role, scope and language), so counts and reports still add up.
- :func:`prune_outbox` deletes outbox ``.eml`` files received more than ``SDG87_OUTBOX_RETENTION_DAYS``
  days ago (by the UTC receipt time in the file name, else the file's modification time); every alert
  run applies it first.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from pathlib import Path

from sqlalchemy import func, select, update

from pipelines.settings import Settings, get_settings
from pipelines.warehouse.engine import migrate, warehouse_engine
from pipelines.warehouse.schema import Delivery, Subscription

ERASED_DOMAIN = "erased.invalid"


def placeholder(subscription_id: int) -> str:
    return f"erased-{subscription_id}@{ERASED_DOMAIN}"


def _addressed_to(path: Path, address: str) -> bool:
    with path.open("rb") as handle:
        headers = BytesHeaderParser().parse(handle)
    found = getaddresses([str(v) for v in headers.get_all("To", []) + headers.get_all("Cc", [])])
    return any(addr.lower() == address for _, addr in found)


def erase_address(email: str, settings: Settings | None = None, now: datetime | None = None) -> dict:
    """Erase ``email`` (case-insensitive) everywhere (module docstring). Returns ``subscriptions``,
    ``deliveries`` (rows re-addressed) and ``outbox_files`` (deleted); all 0 for an unknown address."""
    settings = settings or get_settings()
    address, now = email.strip().lower(), now or datetime.now(UTC)
    migrate(settings.warehouse_url)
    s, d = Subscription.__table__, Delivery.__table__
    with warehouse_engine(settings) as engine:
        with engine.begin() as conn:
            ids = (
                conn.execute(select(s.c.subscription_id).where(func.lower(s.c.email) == address))
                .scalars()
                .all()
            )
            deliveries = 0
            for sid in ids:
                conn.execute(update(s).where(s.c.subscription_id == sid).values(
                    email=placeholder(sid), recipient_name="", active=False, erased_at=now,
                    unsubscribe_token=secrets.token_urlsafe(32),
                ))  # fmt: skip
                deliveries += conn.execute(
                    update(d).where(d.c.subscription_id == sid).values(recipient=placeholder(sid))
                ).rowcount
    files = [p for p in settings.outbox_dir.glob("*.eml") if _addressed_to(p, address)] if ids else []
    for path in files:
        path.unlink()
    return {"subscriptions": len(ids), "deliveries": deliveries if ids else 0, "outbox_files": len(files)}


def _received(path: Path) -> datetime:
    try:
        return datetime.strptime(path.name.split("-", 1)[0], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    except ValueError:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def prune_outbox(settings: Settings, now: datetime | None = None) -> int:
    """Delete outbox ``.eml`` files older than ``SDG87_OUTBOX_RETENTION_DAYS``; returns how many."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=settings.outbox_retention_days)
    old = [p for p in settings.outbox_dir.glob("*.eml") if _received(p) < cutoff]
    for path in old:
        path.unlink()
    return len(old)
