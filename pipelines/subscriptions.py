"""Subscriptions: who receives alerts for which areas, and the example set shipped with the project.

A subscription is keyed on (``email``, ``scope_area_id``); ``scope_area_id`` is an area or a parent area
(its descendants are covered). Only ``active`` and ``confirmed`` subscriptions receive alerts. The
``unsubscribe_token`` is random and set once, at insert, so links in sent e-mails keep working.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from pipelines.mailer import validate_address, validate_display_name
from pipelines.settings import Settings, get_settings
from pipelines.warehouse.engine import make_engine, migrate
from pipelines.warehouse.schema import Subscription

# Clearly fictitious recipients (example.org is reserved for documentation, RFC 2606); they exist so a
# fresh install shows the alert flow end to end. Confirmed because nobody has to opt in for an example.
EXAMPLE_SUBSCRIPTIONS = (
    {
        "recipient_name": "Pará state labour office (example)",
        "email": "labour-office-pa@example.org",
        "role": "state labour office",
        "scope_area_id": "BRA.PA",
    },
    {
        "recipient_name": "Mato Grosso state labour office (example)",
        "email": "labour-office-mt@example.org",
        "role": "state labour office",
        "scope_area_id": "BRA.MT",
    },
    {
        "recipient_name": "National labour inspection unit (example)",
        "email": "inspection-unit@example.org",
        "role": "national inspection",
        "scope_area_id": "BRA",
    },
)

SUBSCRIPTION_COLUMNS = [
    "subscription_id",
    "recipient_name",
    "email",
    "role",
    "scope_area_id",
    "min_class",
    "unsubscribe_token",
]


def insert_subscriptions(conn: Connection, rows: list[dict]) -> int:
    """Insert subscriptions that do not exist yet on (email, scope_area_id); existing ones are untouched.

    Addresses are validated first (:func:`pipelines.mailer.validate_address`). Returns the number
    inserted. Runs inside the caller's transaction.
    """
    for row in rows:
        label = f"new subscription ({row['email']!r}, scope {row['scope_area_id']})"
        validate_address(row["email"], subscription=label)
        validate_display_name(row.get("recipient_name", ""), subscription=label)
    table = Subscription.__table__
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    inserted = 0
    for row in rows:
        values = {
            "min_class": "high",
            "cadence": "immediate",
            "language": "en",
            "active": True,
            "unsubscribe_token": secrets.token_urlsafe(32),
            "created_at": datetime.now(UTC),
            **row,
        }
        stmt = insert(table).values(values).on_conflict_do_nothing(index_elements=["email", "scope_area_id"])
        inserted += conn.execute(stmt).rowcount
    return inserted


def seed_example_subscriptions(settings: Settings | None = None) -> dict:
    """Add the example subscriptions (confirmed) unless present. Returns ``subscriptions`` (examples
    defined) and ``inserted`` (new rows this call; 0 on a re-run)."""
    settings = settings or get_settings()
    migrate(settings.warehouse_url)
    engine = make_engine(settings.warehouse_url)
    try:
        with engine.begin() as conn:
            inserted = insert_subscriptions(conn, [{**r, "confirmed": True} for r in EXAMPLE_SUBSCRIPTIONS])
    finally:
        engine.dispose()
    return {"subscriptions": len(EXAMPLE_SUBSCRIPTIONS), "inserted": inserted}


def active_subscriptions(conn: Connection) -> pd.DataFrame:
    """Active, confirmed subscriptions with an immediate cadence, one row each (digests are not sent
    here), ordered by ``subscription_id``; columns :data:`SUBSCRIPTION_COLUMNS`."""
    table = Subscription.__table__
    stmt = (
        select(*(table.c[c] for c in SUBSCRIPTION_COLUMNS))
        .where(table.c.active.is_(True), table.c.confirmed.is_(True), table.c.cadence == "immediate")
        .order_by(table.c.subscription_id)
    )
    return pd.DataFrame(conn.execute(stmt).mappings().all(), columns=SUBSCRIPTION_COLUMNS)
