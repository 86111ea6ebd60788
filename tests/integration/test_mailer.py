"""Building and sending through pipelines.mail.mailer over a real SMTP session (embedded server or refused port)."""

from __future__ import annotations

from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser

import pytest

from pipelines.mail.mailer import AddressError, build_message, message_id_for, smtp_session, validate_address
from pipelines.mail.smtp_server import free_port

SUB = "subscription 7 (scope BRA.PA)"


def _build(recipient: str = "officer@example.org", name: str = "Pará labour office (example)"):
    return build_message(
        sender="sdg87 alerts <alerts@sdg87.invalid>",
        recipient=recipient,
        recipient_name=name,
        subject="High forced-labour risk: 1 municipality in Pará (2025)",
        text="plain body, synthetic",
        html="<p>html body, synthetic</p>",
        message_id=message_id_for("ab" * 32, "sdg87 alerts <alerts@sdg87.invalid>"),
        unsubscribe_url="http://127.0.0.1:8087/unsubscribe?token=t",
        date=datetime(2026, 1, 1, tzinfo=UTC),
        subscription=SUB,
    )


def test_message_round_trips_through_the_embedded_server(settings):
    with smtp_session(settings) as smtp:
        smtp.send_message(_build())
    (eml,) = settings.outbox_dir.glob("*.eml")
    msg = BytesParser(policy=policy.default).parsebytes(eml.read_bytes())
    assert msg["Subject"] == "High forced-labour risk: 1 municipality in Pará (2025)"
    assert msg["To"].addresses[0].addr_spec == "officer@example.org"
    assert msg["To"].addresses[0].display_name == "Pará labour office (example)"
    assert msg["Message-ID"] == "<" + "ab" * 20 + "@sdg87.invalid>"
    assert msg["List-Unsubscribe"] == "<http://127.0.0.1:8087/unsubscribe?token=t>"
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg.get_body(("plain",)).get_content().strip() == "plain body, synthetic"


def test_unreachable_relay_raises(settings):
    settings.smtp_host, settings.smtp_port = "127.0.0.1", free_port()
    with pytest.raises(OSError), smtp_session(settings):
        pass


def test_login_without_password_fails_before_sending(settings):
    settings.smtp_user = "relay-user"
    with pytest.raises(ValueError, match="SDG87_SMTP_PASSWORD"), smtp_session(settings):
        pass


@pytest.mark.parametrize(
    ("address", "rule"),
    [
        ("officer@example.org\r\nBcc: victim@example.org", "line break"),
        ("officer@example.org\nX-Injected: 1", "line break"),
        ("a@example.org, b@example.org", "more than one address"),
        ("a@example.org;b@example.org", "more than one address"),
        ("Officer <officer@example.org>", "not a bare address"),
        ("officer.example.org", "malformed"),
        ("officer@@example.org", "malformed"),
        ("officer@localhost", "invalid domain"),
        ("officer@-bad-.org", "invalid domain"),
        (".officer@example.org", "invalid part before @"),
        ("a" * 65 + "@example.org", "too long"),
        ("", "malformed"),
    ],
)
def test_bad_addresses_are_refused_naming_subscription_and_rule(address, rule):
    with pytest.raises(AddressError, match=rule) as err:
        validate_address(address, subscription=SUB)
    assert SUB in str(err.value)


def test_good_addresses_pass():
    for address in ("officer@example.org", "m.e+alerts@trabalho.gov.br", "o'neil@example.org"):
        assert validate_address(address, subscription=SUB) == address


def test_injection_in_recipient_or_name_never_builds_a_message():
    with pytest.raises(AddressError, match="line break"):
        _build(recipient="officer@example.org\r\nBcc: victim@example.org")
    with pytest.raises(AddressError, match="recipient name"):
        _build(name="Officer\r\nBcc: victim@example.org")


def test_operator_message_is_one_shape_for_ingest_and_alert_cycle(tmp_path):
    from pipelines.mail.operator_notice import operator_message

    msg = operator_message(
        sender="sdg87 alerts <alerts@sdg87.invalid>",
        recipient="operator@example.org",
        key="cd" * 32,
        subject="[sdg87] ingest brazil_areas failed: format",
        text="plain body, synthetic",
        html="<pre>plain body, synthetic</pre>",
        sent_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert str(msg["To"]) == "sdg87 operator <operator@example.org>"
    assert msg["Message-ID"] == "<" + "cd" * 20 + "@sdg87.invalid>"
    assert msg["List-Unsubscribe"] is None and msg["Auto-Submitted"] == "auto-generated"
    with pytest.raises(AddressError):
        operator_message(
            sender="alerts@sdg87.invalid", recipient="not an address", key="cd" * 32, subject="s",
            text="t", html="<p>t</p>", sent_at=datetime(2026, 1, 1, tzinfo=UTC),
        )  # fmt: skip
