"""Subscriptions: who receives alerts for which areas, how often, in which language.

A subscription is keyed on (``email``, ``scope_area_id``); ``scope_area_id`` is an area or a parent area
(its descendants are covered); a list of areas is one subscription per area. ``min_class`` is the class
that opens an alert, ``cadence`` is ``immediate``, ``weekly`` or ``monthly`` (digests), ``language`` one of
:data:`LANGUAGES`. Double opt-in: a new subscription is unconfirmed and receives only a confirmation
e-mail until its signed link is opened (:func:`confirm_subscription`). ``unsubscribe_token`` is random,
set once at insert, so unsubscribe links in old e-mails keep working. Removing a subscription deactivates
it (alerts already sent keep pointing at it).
"""

from __future__ import annotations

import csv
import secrets
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite

from alerts.i18n import LANGUAGES
from alerts.select import CLASS_RANK
from pipelines.alerting.scopes import ScopeError, load_areas, resolve_scope
from pipelines.mail.mailer import AddressError, validate_address, validate_display_name
from pipelines.settings import Settings, get_settings
from pipelines.warehouse.engine import migrate, warehouse_engine
from pipelines.warehouse.frames import read_frame
from pipelines.warehouse.schema import Area, Subscription

CADENCES = ("immediate", "weekly", "monthly")
CSV_COLUMNS = ["recipient_name", "email", "role", "scope_area_id", "min_class", "cadence", "language"]
REQUIRED = ["recipient_name", "email", "role", "scope_area_id"]

# Clearly fictitious recipients (example.org is reserved for documentation, RFC 2606); they exist so a
# fresh install shows the alert flow end to end. Confirmed because nobody has to opt in for an example.
# They are Brazilian offices, so they read Portuguese, as real ones would.
EXAMPLE_SUBSCRIPTIONS = (
    {
        "recipient_name": "Superintendência Regional do Trabalho no Pará (exemplo)",
        "email": "labour-office-pa@example.org",
        "role": "superintendência regional do trabalho",
        "scope_area_id": "BRA.PA",
        "language": "pt",
    },
    {
        "recipient_name": "Superintendência Regional do Trabalho em Mato Grosso (exemplo)",
        "email": "labour-office-mt@example.org",
        "role": "superintendência regional do trabalho",
        "scope_area_id": "BRA.MT",
        "language": "pt",
    },
    {
        "recipient_name": "DETRAE — Divisão de Fiscalização para Erradicação do Trabalho Análogo ao de Escravo (exemplo)",
        "email": "inspection-unit@example.org",
        "role": "fiscalização nacional, Ministério do Trabalho e Emprego",
        "scope_area_id": "BRA",
        "language": "pt",
    },
)

SUBSCRIPTION_COLUMNS = [
    "subscription_id",
    "recipient_name",
    "email",
    "role",
    "scope_area_id",
    "min_class",
    "cadence",
    "language",
    "unsubscribe_token",
]
LIST_COLUMNS = [*SUBSCRIPTION_COLUMNS[:-1], "confirmed", "active", "created_at"]


class SubscriptionError(ValueError):
    """A subscription that cannot be stored as given; the message names the row and the rule."""


def _text(row: dict, column: str, label: str, limit: int) -> str:
    value = str(row.get(column) or "").strip()
    if not value and column in REQUIRED:
        raise SubscriptionError(f"{label}: {column} is required")
    if len(value) > limit:
        raise SubscriptionError(f"{label}: {column} is longer than {limit} characters")
    return value


def check_subscription(row: dict, label: str, known_areas: set[str] | None = None) -> dict:
    """A clean copy of ``row`` (defaults filled in) or :class:`SubscriptionError` naming the rule.

    ``known_areas``, when given, is the set of ``area_id`` a scope must belong to.
    """
    clean = {
        "recipient_name": _text(row, "recipient_name", label, 200),
        "email": _text(row, "email", label, 254),
        "role": _text(row, "role", label, 60),
        "scope_area_id": _text(row, "scope_area_id", label, 32),
        "min_class": _text(row, "min_class", label, 8) or "high",
        "cadence": _text(row, "cadence", label, 16) or "immediate",
        "language": (_text(row, "language", label, 5) or "en").lower(),
    }
    try:
        validate_address(clean["email"], subscription=label)
        validate_display_name(clean["recipient_name"], subscription=label)
        validate_display_name(clean["role"], subscription=label)
    except AddressError as exc:
        raise SubscriptionError(str(exc)) from exc
    for column, allowed in (("min_class", tuple(CLASS_RANK)), ("cadence", CADENCES), ("language", LANGUAGES)):
        if clean[column] not in allowed:
            raise SubscriptionError(f"{label}: {column} {clean[column]!r} is not one of {list(allowed)}")
    if known_areas is not None and clean["scope_area_id"] not in known_areas:
        raise SubscriptionError(f"{label}: scope {clean['scope_area_id']!r} is not a known area_id")
    return clean


def insert_subscriptions(conn: Connection, rows: list[dict]) -> list[int]:
    """Insert subscriptions that do not exist yet on (email, scope_area_id); existing ones are untouched.

    Rows are checked first (:func:`check_subscription`; nothing is written if one fails). A row may carry
    ``confirmed`` (default False). Returns the ids inserted, in row order. Runs in the caller's transaction.
    """
    checked = [
        {**check_subscription(r, f"new subscription ({r.get('email')!r}, scope {r.get('scope_area_id')})"),
         "confirmed": bool(r.get("confirmed", False))}
        for r in rows
    ]  # fmt: skip
    table = Subscription.__table__
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    inserted = []
    for row in checked:
        values = {
            **row,
            "active": True,
            "unsubscribe_token": secrets.token_urlsafe(32),
            "created_at": datetime.now(UTC),
        }
        stmt = insert(table).values(values).on_conflict_do_nothing(index_elements=["email", "scope_area_id"])
        result = conn.execute(stmt.returning(table.c.subscription_id)).scalar_one_or_none()
        if result is not None:
            inserted.append(int(result))
    return inserted


def known_area_ids(conn: Connection) -> set[str]:
    return set(conn.execute(select(Area.__table__.c.area_id)).scalars())


def read_subscription_csv(path: Path, known_areas: set[str] | None = None) -> list[dict]:
    """Rows of a UTF-8 CSV with header :data:`CSV_COLUMNS` (the last three optional), all checked.

    Every bad row is reported at once, by line number; an unknown column is an error (a typo would
    otherwise silently fall back to a default).
    """
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        unknown = sorted(set(header) - set(CSV_COLUMNS))
        missing = [c for c in REQUIRED if c not in header]
        if unknown or missing:
            raise SubscriptionError(f"{path}: unknown columns {unknown}, missing columns {missing}")
        rows, errors = [], []
        for line, raw in enumerate(reader, start=2):
            try:
                rows.append(check_subscription(raw, f"{path}:{line}", known_areas))
            except SubscriptionError as exc:
                errors.append(str(exc))
    if errors:
        raise SubscriptionError(f"{len(errors)} bad row(s), nothing imported:\n" + "\n".join(errors))
    return rows


def resolve_scopes(rows: list[dict], areas: pd.DataFrame) -> list[dict]:
    """``rows`` with each ``scope_area_id`` resolved from an id or a published name
    (:func:`pipelines.alerting.scopes.resolve_scope`); every bad scope is reported at once."""
    out, errors = [], []
    for i, row in enumerate(rows, start=1):
        try:
            out.append({**row, "scope_area_id": resolve_scope(str(row.get("scope_area_id") or ""), areas)})
        except ScopeError as exc:
            errors.append(f"subscription {i} ({row.get('email')!r}): {exc}")
    if errors:
        raise SubscriptionError("\n".join(errors))
    return out


def add_subscriptions(rows: list[dict], settings: Settings | None = None) -> dict:
    """Resolve scopes (ids or names), check ``rows`` against the known areas and insert the new ones,
    unconfirmed, in one transaction.

    Returns ``inserted`` (ids) and ``existing`` (rows already subscribed, left as they were).
    """
    settings = settings or get_settings()
    migrate(settings.warehouse_url)
    with warehouse_engine(settings) as engine:
        with engine.begin() as conn:
            rows = resolve_scopes(rows, load_areas(conn))
            areas = known_area_ids(conn)
            for i, row in enumerate(rows, start=1):
                check_subscription(row, f"subscription {i} ({row.get('email')!r})", areas)
            ids = insert_subscriptions(conn, [{**r, "confirmed": False} for r in rows])
    return {"inserted": ids, "existing": len(rows) - len(ids)}


def seed_example_subscriptions(settings: Settings | None = None) -> dict:
    """Add the example subscriptions (confirmed) unless present. Returns ``subscriptions`` (examples
    defined) and ``inserted`` (new rows this call; 0 on a re-run)."""
    settings = settings or get_settings()
    migrate(settings.warehouse_url)
    with warehouse_engine(settings) as engine:
        with engine.begin() as conn:
            inserted = insert_subscriptions(conn, [{**r, "confirmed": True} for r in EXAMPLE_SUBSCRIPTIONS])
    return {"subscriptions": len(EXAMPLE_SUBSCRIPTIONS), "inserted": len(inserted)}


def seed_demo_subscriptions(settings: Settings | None = None) -> dict:
    """:func:`seed_example_subscriptions` when ``settings.seed_examples`` (``SDG87_SEED_EXAMPLES``) is on
    — the demo (``sdg87 run``) — else nothing. Returns ``seeded`` (bool), ``inserted`` (rows added)."""
    settings = settings or get_settings()
    if not settings.seed_examples:
        return {"seeded": False, "inserted": 0}
    return {"seeded": True, "inserted": seed_example_subscriptions(settings)["inserted"]}


def _subscriptions_frame(conn: Connection, stmt) -> pd.DataFrame:
    """Subscriptions as loaded, with ``language`` normalised once: lower case, ``en`` when unset."""
    frame = read_frame(conn, stmt)
    if "language" in frame.columns:
        frame["language"] = frame["language"].fillna("en").astype(str).str.lower().replace("", "en")
    return frame


def active_subscriptions(conn: Connection) -> pd.DataFrame:
    """Active, confirmed subscriptions (every cadence), ordered by ``subscription_id``; columns
    :data:`SUBSCRIPTION_COLUMNS`."""
    t = Subscription.__table__
    stmt = (
        select(*(t.c[c] for c in SUBSCRIPTION_COLUMNS))
        .where(t.c.active.is_(True), t.c.confirmed.is_(True))
        .order_by(t.c.subscription_id)
    )
    return _subscriptions_frame(conn, stmt)


def unconfirmed_subscriptions(conn: Connection) -> pd.DataFrame:
    """Active subscriptions still waiting for their opt-in; columns :data:`SUBSCRIPTION_COLUMNS`."""
    t = Subscription.__table__
    stmt = (
        select(*(t.c[c] for c in SUBSCRIPTION_COLUMNS))
        .where(t.c.active.is_(True), t.c.confirmed.is_(False))
        .order_by(t.c.subscription_id)
    )
    return _subscriptions_frame(conn, stmt)


def list_subscriptions(conn: Connection, include_inactive: bool = False) -> pd.DataFrame:
    """Every subscription (active only unless ``include_inactive``); columns :data:`LIST_COLUMNS`."""
    t = Subscription.__table__
    stmt = select(*(t.c[c] for c in LIST_COLUMNS)).order_by(t.c.subscription_id)
    if not include_inactive:
        stmt = stmt.where(t.c.active.is_(True))
    return _subscriptions_frame(conn, stmt)


def remove_subscription(conn: Connection, subscription_id: int) -> bool:
    """Deactivate one subscription; True if it was active."""
    t = Subscription.__table__
    stmt = update(t).where(t.c.subscription_id == subscription_id, t.c.active.is_(True)).values(active=False)
    return conn.execute(stmt).rowcount == 1


def confirm_subscription(conn: Connection, subscription_id: int) -> dict | None:
    """Mark an active subscription confirmed (idempotent); its row as a dict, or None if not active."""
    t = Subscription.__table__
    conn.execute(update(t).where(t.c.subscription_id == subscription_id).values(confirmed=True))
    row = (
        conn.execute(
            select(*(t.c[c] for c in LIST_COLUMNS)).where(t.c.subscription_id == subscription_id, t.c.active)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def unsubscribe(conn: Connection, token: str) -> dict | None:
    """Deactivate the subscription holding ``token`` (idempotent); its row, or None for an unknown token."""
    t = Subscription.__table__
    row = (
        conn.execute(select(*(t.c[c] for c in LIST_COLUMNS)).where(t.c.unsubscribe_token == token))
        .mappings()
        .first()
    )
    if row is None:
        return None
    conn.execute(update(t).where(t.c.unsubscribe_token == token).values(active=False))
    return {**row, "active": False}
