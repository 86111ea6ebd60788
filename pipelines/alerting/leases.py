"""Who is sending a delivery, and until when: the lease on a ``pending`` or ``failed`` delivery row.

A run that claims a new delivery (inserts its ``pending`` row) holds its lease from the start; a run that
finds a ``pending``/``failed`` row must :func:`take` the lease before re-sending it. A lease is
``lease_owner`` (the run's id: host, process id and a random part) and ``lease_expires_at`` (UTC, now +
``SDG87_DELIVERY_LEASE_S`` seconds). :func:`take` is one conditional ``UPDATE ... RETURNING`` on the row, so
of two runs at most one wins it on SQLite and PostgreSQL alike; a live run's lease is skipped, an expired
one (its run died) is taken over. Marking the row ``sent``, ``failed`` or ``rejected`` releases it.

The lease bounds duplicates; it cannot remove them: a run killed after the relay accepted the message and
before it recorded ``sent`` leaves a ``pending`` row whose lease expires, and the next run sends the
message again with the same Message-ID (at-least-once; docs/adr/0031-alert-delivery-at-least-once.md).
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, or_, update

from pipelines.warehouse.schema import Delivery

RETRYABLE = ("pending", "failed")


def new_owner() -> str:
    """``<host>:<pid>:<8 random hex>``: unique per run, readable when a row is stuck."""
    return f"{socket.gethostname()[:50]}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass(frozen=True)
class Lease:
    """One run's lease terms: its ``owner`` id and the lease length in seconds."""

    seconds: float
    owner: str = field(default_factory=new_owner)

    def columns(self, now: datetime | None = None) -> dict:
        """``lease_owner`` and ``lease_expires_at`` for a row this run claims now."""
        now = now or datetime.now(UTC)
        return {"lease_owner": self.owner, "lease_expires_at": now + timedelta(seconds=self.seconds)}


def take(conn: Connection, key: str, lease: Lease, now: datetime | None = None) -> bool:
    """Take the lease of the ``pending``/``failed`` delivery ``key`` if nobody holds it, it expired, or this
    run holds it already; True if this run now holds it (and may send), False if another live run does or
    the row is no longer retryable."""
    now = now or datetime.now(UTC)
    t = Delivery.__table__
    stmt = (
        update(t)
        .where(
            t.c.delivery_key == key,
            t.c.status.in_(RETRYABLE),
            or_(
                t.c.lease_owner.is_(None),
                t.c.lease_expires_at.is_(None),
                t.c.lease_expires_at < now,
                t.c.lease_owner == lease.owner,
            ),
        )
        .values(**lease.columns(now))
        .returning(t.c.delivery_key)
    )
    return conn.execute(stmt).scalar_one_or_none() is not None


RELEASED = {"lease_owner": None, "lease_expires_at": None}
