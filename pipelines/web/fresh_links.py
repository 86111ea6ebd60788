"""Send a fresh link in place of an expired one, to the address of the subscription the link belongs to.

The visitor never gives an address: the expired token names a subscription (``confirm``) or an alert
(``feedback``), and the fresh link goes to that subscription's own address, in its language. At most one
fresh link per expired link and day (delivery key: ``fresh_link`` + purpose + subject + date). Nothing is
sent for an inactive subscription, an already confirmed one (``confirm``) or an unknown alert; the page
says the same in every case, so it reveals nothing.
"""

from __future__ import annotations

import html
import logging
from contextlib import ExitStack
from datetime import date

from sqlalchemy import Engine, select

from alerts.i18n import texts
from alerts.render import RenderedEmail
from pipelines.alerting.delivery import DeliveryError, LazySmtp, RejectedError, deliver, message_key
from pipelines.alerting.links import LinkSigner
from pipelines.alerting.messages import Sender, to_subscriber
from pipelines.mail.mailer import AddressError
from pipelines.settings import Settings
from pipelines.warehouse.schema import Alert, Subscription
from pipelines.web.subscriber_lookup import scope_name

log = logging.getLogger(__name__)
_COLUMNS = ("subscription_id", "email", "recipient_name", "scope_area_id", "language", "unsubscribe_token")


def _recipient(engine: Engine, purpose: str, subject: str) -> dict | None:
    s, a = Subscription.__table__, Alert.__table__
    stmt = select(*(s.c[c] for c in _COLUMNS)).where(s.c.active.is_(True))
    if purpose == "confirm":
        stmt = stmt.where(s.c.subscription_id == int(subject), s.c.confirmed.is_(False))
    else:
        stmt = stmt.join(a, a.c.subscription_id == s.c.subscription_id).where(
            a.c.alert_id == int(subject), s.c.confirmed.is_(True)
        )
    with engine.connect() as conn:
        row = conn.execute(stmt).mappings().first()
    return dict(row) if row else None


def send_fresh_link(settings: Settings, engine: Engine, purpose: str, subject: str, today: date) -> str:
    """Send a fresh ``purpose`` link about ``subject`` if its subscription may have one; returns the
    delivery outcome, or ``not_sent`` (nothing due, or the relay failed: logged, never shown)."""
    sub = _recipient(engine, purpose, subject)
    if sub is None:
        return "not_sent"
    links = LinkSigner.from_settings(settings)
    if purpose == "confirm":
        link = links.confirm_url(int(subject), today)
    else:
        link = links.feedback_url(int(subject), today)
    words = texts(sub["language"])
    with engine.connect() as conn:
        scope = scope_name(conn, sub["scope_area_id"], sub["language"])
    expires = links.expires(today).isoformat()
    body = words["mail_fresh_body"].format(date=expires, url=link)
    rendered = RenderedEmail(
        subject=words["mail_fresh_subject"].format(scope=scope),
        text=body,
        html="<!DOCTYPE html><html><body>"
        + "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n"))
        + "</body></html>",
    )
    key = message_key("fresh_link", purpose, subject, today.isoformat())
    out = to_subscriber(Sender.from_settings(settings), links, sub, key, "fresh_link", rendered)
    try:
        with ExitStack() as stack:
            return deliver(engine, LazySmtp(settings, stack), out)
    except (AddressError, RejectedError, DeliveryError) as exc:
        log.error("fresh %s link for subscription %s not sent: %s", purpose, sub["subscription_id"], exc)
        return "not_sent"
