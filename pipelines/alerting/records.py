"""Warehouse writes and reads of alert decisions: alert rows, delivery links, alert states.

Keys: an alert is unique on (subscription, area, period, horizon, model name, model version); a link on
(delivery key, alert id); a state on (subscription, area). All writes run in the caller's transaction
and are idempotent (insert-or-ignore for alerts and links, upsert for states).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from alerts.select import CYCLE_KEY
from pipelines.warehouse.frames import read_frame
from pipelines.warehouse.schema import Alert, Delivery, DeliveryAlert
from pipelines.warehouse.schema_alerts import AlertState
from pipelines.warehouse.writes import upsert

ALERT_KEY = ["subscription_id", "area_id", *CYCLE_KEY]
ALERT_COLUMNS = [*ALERT_KEY, "risk_class", "reason", "p", "mlflow_run_id", "data_vintage"]


def _insert(conn: Connection):
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def write_states(conn: Connection, states: pd.DataFrame, cycle_label: str) -> int:
    """Upsert alert states (``alerts.select.STATE_COLUMNS`` rows); returns the number written."""
    now = datetime.now(UTC)
    rows = [
        {**r, "p": float(r["p"]), "alerted_on": pd.Timestamp(r["alerted_on"]).date(), "cycle": cycle_label[:120],
         "updated_at": now}
        for r in states.to_dict("records")
        if r["alerted_on"] is not None and not pd.isna(r["alerted_on"])
    ]  # fmt: skip
    return upsert(conn, AlertState.__table__, rows)


def write_decision(
    conn: Connection, key: str, items: pd.DataFrame, states: pd.DataFrame, cycle_label: str
) -> None:
    """The alert rows of a claimed delivery (``items``: ``ALERT_COLUMNS`` and ``in_body``), their links to
    it, and the subscription's new states."""
    now = datetime.now(UTC)
    rows = [{**r, "created_at": now} for r in items[ALERT_COLUMNS].to_dict("records")]
    conn.execute(_insert(conn)(Alert.__table__).on_conflict_do_nothing(index_elements=ALERT_KEY), rows)
    a = Alert.__table__
    first = rows[0]
    ids = conn.execute(
        select(a.c.area_id, a.c.alert_id).where(
            *(a.c[c] == first[c] for c in ALERT_KEY if c != "area_id"),
            a.c.area_id.in_(items["area_id"].tolist()),
        )
    )
    in_body = dict(zip(items["area_id"], items["in_body"].astype(bool), strict=True))
    upsert(
        conn,
        DeliveryAlert.__table__,
        [{"delivery_key": key, "alert_id": r.alert_id, "in_body": bool(in_body[r.area_id])} for r in ids],
    )
    write_states(conn, states, cycle_label)


def alert_ids(conn: Connection, key: str) -> dict[str, int]:
    """``{area_id: alert_id}`` of the alerts a delivery carries."""
    a, da = Alert.__table__, DeliveryAlert.__table__
    stmt = (
        select(a.c.area_id, a.c.alert_id)
        .join(da, da.c.alert_id == a.c.alert_id)
        .where(da.c.delivery_key == key)
    )
    return {r.area_id: r.alert_id for r in conn.execute(stmt)}


def stored_items(
    conn: Connection, key: str, scores: pd.DataFrame, subscription_id: int
) -> tuple[pd.DataFrame, int]:
    """The items a pending/failed delivery carries (re-sent as decided then: the listed ones first, by
    ``p``) and its total count."""
    a, da = Alert.__table__, DeliveryAlert.__table__
    stmt = select(a.c.area_id, a.c.reason, a.c.p, a.c.risk_class, da.c.in_body)
    stored = read_frame(conn, stmt.join(da, da.c.alert_id == a.c.alert_id).where(da.c.delivery_key == key))
    total = conn.execute(select(Delivery.__table__.c.n_areas).where(Delivery.__table__.c.delivery_key == key))
    items = scores.drop(columns=["p", "risk_class"]).merge(stored.astype({"in_body": bool}), on="area_id")
    items = items.sort_values(["in_body", "p", "area_id"], ascending=[False, False, True])
    items = items.assign(subscription_id=subscription_id, rank=range(1, len(items) + 1))
    return items, int(total.scalar_one())
