"""Turn rendered e-mails into recorded, sendable messages for one subscription or the operators.

Each builder returns an :class:`~pipelines.alerting.delivery.Outgoing` whose ``Message-ID`` comes from
its delivery key (a re-send carries the same id). The :class:`Sender` (who mail comes from, the operator
address) and the :class:`~pipelines.alerting.links.LinkSigner` are built once per run and passed down.
"""

from __future__ import annotations

from dataclasses import dataclass
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
from pipelines.alerting.links import LinkSigner
from pipelines.mail.mailer import build_message, message_id_for
from pipelines.mail.operator_notice import operator_message
from pipelines.settings import Settings


@dataclass(frozen=True)
class Sender:
    """``mail_from`` (``SDG87_MAIL_FROM``, the From header) and ``operator_email`` (``SDG87_OPERATOR_EMAIL``)."""

    mail_from: str
    operator_email: str

    @classmethod
    def from_settings(cls, settings: Settings) -> Sender:
        return cls(settings.mail_from, settings.operator_email)


def label(sub: dict) -> str:
    return f"subscription {sub['subscription_id']} (scope {sub['scope_area_id']})"


def scope_name(areas: pd.DataFrame, area_id: str) -> str:
    match = areas.loc[areas["area_id"] == area_id, "name"]
    return str(match.iloc[0]) if len(match) else area_id


def scope_words(areas: pd.DataFrame, area_id: str) -> dict[str, str]:
    """``scope_name``, ``scope_area_id`` and ``scope_level`` of a subscription's scope, for the notices."""
    level = areas.loc[areas["area_id"] == area_id, "level"]
    return {
        "scope_name": scope_name(areas, area_id),
        "scope_area_id": area_id,
        "scope_level": str(level.iloc[0]) if len(level) else "",
    }


def to_subscriber(
    sender: Sender,
    links: LinkSigner,
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
        sender=sender.mail_from,
        recipient=sub["email"],
        recipient_name=sub["recipient_name"] or "",
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        message_id=message_id_for(key, sender.mail_from),
        unsubscribe_url=None if kind == "confirmation" else links.unsubscribe_url(sub["unsubscribe_token"]),
        date=datetime.now(UTC),
        subscription=label(sub),
        images=images,
        attachments=attachments,
    )
    return Outgoing(key, kind, int(sub["subscription_id"]), sub["email"], rendered.subject, message, n_areas)


def confirmation(sender: Sender, links: LinkSigner, sub: dict, areas: pd.DataFrame, today: date) -> Outgoing:
    """The double opt-in message; one per subscription, ever (key: kind + subscription id)."""
    rendered = render_confirmation(
        recipient_name=sub["recipient_name"] or "",
        **scope_words(areas, sub["scope_area_id"]),
        role=sub["role"],
        min_class=sub["min_class"] or "high",
        cadence=sub["cadence"] or "immediate",
        language=sub["language"],
        confirm_url=links.confirm_url(int(sub["subscription_id"]), today),
    )
    key = message_key("confirmation", sub["subscription_id"])
    return to_subscriber(sender, links, sub, key, "confirmation", rendered)


def all_clear(
    sender: Sender,
    links: LinkSigner,
    sub: dict,
    areas: pd.DataFrame,
    today: date,
    data_date: date | None,
    n_open: int,
) -> Outgoing:
    """The periodic "nothing new" message; at most one per subscription and day."""
    rendered = render_all_clear(
        recipient_name=sub["recipient_name"] or "",
        **scope_words(areas, sub["scope_area_id"]),
        min_class=sub["min_class"] or "high",
        language=sub["language"],
        run_date=today,
        data_date=data_date,
        n_open=n_open,
        unsubscribe_url=links.unsubscribe_url(sub["unsubscribe_token"]),
        dashboard_url=links.dashboard_url(sub["scope_area_id"], today, sub["language"]),
    )
    key = message_key("all_clear", sub["subscription_id"], today.isoformat())
    return to_subscriber(sender, links, sub, key, "all_clear", rendered)


def no_assessment(sender: Sender, links: LinkSigner, sub: dict, areas: pd.DataFrame, today: date) -> Outgoing:
    """The notice sent instead of scores; at most one per subscription and day."""
    rendered = render_no_assessment(
        recipient_name=sub["recipient_name"] or "",
        **scope_words(areas, sub["scope_area_id"]),
        language=sub["language"],
        run_date=today,
        unsubscribe_url=links.unsubscribe_url(sub["unsubscribe_token"]),
    )
    key = message_key("no_assessment", sub["subscription_id"], today.isoformat())
    return to_subscriber(sender, links, sub, key, "no_assessment", rendered)


def to_operator(sender: Sender, kind: str, title: str, problems: list[str], today: date) -> Outgoing:
    """Operator mail to ``SDG87_OPERATOR_EMAIL``; one per kind, day and set of problems."""
    rendered = render_operator_error(title=title, problems=problems, run_date=today)
    key = message_key(kind, today.isoformat(), *sorted(problems))
    message = operator_message(
        sender=sender.mail_from,
        recipient=sender.operator_email,
        key=key,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        sent_at=datetime.now(UTC),
    )
    return Outgoing(key, kind, None, sender.operator_email, rendered.subject, message, len(problems))
