"""The embedded default mail server: a real SMTP server on loopback that files every message in the outbox.

When ``SDG87_SMTP_HOST`` is unset, sending starts :class:`LocalSmtpServer` for the duration of the send, so
every message still goes through a real SMTP session. Each received message is written whole as
``<UTC receipt time>-<sanitised Message-ID>.eml`` under ``settings.outbox_dir`` (written to a temporary name
first, then renamed, so a reader never sees half a file).

>>> with LocalSmtpServer(outbox) as server:
...     smtplib.SMTP(server.host, server.port).send_message(msg)
"""

from __future__ import annotations

import re
import socket
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from pathlib import Path

from aiosmtpd.controller import Controller

LOOPBACK = "127.0.0.1"
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port free on ``host`` now (aiosmtpd cannot bind port 0 and report it back)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def eml_name(message_id: str | None, received: datetime) -> str:
    """``<YYYYmmddTHHMMSSffffffZ>-<message id, only [A-Za-z0-9._-]>.eml``; never a path separator."""
    stamp = received.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    safe = _UNSAFE_NAME.sub("_", (message_id or "").strip("<> \t")).strip("._")[:120]
    return f"{stamp}-{safe or 'no-message-id'}.eml"


class OutboxHandler:
    """aiosmtpd handler: accept every message and write its bytes, as received, into ``outbox``."""

    def __init__(self, outbox: Path) -> None:
        self.outbox = outbox

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd hook name
        content = envelope.original_content or envelope.content
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        message_id = BytesHeaderParser().parsebytes(data).get("Message-ID")
        self.outbox.mkdir(parents=True, exist_ok=True)
        target = self.outbox / eml_name(message_id, datetime.now(UTC))
        partial = target.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(target)
        return "250 Message accepted for delivery"


class LocalSmtpServer:
    """Context manager running an SMTP server on ``host``:``port`` (a free port when ``port`` is None)."""

    def __init__(self, outbox: Path, host: str = LOOPBACK, port: int | None = None) -> None:
        self.outbox = Path(outbox)
        self.host = host
        self.port = port or free_port(host)
        self._controller = Controller(OutboxHandler(self.outbox), hostname=host, port=self.port)

    def start(self) -> LocalSmtpServer:
        self.outbox.mkdir(parents=True, exist_ok=True)
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> LocalSmtpServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
