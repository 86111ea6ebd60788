"""What every request to the link pages passes before the app sees it, and the per-form CSRF token.

:class:`Guard` is an ASGI wrapper around the app (outside it, so no error of the app can bypass it):

- **Rate limit**: at most ``SDG87_RATE_LIMIT_PER_MINUTE`` requests per client address and clock minute
  (``429`` with ``Retry-After``; ``/health`` is not counted). The table holds at most
  :data:`MAX_CLIENTS` addresses (the least recently seen are dropped), so memory stays bounded.
- **Body size**: a body over ``SDG87_MAX_BODY_BYTES`` gets ``413`` — at once when ``Content-Length``
  says so, else as soon as the bytes read pass the limit; the rest is never read. The (small) body is
  then handed to the app.
- **Origin**: a ``POST`` whose ``Origin`` (or, without one, ``Referer``) names another site than
  ``SDG87_PUBLIC_URL`` or the requested host is refused with ``403``. ``Origin: null`` is what browsers
  send for a form under ``Referrer-Policy: no-referrer``; such a POST still needs the form's CSRF token.
- **Headers on every response**: ``Content-Security-Policy`` (:data:`CSP`: no script at all, styles only
  from this site, forms only to this site, ``frame-ancestors 'none'``), ``X-Frame-Options: DENY``,
  ``Referrer-Policy: no-referrer`` (tokens ride in URLs), ``X-Content-Type-Options: nosniff`` and
  ``Cache-Control: no-store`` (every page but the stylesheet shows a token or a subscriber's data).

:func:`form_token` signs a per-form CSRF token bound to the link token (HMAC-SHA256 under
``SDG87_SECRET_KEY``); :func:`check_form_token` compares it in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections import OrderedDict
from collections.abc import Callable
from urllib.parse import urlsplit

MAX_CLIENTS = 10_000
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
]
UNLIMITED_PATHS = ("/health",)
CACHEABLE_PATHS = ("/static/",)


def form_token(key: bytes, form: str, link_token: str) -> str:
    """The CSRF token of ``form`` (``feedback``, ``unsubscribe``, ``confirm``, ``fresh``) for one link."""
    digest = hmac.new(key, f"csrf\x1f{form}\x1f{link_token}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def check_form_token(key: bytes, form: str, link_token: str, given: str) -> bool:
    """True when ``given`` is the CSRF token of ``form`` for ``link_token``."""
    return hmac.compare_digest(form_token(key, form, link_token), given or "")


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of ``url`` (lower case), None when it has none."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


class RateLimiter:
    """Fixed-window counter per client: ``per_minute`` requests per clock minute, for at most
    ``max_clients`` clients at once (least recently seen dropped first)."""

    def __init__(
        self, per_minute: int, max_clients: int = MAX_CLIENTS, clock: Callable[[], float] = time.time
    ):
        self.per_minute, self.max_clients, self.clock = per_minute, max_clients, clock
        self._seen: OrderedDict[str, tuple[int, int]] = OrderedDict()

    def allow(self, client: str) -> bool:
        window = int(self.clock() // 60)
        start, count = self._seen.pop(client, (window, 0))
        if start != window:
            start, count = window, 0
        self._seen[client] = (start, count + 1)
        while len(self._seen) > self.max_clients:
            self._seen.popitem(last=False)
        return count < self.per_minute

    def __len__(self) -> int:
        return len(self._seen)


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


class Guard:
    """ASGI wrapper applying the module's rules around ``app`` (module docstring)."""

    def __init__(self, app, *, public_url: str, max_body: int, limiter: RateLimiter) -> None:
        self.app, self.max_body, self.limiter = app, max_body, limiter
        self.public_origin = origin_of(public_url)

    def __getattr__(self, name: str):  # ``state`` and the rest of the wrapped app stay reachable
        return getattr(self.app, name)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0] != b"cache-control"]
                headers += SECURITY_HEADERS
                cache = b"public, max-age=3600" if path.startswith(CACHEABLE_PATHS) else b"no-store"
                message = {**message, "headers": [*headers, (b"cache-control", cache)]}
            await send(message)

        client = (scope.get("client") or ("unknown", 0))[0]
        if path not in UNLIMITED_PATHS and not self.limiter.allow(client):
            await _plain(
                send_with_headers, 429, "too many requests: try again in a minute", [(b"retry-after", b"60")]
            )
            return
        if scope["method"] == "POST" and not self._same_origin(scope):
            await _plain(send_with_headers, 403, "refused: this form was sent from another site")
            return
        length = _header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _plain(send_with_headers, 413, f"request body larger than {self.max_body} bytes")
            return
        body, more = b"", scope["method"] not in ("GET", "HEAD")
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_body:
                await _plain(send_with_headers, 413, f"request body larger than {self.max_body} bytes")
                return
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send_with_headers)

    def _same_origin(self, scope: dict) -> bool:
        """A POST's ``Origin`` (else ``Referer``) is this site's; absent or ``null`` passes here."""
        claimed = _header(scope, b"origin")
        if claimed is None or claimed == "null":
            referer = _header(scope, b"referer")
            if not referer:
                return True
            claimed = origin_of(referer) or "null"
        host = (_header(scope, b"host") or "").lower()
        allowed = {self.public_origin, f"http://{host}", f"https://{host}"} - {None}
        return claimed.lower() in allowed


async def _plain(send, status: int, text: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = text.encode("utf-8")
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + (extra or [])})
    await send({"type": "http.response.body", "body": body})
