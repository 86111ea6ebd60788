"""Send this cycle's messages: confirmations, alerts, digests, all-clears, or "no assessment" notices.

The cycle is the newest target ``period`` scored for ``settings.brazil_model_name``, its highest
``model_version`` (compared as a number) and, if several, its shortest ``horizon``. In order:

1. Pending opt-ins get their confirmation e-mail (once per subscription).
2. Inputs are checked: a source the scores used whose latest load was rejected or whose newest good load
   is older than ``SDG87_MAX_INPUT_AGE_DAYS``, or a champion whose backtest does not beat the baselines,
   withholds the cycle: every confirmed subscription gets a "no assessment this cycle" notice, the
   operators an error e-mail, and :class:`AssessmentWithheldError` is raised. Old scores are never sent.
3. Otherwise :func:`alerts.select.select_alerts` decides per subscription (hysteresis, cooldown, top-N).
   Immediate subscriptions get an alert e-mail per cycle, weekly/monthly ones a digest per period; the
   alert rows, the ``pending`` delivery, its links and the new alert states are written in one
   transaction before sending (:mod:`pipelines.alerting.delivery`). A subscription with nothing new gets
   an all-clear when it has heard nothing for ``SDG87_ALL_CLEAR_DAYS``.

Re-running sends nothing twice that was recorded ``sent``; overlapping runs do not send one message
concurrently while the sending run's lease holds (:mod:`pipelines.alerting.leases`). A transient
failure of one message is recorded (``failed``) and the others are still sent; the next run retries it.
A run killed after the relay accepted a message but before recording ``sent`` makes a later run send it
again with the same Message-ID: delivery is at-least-once (``docs/adr/0031-alert-delivery-at-least-once.md``).
"""

from __future__ import annotations

import logging
from collections import Counter
from contextlib import ExitStack
from datetime import date

import pandas as pd
from sqlalchemy import Connection, Engine

from alerts.schedule import all_clear_due, digest_period, input_problems
from alerts.select import CYCLE_KEY, select_alerts
from pipelines.alerting import messages
from pipelines.alerting.content import alert_message
from pipelines.alerting.delivery import (
    DONE,
    DeliveryError,
    LazySmtp,
    RejectedError,
    claim_key,
    deliver,
    message_key,
    send_recorded,
    status_of,
)
from pipelines.alerting.inputs import (
    NoScoresError,
    alert_history,
    alert_states,
    areas_frame,
    champion_skill,
    input_sources,
    last_contacts,
    latest_cycle_scores,
    latest_loads,
    vintages,
)
from pipelines.alerting.leases import take
from pipelines.alerting.links import LinkSigner
from pipelines.alerting.messages import Sender
from pipelines.alerting.personal_data import prune_outbox
from pipelines.alerting.records import stored_items, write_decision, write_states
from pipelines.alerting.scopes import area_feed
from pipelines.alerting.subscriptions import (
    active_subscriptions,
    seed_demo_subscriptions,
    seed_example_subscriptions,
    unconfirmed_subscriptions,
)
from pipelines.alerting.webhook import post_cycle
from pipelines.mail.mailer import AddressError, validate_address, validate_display_name
from pipelines.settings import Settings, get_settings
from pipelines.warehouse.engine import migrate, warehouse_engine

__all__ = [
    "AssessmentWithheldError",
    "DeliveryError",
    "NoScoresError",
    "delivery_key",
    "seed_demo_subscriptions",
    "seed_example_subscriptions",
    "send_alerts",
    "send_confirmations",
]

log = logging.getLogger(__name__)


class AssessmentWithheldError(RuntimeError):
    """Inputs failed a gate or are stale: recipients were told "no assessment", operators got an error."""


def delivery_key(
    kind: str, subscription_id: int, period: date, horizon: int, model_name: str, version: str
) -> str:
    """Deterministic 64-hex key of one cycle's message: the same cycle and subscription give the same key."""
    return message_key(kind, subscription_id, period.isoformat(), horizon, model_name, version)


def _confirmations(sender: Sender, links: LinkSigner, engine: Engine, smtp: LazySmtp, today: date) -> Counter:
    with engine.connect() as conn:
        pending, areas = unconfirmed_subscriptions(conn), areas_frame(conn)
    counts: Counter = Counter()
    for sub in pending.to_dict("records"):
        try:
            outcome = deliver(engine, smtp, messages.confirmation(sender, links, sub, areas, today))
        except (AddressError, RejectedError, DeliveryError) as exc:  # recorded; the others still go out
            log.error("%s", exc)
            counts["confirmations_failed"] += 1
            continue
        counts[CONFIRMATION_COUNTS.get(outcome, "confirmations")] += 1
    return counts


CONFIRMATION_COUNTS = {
    "skipped_already_sent": "confirmations_already_sent",
    "skipped_leased": "skipped_leased",
}


def send_confirmations(settings: Settings | None = None, *, today: date) -> dict:
    """Send the opt-in e-mail to every unconfirmed subscription that has not had one; returns counts.
    ``today``: the run date the links expire from, chosen by the caller (the DAG run or the command)."""
    settings = settings or get_settings()
    sender, links = (
        Sender.from_settings(settings),
        LinkSigner.from_settings(settings),
    )  # before anything is sent
    migrate(settings.warehouse_url)
    with warehouse_engine(settings) as engine:
        with ExitStack() as stack:
            counts = _confirmations(sender, links, engine, LazySmtp(settings, stack), today)
    return {"confirmations": counts["confirmations"], "already_sent": counts["confirmations_already_sent"],
            "failed": counts["confirmations_failed"]}  # fmt: skip


def _withhold(sender, links, engine, smtp, data: dict, problems: list[str], today: date) -> None:
    for sub in data["subs"].to_dict("records"):
        try:
            deliver(engine, smtp, messages.no_assessment(sender, links, sub, data["areas"], today))
        except (AddressError, RejectedError, DeliveryError) as exc:  # one failure must not silence the others
            problems = [*problems, f"notice not delivered: {exc}"]
    title = "no assessment sent this cycle"
    deliver(engine, smtp, messages.to_operator(sender, "operator", title, problems, today))
    raise AssessmentWithheldError("; ".join(problems))


def _read(conn: Connection, settings: Settings) -> dict:
    scores = latest_cycle_scores(conn, settings.brazil_model_name)
    history = alert_history(conn, settings.brazil_model_name)
    return {
        "scores": scores,
        "areas": areas_frame(conn),
        "subs": area_feed(active_subscriptions(conn)),  # country scopes hear country-level alerts only
        "history": history,
        "states": alert_states(conn, history),
        "loads": latest_loads(conn),
        "contacts": last_contacts(conn),
    }


def _key(sub: dict, cycle: dict, today: date) -> tuple[str, str]:
    period = digest_period(sub["cadence"] or "immediate", today)
    if period is None:
        return "alert", delivery_key("alert", sub["subscription_id"], *(cycle[c] for c in CYCLE_KEY))
    return "digest", message_key("digest", sub["subscription_id"], sub["cadence"], period.isoformat())


def _serve(settings, sender, links, engine, smtp, sub: dict, data: dict, today: date) -> str:
    """Decide and send (or skip) one subscription's message this run; returns the outcome counted."""
    sid = sub["subscription_id"]
    validate_address(sub["email"], subscription=messages.label(sub))  # before anything is recorded
    validate_display_name(sub["recipient_name"] or "", subscription=messages.label(sub))
    kind, key = _key(sub, data["cycle"], today)
    sel = data["selection"]
    new_states = sel.states[sel.states["subscription_id"] == sid]
    with engine.connect() as conn:
        status = status_of(conn, key)
        stored = stored_items(conn, key, data["scores"], sid) if status not in (None, *DONE) else None
    if status in DONE:  # this cycle's (or period's) message went out: at most an all-clear is due
        outcome = _maybe_all_clear(settings, sender, links, engine, smtp, sub, data, today)
        return "skipped_already_sent" if outcome == "no_areas" else outcome
    if stored is not None:
        with engine.begin() as conn:
            if not take(conn, key, smtp.lease):
                return "skipped_leased"  # a live run is sending it now
        items, total = stored
        outcome = "resent"
    else:
        items = sel.alerts[sel.alerts["subscription_id"] == sid]
        total = len(items)  # listed in the body or only in the CSV: every one is an alert
        if items.empty:
            with engine.begin() as conn:
                write_states(conn, new_states, data["cycle_label"])
            return _maybe_all_clear(settings, sender, links, engine, smtp, sub, data, today)
        outcome = "sent"
        with engine.begin() as conn:  # decided: recorded before anything is sent
            label = f"{kind} {data['cycle_label']}"
            if not claim_key(conn, key, kind, sid, sub["email"], label, total, lease=smtp.lease):
                return "skipped_leased"  # another run claimed it between our check and insert
            write_decision(conn, key, items, new_states, data["cycle_label"])
    send_recorded(
        engine, smtp, alert_message(sender, links, engine, sub, key, kind, items, total, data, today)
    )
    return outcome


def _maybe_all_clear(settings, sender, links, engine, smtp, sub: dict, data: dict, today: date) -> str:
    sid = sub["subscription_id"]
    if not all_clear_due(data["contacts"].get(sid), today, settings.all_clear_days):
        return "no_areas"
    states = data["states"]
    n_open = int(((states["subscription_id"] == sid) & (states["state"] == "open")).sum())
    newest = max(data["vintages"].values(), default=None)
    out = messages.all_clear(
        sender, links, sub, data["areas"], today, date.fromisoformat(newest) if newest else None, n_open
    )
    outcome = deliver(engine, smtp, out)
    return {"sent": "all_clear", "resent": "all_clear", "skipped_leased": "skipped_leased"}.get(
        outcome, "no_areas"
    )


def _select(settings: Settings, data: dict, today: date):
    return select_alerts(
        data["scores"], data["areas"], data["subs"], data["history"],
        top_n=settings.alert_top_n, states=data["states"], leave_p=settings.alert_leave_p,
        cooldown_days=settings.alert_cooldown_days, today=today,
    )  # fmt: skip


def _run(settings: Settings, engine: Engine, smtp: LazySmtp, today: date) -> dict:
    # Built once per run and passed down; a deployment still on the development key fails here, before
    # anything is sent.
    sender, links = Sender.from_settings(settings), LinkSigner.from_settings(settings)
    counts = _confirmations(sender, links, engine, smtp, today)
    with engine.connect() as conn:
        data = _read(conn, settings)
    scores = data["scores"]
    data["vintages"] = vintages(scores)
    with engine.connect() as conn:
        sources = input_sources(conn, sorted(data["vintages"]))
    problems = input_problems(data["loads"], sources, today, settings.max_input_age_days)
    if data["vintages"] and not sources:
        problems.append(
            f"no recorded load produced the data behind the scores ({', '.join(sorted(data['vintages']))})"
        )
    skilled, why = champion_skill(settings, next(iter(scores["mlflow_run_id"].dropna()), None))
    if not skilled:
        problems.append(f"champion has no proven skill: {why}")
    if problems:
        _withhold(sender, links, engine, smtp, data, problems, today)
    used = data["loads"][data["loads"]["source"].isin(sources)]
    data["checks"] = [f"{s}: {r}" for s, r in zip(used["source"], used["last_ok_run_id"], strict=True) if r]
    data["freshness"] = {
        s: pd.Timestamp(t).date().isoformat() for s, t in zip(used["source"], used["last_ok_at"], strict=True)
    }
    cycle = scores.iloc[0][CYCLE_KEY].to_dict()
    data.update(cycle=cycle, selection=_select(settings, data, today))
    data["cycle_label"] = f"{cycle['period']}/{cycle['horizon']}/{cycle['model_version']}"
    refused, rejected = [], []
    for sub in data["subs"].to_dict("records"):
        try:
            counts[_serve(settings, sender, links, engine, smtp, sub, data, today)] += 1
        except AddressError as exc:
            log.error("%s", exc)
            refused.append(str(exc))
        except RejectedError as exc:
            log.error("%s", exc)
            rejected.append(str(exc))
        except DeliveryError as exc:  # transient: recorded `failed`, retried next run; the others go on
            log.error("%s", exc)
            counts["failed"] += 1
    webhook = None
    if settings.webhook_url:
        webhook = post_cycle(settings, engine, data["selection"].alerts, data["areas"], cycle)
    return {"counts": counts, "cycle": cycle, "refused": refused, "rejected": rejected,
            "n_subs": len(data["subs"]), "webhook": webhook}  # fmt: skip


def send_alerts(settings: Settings | None = None, *, today: date) -> dict:
    """Send this run's messages (module docstring). Returns ``sent`` (alerts and digests, incl.
    ``resent``), ``resent``, ``skipped_already_sent``, ``no_areas``, ``all_clear``, ``confirmations``,
    ``rejected`` (permanently refused), ``failed`` (transient failures, retried next run),
    ``skipped_leased`` (being sent by another live run), ``webhook`` (outcome of the partner POST, None when not
    configured), ``subscriptions``, the cycle (``period``, ``horizon``,
    ``model_name``, ``model_version``), ``outbox`` (the ``.eml`` folder, or None with a relay) and
    ``outbox_pruned`` (files past ``SDG87_OUTBOX_RETENTION_DAYS`` deleted first).
    ``today``: the run date (the DAG run's as-of date; no clock fallback here).
    Refused addresses do not stop the others; they raise :class:`AddressError` at the end."""
    settings = settings or get_settings()
    migrate(settings.warehouse_url)
    pruned = prune_outbox(settings)  # SDG87_OUTBOX_RETENTION_DAYS
    with warehouse_engine(settings) as engine:
        with ExitStack() as stack:
            result = _run(settings, engine, LazySmtp(settings, stack), today)
    counts, cycle = result["counts"], result["cycle"]
    log.info("alerts for %s: %s", cycle, dict(counts))
    if counts["failed"]:
        raise DeliveryError(
            f"{counts['failed']} message(s) not delivered (recorded `failed`, the next run retries them); "
            "the others were sent"
        )
    if result["refused"]:
        raise AddressError(
            f"{len(result['refused'])} subscription(s) refused, others sent: " + "; ".join(result["refused"])
        )
    return {
        "sent": counts["sent"] + counts["resent"],
        "resent": counts["resent"],
        "skipped_already_sent": counts["skipped_already_sent"],
        "no_areas": counts["no_areas"],
        "all_clear": counts["all_clear"],
        "confirmations": counts["confirmations"],
        "rejected": len(result["rejected"]),
        "failed": counts["failed"] + counts["confirmations_failed"],
        "skipped_leased": counts["skipped_leased"],
        "webhook": result["webhook"],
        "subscriptions": result["n_subs"],
        "period": pd.Timestamp(cycle["period"]).date().isoformat(),
        "horizon": int(cycle["horizon"]),
        "model_name": str(cycle["model_name"]),
        "model_version": str(cycle["model_version"]),
        "outbox": None if settings.smtp_host else str(settings.outbox_dir),
        "outbox_pruned": pruned,
    }
