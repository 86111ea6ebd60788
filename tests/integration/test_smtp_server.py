"""The embedded SMTP server over a real SMTP session on loopback; messages are parsed back with ``email``."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from pipelines.mail.smtp_server import LocalSmtpServer, eml_name, free_port


def _message(message_id: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "alerts@sdg87.invalid"
    msg["To"] = "officer@example.org"
    msg["Subject"] = "Synthetic test message"
    msg["Message-ID"] = message_id
    msg.set_content("synthetic body")
    return msg


def test_server_writes_each_message_to_the_outbox(tmp_path):
    outbox = tmp_path / "outbox"
    with LocalSmtpServer(outbox) as server, smtplib.SMTP(server.host, server.port, timeout=10) as smtp:
        smtp.send_message(_message("<abc123@sdg87.invalid>"))
        smtp.send_message(_message("<def456@sdg87.invalid>"))
    files = sorted(outbox.glob("*.eml"))
    assert len(files) == 2
    assert not list(outbox.glob("*.part"))
    parsed = [BytesParser(policy=policy.default).parsebytes(f.read_bytes()) for f in files]
    assert {m["Message-ID"] for m in parsed} == {"<abc123@sdg87.invalid>", "<def456@sdg87.invalid>"}
    assert all(m["Subject"] == "Synthetic test message" for m in parsed)
    assert files[0].name.endswith("-abc123_sdg87.invalid.eml") or files[1].name.endswith(
        "-abc123_sdg87.invalid.eml"
    )


def test_server_stops_listening_after_the_context(tmp_path):
    with LocalSmtpServer(tmp_path) as server:
        port = server.port
    try:
        smtplib.SMTP("127.0.0.1", port, timeout=2).quit()
        refused = False
    except OSError:
        refused = True
    assert refused


def test_file_names_are_safe_for_hostile_message_ids():
    when = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    assert eml_name("<abc@sdg87.invalid>", when) == "20260102T030405000006Z-abc_sdg87.invalid.eml"
    hostile = eml_name("<../../etc/passwd\x00@x>", when)
    assert "/" not in hostile and ".." not in hostile and "\x00" not in hostile
    assert eml_name(None, when) == "20260102T030405000006Z-no-message-id.eml"
    assert eml_name("<" + "a" * 500 + ">", when).count("a") == 120


def test_free_port_is_bindable():
    assert 1024 <= free_port() <= 65535
