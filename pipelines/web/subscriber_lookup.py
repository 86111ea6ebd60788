"""Read-only look-ups the link pages need before they change anything (so a GET changes nothing)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from pipelines.warehouse.schema import Subscription


def subscription_by_unsubscribe_token(conn: Connection, token: str) -> dict | None:
    """``email``, ``scope_area_id``, ``language`` and ``active`` of the subscription holding the
    unsubscribe ``token``; None for an unknown or empty token. Reads only."""
    if not token:
        return None
    t = Subscription.__table__
    stmt = select(t.c.email, t.c.scope_area_id, t.c.language, t.c.active).where(
        t.c.unsubscribe_token == token
    )
    row = conn.execute(stmt).mappings().first()
    return dict(row) if row else None
