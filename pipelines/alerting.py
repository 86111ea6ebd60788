"""Send alert e-mails for the latest scores, exactly once per subscription and scoring cycle.

The cycle is the newest target ``period`` scored for ``settings.brazil_model_name``, its highest
``model_version`` (compared as a number) and, if several, its shortest ``horizon``. Per active, confirmed
subscription with an immediate cadence:

1. ``delivery_key`` = sha256 of (kind, subscription, period, horizon, model name, model version).
2. A ``sent`` delivery with that key: skip. A ``pending``/``failed`` one (a crash or a refused send):
   re-send the alerts it already carries, with the same ``Message-ID``.
3. Otherwise select (:mod:`alerts.select`); nothing in class: send nothing, count it. Else write the
   ``alert`` rows, the ``pending`` delivery and its ``delivery_alert`` links in one transaction, send,
   then mark the delivery ``sent`` with its ``Message-ID``. A failed send marks it ``failed`` and raises.

So a re-run never sends twice after a ``sent`` mark; a crash between send and mark re-sends once with the
same ``Message-ID`` (at-least-once, see ``docs/adr/0031-alert-delivery-at-least-once.md``).
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
from contextlib import ExitStack
from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import Connection, Date, Engine, Integer, String, select, update
from sqlalchemy.dialects import postgresql, sqlite

from alerts.render import RenderedEmail, render_alert_email
from alerts.select import CYCLE_KEY, HISTORY_COLUMNS, select_alerts
from pipelines.mailer import AddressError, build_message, message_id_for, smtp_session
from pipelines.settings import Settings, get_settings
from pipelines.sql_files import query
from pipelines.subscriptions import active_subscriptions, seed_example_subscriptions
from pipelines.warehouse.engine import make_engine, migrate
from pipelines.warehouse.schema import Alert, Area, Delivery, DeliveryAlert, Score
from pipelines.warehouse.writes import upsert

__all__ = ["DeliveryError", "NoScoresError", "delivery_key", "seed_example_subscriptions", "send_alerts"]

log = logging.getLogger(__name__)
ALERT_KIND = "alert"
ALERT_KEY = ["subscription_id", "area_id", *CYCLE_KEY]


class NoScoresError(RuntimeError):
    """No scores exist for the model: upstream failed or never ran (never an empty alert list)."""


class DeliveryError(RuntimeError):
    """A message could not be handed to the SMTP server; its delivery is marked ``failed``."""


def delivery_key(
    kind: str, subscription_id: int, period: date, horizon: int, model_name: str, version: str
) -> str:
    """Deterministic 64-hex key of one message: the same cycle and subscription always give the same key."""
    parts = [kind, str(subscription_id), period.isoformat(), str(horizon), model_name, str(version)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _version_order(version: str) -> tuple[int, int | str]:
    return (0, int(version)) if str(version).isdigit() else (1, str(version))


def latest_cycle_scores(conn: Connection, model_name: str) -> pd.DataFrame:
    """Score rows of the newest cycle of ``model_name``; raises :class:`NoScoresError` when none."""
    typed = query("alerts_latest_cycle").columns(period=Date, model_version=String, horizon=Integer)
    cycles = conn.execute(typed, {"model_name": model_name}).mappings().all()
    if not cycles:
        raise NoScoresError(f"no scores for model {model_name!r}: run scoring before sending alerts")
    version = max((c["model_version"] for c in cycles), key=_version_order)
    horizon = min(c["horizon"] for c in cycles if c["model_version"] == version)
    table = Score.__table__
    stmt = select(table).where(
        table.c.model_name == model_name,
        table.c.period == cycles[0]["period"],
        table.c.model_version == version,
        table.c.horizon == horizon,
    )
    return pd.DataFrame(conn.execute(stmt).mappings().all(), columns=[c.name for c in table.columns])


def _frame(conn: Connection, stmt) -> pd.DataFrame:
    return pd.DataFrame(conn.execute(stmt).mappings().all(), columns=[c.name for c in stmt.selected_columns])


def _areas(conn: Connection) -> pd.DataFrame:
    t = Area.__table__
    return _frame(conn, select(t.c.area_id, t.c.parent_id, t.c.name, t.c.level))


def _history(conn: Connection, model_name: str) -> pd.DataFrame:
    t = Alert.__table__
    return _frame(conn, select(*(t.c[c] for c in HISTORY_COLUMNS)).where(t.c.model_name == model_name))


def _stored_alerts(conn: Connection, key: str) -> tuple[pd.DataFrame, int]:
    """The alerts a pending/failed delivery carries, and its total in-class count (``n_areas``)."""
    a, da = Alert.__table__, DeliveryAlert.__table__
    stmt = select(a.c.area_id, a.c.reason, a.c.p, a.c.risk_class).join(da, da.c.alert_id == a.c.alert_id)
    stored = _frame(conn, stmt.where(da.c.delivery_key == key))
    n_areas = conn.execute(
        select(Delivery.__table__.c.n_areas).where(Delivery.__table__.c.delivery_key == key)
    )
    return stored, int(n_areas.scalar_one())


class _AlreadyClaimed(Exception):
    """Another run wrote this delivery between our status check and our insert."""


def _write_pending(
    conn: Connection, key: str, sub: dict, items: pd.DataFrame, total: int, subject: str
) -> None:
    """The pending delivery, its alert rows and their links, in the caller's transaction.

    The delivery row is inserted first and only if its key is new: a concurrent run that got there first
    makes this raise :class:`_AlreadyClaimed`, rolling the whole transaction back, so it never sends twice.
    """
    now = datetime.now(UTC)
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    delivery = {
        "delivery_key": key,
        "subscription_id": sub["subscription_id"],
        "kind": ALERT_KIND,
        "channel": "email",
        "recipient": sub["email"],
        "subject": subject,
        "n_areas": total,
        "status": "pending",
        "created_at": now,
    }
    claimed = conn.execute(
        insert(Delivery.__table__).values(delivery).on_conflict_do_nothing(index_elements=["delivery_key"])
    )
    if claimed.rowcount != 1:
        raise _AlreadyClaimed(key)
    alert_cols = [*ALERT_KEY, "risk_class", "reason", "p", "mlflow_run_id", "data_vintage"]
    rows = [{**r, "created_at": now} for r in items[alert_cols].to_dict("records")]
    conn.execute(insert(Alert.__table__).on_conflict_do_nothing(index_elements=ALERT_KEY), rows)
    a = Alert.__table__
    ids = (
        conn.execute(
            select(a.c.alert_id).where(
                *(a.c[c] == rows[0][c] for c in ALERT_KEY if c != "area_id"),
                a.c.area_id.in_(items["area_id"].tolist()),
            )
        )
        .scalars()
        .all()
    )
    upsert(conn, DeliveryAlert.__table__, [{"delivery_key": key, "alert_id": i} for i in ids])


def _mark(engine: Engine, key: str, **values) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(Delivery.__table__).where(Delivery.__table__.c.delivery_key == key).values(**values)
        )


def _render(
    settings: Settings, sub: dict, items: pd.DataFrame, n_more: int, n_still_high: int, areas: pd.DataFrame
) -> RenderedEmail:
    return render_alert_email(
        items,
        areas,
        scope_area_id=sub["scope_area_id"],
        min_class=sub["min_class"] or "high",
        n_more=n_more,
        n_still_high=n_still_high,
        unsubscribe_url=_unsubscribe_url(settings, sub),
        recipient_name=sub["recipient_name"] or "",
    )


def _unsubscribe_url(settings: Settings, sub: dict) -> str:
    return f"{settings.public_url.rstrip('/')}/unsubscribe?token={sub['unsubscribe_token']}"


class _LazySmtp:
    """Opens the SMTP session (and the embedded server) only when the first message must go out."""

    def __init__(self, settings: Settings, stack: ExitStack) -> None:
        self._settings, self._stack, self._smtp = settings, stack, None

    def send(self, msg) -> None:
        if self._smtp is None:
            self._smtp = self._stack.enter_context(smtp_session(self._settings))
        self._smtp.send_message(msg)


def _items(
    conn: Connection, key: str, sub: dict, selection, scores: pd.DataFrame
) -> tuple[str, pd.DataFrame, int]:
    """(outcome, items to render, n_more) for one subscription; outcome is what sending will count as."""
    status = conn.execute(
        select(Delivery.__table__.c.status).where(Delivery.__table__.c.delivery_key == key)
    ).scalar_one_or_none()
    if status == "sent":
        return "skipped_already_sent", scores.iloc[0:0], 0
    if status is not None:  # pending or failed: re-send exactly what was decided then
        stored, total = _stored_alerts(conn, key)
        items = scores.drop(columns=["p", "risk_class"]).merge(stored, on="area_id")
        items = items.sort_values(["p", "area_id"], ascending=[False, True])
        items = items.assign(subscription_id=sub["subscription_id"], rank=range(1, len(items) + 1))
        return "resent", items, total - len(items)
    mine = selection.alerts[selection.alerts["subscription_id"] == sub["subscription_id"]]
    counts = selection.summary.set_index("subscription_id").loc[sub["subscription_id"]]
    return ("sent" if len(mine) else "no_areas"), mine, int(counts["n_more"])


def _deliver(settings: Settings, engine: Engine, smtp: _LazySmtp, sub: dict, cycle: dict, data: dict) -> str:
    """Send one subscription's alert e-mail for the cycle if due; returns the outcome counted."""
    key = delivery_key(ALERT_KIND, sub["subscription_id"], *(cycle[c] for c in CYCLE_KEY))
    with engine.connect() as conn:
        outcome, items, n_more = _items(conn, key, sub, data["selection"], data["scores"])
    if outcome in ("skipped_already_sent", "no_areas"):
        return outcome
    summary = data["selection"].summary.set_index("subscription_id").loc[sub["subscription_id"]]
    rendered = _render(settings, sub, items, n_more, int(summary["n_still_high"]), data["areas"])
    message_id = message_id_for(key, settings.mail_from)
    msg = build_message(
        sender=settings.mail_from,
        recipient=sub["email"],
        recipient_name=sub["recipient_name"] or "",
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        message_id=message_id,
        unsubscribe_url=_unsubscribe_url(settings, sub),
        date=datetime.now(UTC),
        subscription=_label(sub),
    )
    if outcome == "sent":
        try:
            with engine.begin() as conn:
                _write_pending(conn, key, sub, items, len(items) + n_more, rendered.subject)
        except _AlreadyClaimed:
            return "skipped_already_sent"
    try:
        smtp.send(msg)
    except (smtplib.SMTPException, OSError) as exc:
        _mark(engine, key, status="failed", error=f"{type(exc).__name__}: {exc}")
        raise DeliveryError(f"{_label(sub)}: sending {message_id} failed: {exc}") from exc
    _mark(engine, key, status="sent", message_id=message_id, sent_at=datetime.now(UTC), error=None)
    return outcome


def _label(sub: dict) -> str:
    return f"subscription {sub['subscription_id']} (scope {sub['scope_area_id']})"


def send_alerts(settings: Settings | None = None) -> dict:
    """Send this cycle's alert e-mails (see the module docstring). Returns ``sent`` (incl. ``resent``),
    ``resent``, ``skipped_already_sent``, ``no_areas``, ``subscriptions``, the cycle (``period``,
    ``horizon``, ``model_name``, ``model_version``) and ``outbox`` (the ``.eml`` folder, or None when a relay
    is configured). Refused addresses do not stop the others; they raise :class:`AddressError` at the end."""
    settings = settings or get_settings()
    migrate(settings.warehouse_url)
    engine = make_engine(settings.warehouse_url)
    try:
        with engine.connect() as conn:
            scores = latest_cycle_scores(conn, settings.brazil_model_name)
            areas, subs = _areas(conn), active_subscriptions(conn)
            history = _history(conn, settings.brazil_model_name)
        data = {"scores": scores, "areas": areas, "selection": select_alerts(scores, areas, subs, history)}
        cycle = scores.iloc[0][CYCLE_KEY].to_dict()
        counts = {"sent": 0, "resent": 0, "skipped_already_sent": 0, "no_areas": 0}
        refused: list[str] = []
        with ExitStack() as stack:
            smtp = _LazySmtp(settings, stack)
            for sub in subs.to_dict("records"):
                try:
                    outcome = _deliver(settings, engine, smtp, sub, cycle, data)
                except AddressError as exc:
                    log.error("%s", exc)
                    refused.append(str(exc))
                    continue
                counts[outcome] += 1
                counts["sent"] += outcome == "resent"
    finally:
        engine.dispose()
    log.info("alerts for %s: %s", cycle, counts)
    if refused:
        raise AddressError(f"{len(refused)} subscription(s) refused, others sent: " + "; ".join(refused))
    return {
        **counts,
        "subscriptions": len(subs),
        "period": cycle["period"].isoformat(),
        "horizon": int(cycle["horizon"]),
        "model_name": str(cycle["model_name"]),
        "model_version": str(cycle["model_version"]),
        "outbox": None if settings.smtp_host else str(settings.outbox_dir),
    }
