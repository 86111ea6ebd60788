"""Signed links in e-mails: confirm a subscription, record feedback on an alert, open a scope's dashboard,
unsubscribe.

A token is ``<payload>.<signature>``, both base64url without padding. The payload is JSON
``{"p": purpose, "s": subject, "e": expiry date (ISO, inclusive)}``; the signature is HMAC-SHA256 of the
payload under ``SDG87_SECRET_KEY``. The purpose is signed, so a feedback token cannot confirm a
subscription; every token must carry an expiry (one without is refused, whatever its signature). Tokens
carry no personal data: the subject is a subscription or alert id, or (``dashboard``) the ``area_id`` of
the scope the link may read (the scope area and the areas below it, nothing else; ADR 0057).

The development key (``DEV_SECRET_KEY``) is public; :func:`signing_key` refuses it unless links point at
this machine (``SDG87_PUBLIC_URL`` on localhost/127.0.0.1) and, for ``sdg87 serve``, the server listens
only on loopback, so a deployment cannot go out with it. Errors name ``SDG87_SECRET_KEY``, never its value.
Unsubscribe links use the subscription's random ``unsubscribe_token`` instead, which never expires.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode, urlsplit

from pipelines.settings import DEV_SECRET_KEY, Settings

PURPOSES = ("confirm", "feedback")  # links an expired one can be re-sent for (to a subscription's address)
DASHBOARD = "dashboard"  # a scope's dashboard and API; subject = scope area_id
SIGNED_PURPOSES = (*PURPOSES, DASHBOARD)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class LinkError(ValueError):
    """A token that is malformed, forged, for another purpose, or expired."""


class InsecureKeyError(RuntimeError):
    """The public development key is configured for links that leave this machine."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and any loopback address (127.0.0.0/8, ``::1``); False for ``0.0.0.0``,
    ``::`` (every interface), a LAN address or a name."""
    if host.strip("[]").lower() in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def signing_key(settings: Settings, bind_host: str | None = None) -> bytes:
    """The HMAC key; raises :class:`InsecureKeyError` for the dev key when ``SDG87_PUBLIC_URL`` is not
    local or ``bind_host`` (the address ``sdg87 serve`` listens on, if serving) is not loopback."""
    if settings.secret_key != DEV_SECRET_KEY:
        return settings.secret_key.encode("utf-8")
    host = urlsplit(settings.public_url).hostname or ""
    fix = "set SDG87_SECRET_KEY to a secret (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
    if not is_loopback(host):
        raise InsecureKeyError(
            f"SDG87_SECRET_KEY is the public development key but SDG87_PUBLIC_URL is {settings.public_url}: {fix}"
        )
    if bind_host is not None and not is_loopback(bind_host):
        raise InsecureKeyError(
            f"SDG87_SECRET_KEY is the public development key but the server would listen on {bind_host!r} "
            f"(reachable from the network; only loopback may use it): {fix}"
        )
    return settings.secret_key.encode("utf-8")


def sign(key: bytes, purpose: str, subject: str | int, expires: date) -> str:
    """A token for ``purpose`` about ``subject``, valid through ``expires`` (inclusive; required)."""
    if purpose not in SIGNED_PURPOSES:
        raise ValueError(f"unknown link purpose {purpose!r}")
    if not isinstance(expires, date):
        raise ValueError("every link token needs an expiry date")
    payload = json.dumps(
        {"p": purpose, "s": str(subject), "e": expires.isoformat()},
        separators=(",", ":"),
        sort_keys=True,
    ).encode("utf-8")
    signature = hmac.new(key, payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(signature)}"


class ExpiredLinkError(LinkError):
    """An authentic token past its expiry; ``subject`` says what it was about (to offer a fresh link)."""

    def __init__(self, expired_on: str, purpose: str, subject: str) -> None:
        super().__init__(f"this link expired on {expired_on}")
        self.expired_on, self.purpose, self.subject = expired_on, purpose, subject
        self.token = ""  # set by the page that shows it


def verify(key: bytes, token: str, purpose: str, today: date) -> str:
    """The subject of a valid ``token`` for ``purpose`` on ``today``; raises :class:`LinkError`
    (:class:`ExpiredLinkError` for an authentic but expired one)."""
    try:
        payload_b64, signature_b64 = token.split(".")
        payload, signature = _unb64(payload_b64), _unb64(signature_b64)
    except (ValueError, TypeError, AttributeError) as exc:
        raise LinkError("this link is malformed") from exc
    expected = hmac.new(key, payload, hashlib.sha256).digest()
    if not hmac.compare_digest(signature, expected):
        raise LinkError("this link is not valid (signature does not match)")
    try:
        data = json.loads(payload)
        subject, expires = str(data["s"]), date.fromisoformat(str(data.get("e")))
    except (ValueError, TypeError, KeyError) as exc:
        raise LinkError("this link is not valid (no subject or no expiry date)") from exc
    if data.get("p") != purpose:
        raise LinkError("this link is for something else")
    if expires < today:
        raise ExpiredLinkError(expires.isoformat(), purpose, subject)
    return subject


@dataclass(frozen=True)
class LinkSigner:
    """The links of one run, built once (:meth:`from_settings`) and passed down: ``key`` the HMAC key,
    ``public_url`` where links point (``SDG87_PUBLIC_URL``), ``max_age_days`` how long a confirm or
    feedback link stays valid (``SDG87_LINK_MAX_AGE_DAYS``, from the run date, inclusive)."""

    key: bytes
    public_url: str
    max_age_days: int

    @classmethod
    def from_settings(cls, settings: Settings, bind_host: str | None = None) -> LinkSigner:
        """Raises :class:`InsecureKeyError` as :func:`signing_key` does, before any link is made."""
        return cls(signing_key(settings, bind_host), settings.public_url, settings.link_max_age_days)

    def url(self, path: str, **params: str) -> str:
        """``public_url`` + ``path`` + the query ``params`` (URL-encoded)."""
        return f"{self.public_url.rstrip('/')}{path}?{urlencode(params)}"

    def expires(self, today: date) -> date:
        """The last day a link made on ``today`` is valid."""
        return today + timedelta(self.max_age_days)

    def confirm_url(self, subscription_id: int, today: date) -> str:
        return self.url("/confirm", token=sign(self.key, "confirm", subscription_id, self.expires(today)))

    def feedback_url(self, alert_id: int, today: date) -> str:
        return self.url("/feedback", token=sign(self.key, "feedback", alert_id, self.expires(today)))

    def unsubscribe_url(self, unsubscribe_token: str) -> str:
        return self.url("/unsubscribe", token=unsubscribe_token)

    def dashboard_url(self, scope_area_id: str, today: date, language: str = "en") -> str:
        """The signed, expiring link to the dashboard of ``scope_area_id`` (page in ``language``)."""
        return self.url(
            "/dashboard", token=sign(self.key, DASHBOARD, scope_area_id, self.expires(today)), lang=language
        )
