"""Read-only look-ups the link pages need before they change anything (so a GET changes nothing)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from alerts.place_names import local_name
from pipelines.warehouse.schema import Alert, Area, Subscription


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


def scope_name(conn: Connection, area_id: str, language: str) -> str:
    """A subscription scope's name as ``language`` writes it (a country in its own word, else the official
    name; the area id when the area is not loaded). Reads only."""
    name = conn.execute(select(Area.name).where(Area.area_id == area_id)).scalar_one_or_none()
    return local_name(area_id, name or area_id, language)


def language_of_link(conn: Connection, purpose: str, subject: str) -> str | None:
    """The language of the subscription an authentic link belongs to: ``confirm`` links name the
    subscription, ``feedback`` links an alert of it. None for another purpose, an unknown subject or an
    erased subscription. Reads only."""
    s, a = Subscription.__table__, Alert.__table__
    if not subject.isdigit():
        return None
    if purpose == "confirm":
        stmt = select(s.c.language).where(s.c.subscription_id == int(subject))
    elif purpose == "feedback":
        stmt = select(s.c.language).join(a, a.c.subscription_id == s.c.subscription_id)
        stmt = stmt.where(a.c.alert_id == int(subject))
    else:
        return None
    return conn.execute(stmt.where(s.c.erased_at.is_(None))).scalar_one_or_none()
