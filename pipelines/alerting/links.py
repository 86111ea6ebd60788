"""Signed links in e-mails: confirm a subscription, record feedback on an alert, unsubscribe.

A token is ``<payload>.<signature>``, both base64url without padding. The payload is JSON
``{"p": purpose, "s": subject, "e": expiry date (ISO, inclusive) or null}``; the signature is
HMAC-SHA256 of the payload under ``SDG87_SECRET_KEY``. The purpose is signed, so a feedback token cannot
confirm a subscription. Tokens carry no personal data: the subject is a subscription or alert id.

The development key (``DEV_SECRET_KEY``) is public; :func:`signing_key` refuses it unless links point at
this machine (``SDG87_PUBLIC_URL`` on localhost/127.0.0.1), so a deployment cannot go out with it.
Unsubscribe links use the subscription's random ``unsubscribe_token`` instead, which never expires.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import date, timedelta
from urllib.parse import urlencode, urlsplit

from pipelines.settings import DEV_SECRET_KEY, Settings

PURPOSES = ("confirm", "feedback")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class LinkError(ValueError):
    """A token that is malformed, forged, for another purpose, or expired."""


class InsecureKeyError(RuntimeError):
    """The public development key is configured for links that leave this machine."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signing_key(settings: Settings) -> bytes:
    """The HMAC key; raises :class:`InsecureKeyError` for the dev key with a non-local public URL."""
    host = urlsplit(settings.public_url).hostname or ""
    if settings.secret_key == DEV_SECRET_KEY and host not in LOCAL_HOSTS:
        raise InsecureKeyError(
            f"SDG87_SECRET_KEY is the public development key but SDG87_PUBLIC_URL is {settings.public_url}: "
            "set a secret key (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
        )
    return settings.secret_key.encode("utf-8")


def sign(key: bytes, purpose: str, subject: str | int, expires: date | None) -> str:
    """A token for ``purpose`` about ``subject``, valid through ``expires`` (None: no expiry)."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown link purpose {purpose!r}")
    payload = json.dumps(
        {"p": purpose, "s": str(subject), "e": expires.isoformat() if expires else None},
        separators=(",", ":"),
        sort_keys=True,
    ).encode("utf-8")
    signature = hmac.new(key, payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(signature)}"


def verify(key: bytes, token: str, purpose: str, today: date) -> str:
    """The subject of a valid ``token`` for ``purpose`` on ``today``; raises :class:`LinkError`."""
    try:
        payload_b64, signature_b64 = token.split(".")
        payload, signature = _unb64(payload_b64), _unb64(signature_b64)
    except (ValueError, TypeError, AttributeError) as exc:
        raise LinkError("this link is malformed") from exc
    expected = hmac.new(key, payload, hashlib.sha256).digest()
    if not hmac.compare_digest(signature, expected):
        raise LinkError("this link is not valid (signature does not match)")
    data = json.loads(payload)
    if data.get("p") != purpose:
        raise LinkError("this link is for something else")
    if data.get("e") and date.fromisoformat(data["e"]) < today:
        raise LinkError(f"this link expired on {data['e']}")
    return str(data["s"])


def url(settings: Settings, path: str, **params: str) -> str:
    """``SDG87_PUBLIC_URL`` + ``path`` + the query ``params`` (URL-encoded)."""
    return f"{settings.public_url.rstrip('/')}{path}?{urlencode(params)}"


def confirm_url(settings: Settings, subscription_id: int, today: date) -> str:
    token = sign(
        signing_key(settings), "confirm", subscription_id, today + timedelta(settings.link_max_age_days)
    )
    return url(settings, "/confirm", token=token)


def feedback_url(settings: Settings, alert_id: int, today: date) -> str:
    token = sign(signing_key(settings), "feedback", alert_id, today + timedelta(settings.link_max_age_days))
    return url(settings, "/feedback", token=token)


def unsubscribe_url(settings: Settings, unsubscribe_token: str) -> str:
    return url(settings, "/unsubscribe", token=unsubscribe_token)
