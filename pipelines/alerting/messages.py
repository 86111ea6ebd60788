"""Turn rendered e-mails into recorded, sendable messages for one subscription or the operators.

Each builder returns an :class:`~pipelines.alerting.delivery.Outgoing` whose ``Message-ID`` comes from
its delivery key (a re-send carries the same id). Links come from :mod:`pipelines.alerting.links`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd

from alerts.render import RenderedEmail
from alerts.render_notices import (
    render_all_clear,
    render_confirmation,
    render_no_assessment,
    render_operator_error,
)
from pipelines.alerting.delivery import Outgoing, message_key
from pipelines.alerting.links import confirm_url, unsubscribe_url
from pipelines.mail.mailer import build_message, message_id_for
from pipelines.mail.operator_notice import operator_message
from pipelines.settings import Settings


def label(sub: dict) -> str:
    return f"subscription {sub['subscription_id']} (scope {sub['scope_area_id']})"


def scope_name(areas: pd.DataFrame, area_id: str) -> str:
    match = areas.loc[areas["area_id"] == area_id, "name"]
    return str(match.iloc[0]) if len(match) else area_id


def to_subscriber(
    settings: Settings,
    sub: dict,
    key: str,
    kind: str,
    rendered: RenderedEmail,
    *,
    n_areas: int = 0,
    images: tuple = (),
    attachments: tuple = (),
) -> Outgoing:
    """A message to ``sub`` (validated address, ``List-Unsubscribe`` unless it is a confirmation)."""
    message = build_message(
        sender=settings.mail_from,
        recipient=sub["email"],
        recipient_name=sub["recipient_name"] or "",
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        message_id=message_id_for(key, settings.mail_from),
        unsubscribe_url=None
        if kind == "confirmation"
        else unsubscribe_url(settings, sub["unsubscribe_token"]),
        date=datetime.now(UTC),
        subscription=label(sub),
        images=images,
        attachments=attachments,
    )
    return Outgoing(key, kind, int(sub["subscription_id"]), sub["email"], rendered.subject, message, n_areas)


def confirmation(settings: Settings, sub: dict, areas: pd.DataFrame, today: date) -> Outgoing:
    """The double opt-in message; one per subscription, ever (key: kind + subscription id)."""
    rendered = render_confirmation(
        recipient_name=sub["recipient_name"] or "",
        scope_name=scope_name(areas, sub["scope_area_id"]),
        role=sub["role"],
        min_class=sub["min_class"] or "high",
        cadence=sub["cadence"] or "immediate",
        language=sub["language"],
        confirm_url=confirm_url(settings, int(sub["subscription_id"]), today),
    )
    key = message_key("confirmation", sub["subscription_id"])
    return to_subscriber(settings, sub, key, "confirmation", rendered)


def all_clear(
    settings: Settings, sub: dict, areas: pd.DataFrame, today: date, data_date: date | None, n_open: int
) -> Outgoing:
    """The periodic "nothing new" message; at most one per subscription and day."""
    rendered = render_all_clear(
        recipient_name=sub["recipient_name"] or "",
        scope_name=scope_name(areas, sub["scope_area_id"]),
        min_class=sub["min_class"] or "high",
        language=sub["language"],
        run_date=today,
        data_date=data_date,
        n_open=n_open,
        unsubscribe_url=unsubscribe_url(settings, sub["unsubscribe_token"]),
    )
    key = message_key("all_clear", sub["subscription_id"], today.isoformat())
    return to_subscriber(settings, sub, key, "all_clear", rendered)


def no_assessment(settings: Settings, sub: dict, areas: pd.DataFrame, today: date) -> Outgoing:
    """The notice sent instead of scores; at most one per subscription and day."""
    rendered = render_no_assessment(
        recipient_name=sub["recipient_name"] or "",
        scope_name=scope_name(areas, sub["scope_area_id"]),
        language=sub["language"],
        run_date=today,
        unsubscribe_url=unsubscribe_url(settings, sub["unsubscribe_token"]),
    )
    key = message_key("no_assessment", sub["subscription_id"], today.isoformat())
    return to_subscriber(settings, sub, key, "no_assessment", rendered)


def to_operator(settings: Settings, kind: str, title: str, problems: list[str], today: date) -> Outgoing:
    """Operator mail to ``SDG87_OPERATOR_EMAIL``; one per kind, day and set of problems."""
    rendered = render_operator_error(title=title, problems=problems, run_date=today)
    key = message_key(kind, today.isoformat(), *sorted(problems))
    message = operator_message(
        sender=settings.mail_from,
        recipient=settings.operator_email,
        key=key,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        sent_at=datetime.now(UTC),
    )
    return Outgoing(key, kind, None, settings.operator_email, rendered.subject, message, len(problems))
