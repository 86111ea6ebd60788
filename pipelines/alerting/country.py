"""Country-level alerts: after a world-estimate run, e-mail every subscription to a country (or to an
area above countries) whose estimate or intervention type changed since the previous run.

The rule and the message are pure (:mod:`alerts.country_changes`); this module reads the two newest runs
of ``country_estimate`` (``sql/alerts_country_estimate_runs.sql``), the areas and the confirmed active
subscriptions, and sends through the same delivery log as every other e-mail (unique key written before
sending: a re-run sends nothing twice; docs/adr/0031). Subscriptions inside Brazil below country level
(``BRA.PA``) get area alerts only; ``BRA`` gets both feeds (docs/adr/0067-country-level-alerts.md).
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
from datetime import date

import pandas as pd

from alerts.country_changes import COLUMNS, changes_digest, country_changes, in_scope, render_country_changes
from pipelines.alerting.delivery import DeliveryError, LazySmtp, RejectedError, deliver, message_key
from pipelines.alerting.links import LinkSigner
from pipelines.alerting.messages import Sender, scope_words, to_subscriber
from pipelines.alerting.scopes import country_feed, load_areas
from pipelines.alerting.subscriptions import active_subscriptions
from pipelines.mail.mailer import AddressError
from pipelines.settings import Settings, get_settings
from pipelines.sql_files import query
from pipelines.warehouse.engine import make_engine, migrate
from pipelines.world.registry import MODEL_NAME

log = logging.getLogger(__name__)
KIND = "country_change"


def send_country_alerts(settings: Settings | None = None, *, today: date) -> dict:
    """Compare the newest world-estimate run with the previous one and e-mail each country-feed
    subscription the changes in its scope. Returns ``runs_compared`` (0 before a second run),
    ``changes`` (countries changed), ``sent``, ``resent``, ``skipped_already_sent``, ``skipped_leased``,
    ``failed``. ``today``: the run's as-of date, chosen by the caller."""
    settings = settings or get_settings()
    migrate(settings.warehouse_url)
    sender, links = Sender.from_settings(settings), LinkSigner.from_settings(settings)
    engine = make_engine(settings.warehouse_url)
    counts = dict.fromkeys(("sent", "resent", "skipped_already_sent", "skipped_leased", "failed"), 0)
    try:
        with engine.connect() as conn:
            runs = conn.execute(query("alerts_country_estimate_runs"), {"model_name": MODEL_NAME}).all()
            if len(runs) < 2:
                return {"runs_compared": 0, "changes": 0, **counts}
            current, previous = (
                pd.DataFrame(
                    conn.execute(
                        query("alerts_country_estimates"),
                        {"model_name": MODEL_NAME, "period": r.period, "model_version": r.model_version},
                    ).all(),
                    columns=COLUMNS,
                )
                for r in runs
            )
            areas = load_areas(conn)
            subs = country_feed(active_subscriptions(conn))
        for frame in (current, previous):  # a text query on SQLite returns dates as strings
            frame["period"] = pd.to_datetime(frame["period"]).dt.date
        names = dict(zip(areas["area_id"], areas["name"].astype(str), strict=True))
        parents = dict(
            zip(areas["area_id"], areas["parent_id"].where(areas["parent_id"].notna(), None), strict=True)
        )
        changes = country_changes(previous, current, names, settings.country_alert_min_change_pp)
        run_key = [f"{r.period}:{r.model_version}" for r in runs]
        with ExitStack() as stack:
            smtp = LazySmtp(settings, stack)
            for sub in subs.to_dict("records"):
                mine = in_scope(changes, sub["scope_area_id"], parents)
                if not mine:
                    continue
                rendered = render_country_changes(
                    recipient_name=sub["recipient_name"] or "", **scope_words(areas, sub["scope_area_id"]),
                    language=sub["language"], changes=mine, run_date=today,
                    min_change_pp=settings.country_alert_min_change_pp,
                    unsubscribe_url=links.unsubscribe_url(sub["unsubscribe_token"]),
                )  # fmt: skip
                key = message_key(KIND, sub["subscription_id"], *run_key, changes_digest(mine))
                out = to_subscriber(sender, links, sub, key, KIND, rendered, n_areas=len(mine))
                try:
                    counts[deliver(engine, smtp, out)] += 1
                except (
                    AddressError,
                    RejectedError,
                    DeliveryError,
                ) as exc:  # one failure must not silence others
                    log.warning("country alert to subscription %s not sent: %s", sub["subscription_id"], exc)
                    counts["failed"] += 1
    finally:
        engine.dispose()
    return {"runs_compared": 2, "changes": len(changes), **counts}
