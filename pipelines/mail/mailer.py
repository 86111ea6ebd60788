"""Build and send e-mails over SMTP (smtplib), with strict recipient checks.

- :func:`validate_address` accepts exactly one plain address (``local@domain.tld``) and raises
  :class:`AddressError` naming the subscription and the rule otherwise (line breaks, several addresses,
  malformed), so no value from the warehouse can inject a header.
- :func:`build_message` makes a multipart/alternative message (plain text first, HTML second) with a
  ``Message-ID`` derived from the delivery key (the same delivery always carries the same id) and a
  ``List-Unsubscribe`` header written raw as ``<https://...>`` (never RFC 2047-encoded) with
  ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058).
- :func:`smtp_session` opens one SMTP session from settings (host, port, STARTTLS, login); when
  ``smtp_host`` is unset it starts the embedded :class:`~pipelines.mail.smtp_server.LocalSmtpServer` for the
  duration of the session, so every message goes through a real SMTP exchange.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, getaddresses, parseaddr

from pipelines.mail.smtp_server import LocalSmtpServer
from pipelines.settings import Settings

SMTP_TIMEOUT_S = 30
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


class AddressError(ValueError):
    """A recipient address or name that must not reach an SMTP header."""


def _address_problem(address: str) -> str | None:
    """The first rule ``address`` breaks, or None when it is one well-formed ``local@domain.tld``."""
    if _CONTROL.search(address):
        return "contains a line break or control character (header injection)"
    if any(sep in address for sep in ",;"):
        return "holds more than one address"
    if address != address.strip() or " " in address or "<" in address or ">" in address:
        return "is not a bare address (no spaces, names or angle brackets)"
    if address.count("@") != 1:
        return "is malformed (expected local@domain)"
    if len(getaddresses([address])) != 1 or parseaddr(address)[1] != address:
        return "is malformed (expected one local@domain)"
    local, domain = address.split("@")
    if len(address) > 254 or len(local) > 64:
        return "is too long (254 characters, 64 before @)"
    if not _LOCAL.match(local):
        return "has an invalid part before @"
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return "has an invalid domain (expected e.g. labour.gov.br)"
    return None


def validate_address(address: str, *, subscription: str) -> str:
    """Return ``address`` if it is exactly one plain address; else raise :class:`AddressError`.

    ``subscription`` names the subscription in the error, e.g. ``"subscription 3 (BRA.PA)"``.
    """
    problem = _address_problem(str(address))
    if problem:
        raise AddressError(f"{subscription}: e-mail address {address!r} {problem}")
    return address


def validate_display_name(name: str, *, subscription: str) -> str:
    """A recipient display name without line breaks or control characters (header injection)."""
    if _CONTROL.search(name or ""):
        raise AddressError(
            f"{subscription}: recipient name {name!r} contains a line break or control character"
        )
    return name or ""


class _MailPolicy(EmailPolicy):
    """The default policy, except that ``List-Unsubscribe`` is written exactly as set (``<https://...>``):
    folding would RFC 2047-encode a URL longer than a line, and mail clients could then not use it for
    RFC 8058 one-click unsubscribe. :func:`build_message` checks the URL is plain ASCII first."""

    RAW = frozenset({"list-unsubscribe"})

    def fold(self, name, value):
        if name.lower() in self.RAW:
            return f"{name}: {value}{self.linesep}"
        return super().fold(name, value)

    def fold_binary(self, name, value):
        if name.lower() in self.RAW:
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


MAIL_POLICY = _MailPolicy()
_PLAIN_URL = re.compile(r"https?://[\x21-\x7e]{1,900}")


def message_id_for(delivery_key: str, sender: str) -> str:
    """``<first 40 hex of the delivery key>@<sender's domain>``: stable across retries of one delivery."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "sdg87.invalid"
    return f"<{delivery_key[:40]}@{domain}>"


def build_message(
    *,
    sender: str,
    recipient: str,
    recipient_name: str,
    subject: str,
    text: str,
    html: str,
    message_id: str,
    unsubscribe_url: str | None,
    date: datetime,
    subscription: str,
    images: Sequence[tuple[str, bytes]] = (),
    attachments: Sequence[tuple[str, bytes]] = (),
) -> EmailMessage:
    """A multipart/alternative message; ``recipient`` and ``recipient_name`` are validated first.

    ``images`` are ``(content id, PNG bytes)`` shown inline by the HTML (``<img src="cid:...">``);
    ``attachments`` are ``(file name, UTF-8 CSV bytes)``. Without an ``unsubscribe_url`` (operator mail) no
    ``List-Unsubscribe`` header is set.
    """
    validate_address(recipient, subscription=subscription)
    validate_display_name(recipient_name, subscription=subscription)
    username, domain = recipient.split("@")
    msg = EmailMessage(policy=MAIL_POLICY)
    msg["From"] = sender
    msg["To"] = Address(display_name=recipient_name, username=username, domain=domain)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    if unsubscribe_url:
        if not _PLAIN_URL.fullmatch(unsubscribe_url) or ">" in unsubscribe_url:
            raise ValueError(f"{subscription}: unsubscribe URL {unsubscribe_url!r} is not a plain ASCII URL")
        msg["List-Unsubscribe"] = f"<{unsubscribe_url}>"  # written raw (see _MailPolicy)
        # RFC 8058: mail clients may unsubscribe with one POST to that URL, without opening a page.
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # RFC 3834: tells out-of-office responders not to reply to an automatic message.
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    html_part = msg.get_body(("html",))
    for cid, png in images:
        html_part.add_related(png, "image", "png", cid=f"<{cid}>", disposition="inline")
    for filename, data in attachments:
        msg.add_attachment(data.decode("utf-8"), subtype="csv", filename=filename)
    return msg


def _connect(settings: Settings, host: str, port: int) -> smtplib.SMTP:
    smtp = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_S)
    try:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            if not settings.smtp_password:
                raise ValueError("SDG87_SMTP_USER is set but SDG87_SMTP_PASSWORD is missing")
            smtp.login(settings.smtp_user, settings.smtp_password)
    except BaseException:
        smtp.close()
        raise
    return smtp


@contextmanager
def smtp_session(settings: Settings) -> Iterator[smtplib.SMTP]:
    """One SMTP session to the configured relay, or to the embedded server writing ``.eml`` to the outbox."""
    with ExitStack() as stack:
        if settings.smtp_host:
            host, port = settings.smtp_host, settings.smtp_port
        else:
            server = stack.enter_context(LocalSmtpServer(settings.outbox_dir))
            host, port = server.host, server.port
        smtp = _connect(settings, host, port)
        try:
            yield smtp
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
