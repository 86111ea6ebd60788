"""The alert or digest e-mail of one subscription: rendered text and HTML, the scope map, the CSV.

The map shows the scored areas of the scope (the simplified geometries, EPSG:4326) with the listed areas
in red; the CSV lists the scope's areas at the subscription's class or above, listed or not (not every
scored area: a national CSV of all 5,570 municipalities made the e-mail weigh most of a megabyte; see
docs/adr/0064-alert-csv-holds-the-alert-level.md). Feedback links are signed per alert id, so they are
built after the alert rows exist.
"""

from __future__ import annotations

import logging
from datetime import date

import pandas as pd
from sqlalchemy import Engine

from alerts.maps import scope_map_png
from alerts.render import render_alert_email
from alerts.select import CLASS_RANK, scope_members
from alerts.table import scores_csv
from pipelines.alerting.delivery import Outgoing
from pipelines.alerting.inputs import area_geometries
from pipelines.alerting.links import LinkSigner
from pipelines.alerting.messages import Sender, to_subscriber
from pipelines.alerting.records import alert_ids

log = logging.getLogger(__name__)
MAP_CID = "scope-map@sdg87"


def _previous_p(items: pd.DataFrame, states: pd.DataFrame, subscription_id: int) -> pd.Series:
    """``p`` at the last alert for re-alerted areas (what changed); NaN for new ones."""
    mine = states[(states["subscription_id"] == subscription_id) & (states["state"] == "open")]
    before = items["area_id"].map(mine.set_index("area_id")["p"].astype(float))
    return before.where(items["reason"] != "entered_high")


def _map(engine: Engine, in_scope: pd.DataFrame, listed: list[str]) -> bytes | None:
    with engine.connect() as conn:
        geometries = area_geometries(conn, in_scope["area_id"].tolist())
    try:
        return scope_map_png(geometries, listed)
    except ValueError as exc:  # no geometry loaded for this scope: the e-mail goes without a map
        log.warning("no map: %s", exc)
        return None


def alert_message(
    sender: Sender, links: LinkSigner, engine: Engine, sub: dict, key: str, kind: str, items: pd.DataFrame, total: int,
    data: dict, today: date,
) -> Outgoing:  # fmt: skip
    """The message for ``items`` (already recorded under ``key``; those with ``in_body`` are listed, the
    others only in the CSV), with map, CSV and a feedback link for every alert; ``total``: the areas the
    message tells of."""
    scores, areas = data["scores"], data["areas"]
    in_scope = scores[scores["area_id"].isin(scope_members(areas, sub["scope_area_id"]))]
    with engine.connect() as conn:
        ids = alert_ids(conn, key)
    feedback_urls = {a: links.feedback_url(i, today) for a, i in ids.items()}
    listed = items[items["in_body"].astype(bool)]
    png = _map(engine, in_scope, listed["area_id"].tolist())
    min_class = sub["min_class"] or "high"
    at_level = in_scope["risk_class"].map(CLASS_RANK).fillna(-1) >= CLASS_RANK[min_class]
    attached = in_scope[at_level | in_scope["area_id"].isin(list(ids))]
    csv_name = f"sdg87-{sub['scope_area_id']}-{pd.Timestamp(scores['period'].iloc[0]).year}.csv"
    freshness = data.get("freshness", {})
    rendered = render_alert_email(
        listed.assign(previous_p=_previous_p(listed, data["states"], sub["subscription_id"])),
        areas,
        scope_area_id=sub["scope_area_id"],
        min_class=min_class,
        n_more=total - len(listed),
        n_still_high=int(data["selection"].summary.set_index("subscription_id").loc[sub["subscription_id"], "n_still_high"])
        if sub["subscription_id"] in set(data["selection"].summary["subscription_id"]) else 0,
        unsubscribe_url=links.unsubscribe_url(sub["unsubscribe_token"]),
        recipient_name=sub["recipient_name"] or "",
        language=sub["language"],
        cadence=sub["cadence"] or "immediate",
        feedback_urls=feedback_urls,
        freshness=freshness,
        checks=data.get("checks", ()),
        map_cid=MAP_CID if png else None,
        csv_name=csv_name,
        today=today,
        alert_refs=ids,
        dashboard_url=links.dashboard_url(sub["scope_area_id"], today, sub["language"]),
    )  # fmt: skip
    return to_subscriber(
        sender, links, sub, key, kind, rendered, n_areas=total,
        images=((MAP_CID, png),) if png else (),
        attachments=((csv_name, scores_csv(attached, areas, ids, sub["language"], feedback_urls)),),
    )  # fmt: skip
