"""send_alerts against the real SQLite warehouse and a real SMTP session on loopback.

Area rows are real (IBGE codes and names); every score row is SYNTHETIC, made up for these tests.
"""

# Fixtures imported from test_alert_support are pytest arguments, not redefinitions.
# ruff: noqa: F811
from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert, select, update
from test_alert_support import (  # noqa: F401 - fixtures
    ENGLISH_PA,
    MODEL,
    SCORES,
    Y2025,
    add_areas,
    add_english_office,
    add_scores,
    count,
    outbox,
    skilled_run,
    warehouse,
)

from pipelines.alerting.run import (
    DeliveryError,
    NoScoresError,
    delivery_key,
    seed_demo_subscriptions,
    seed_example_subscriptions,
    send_alerts,
)
from pipelines.mail.mailer import AddressError, message_id_for
from pipelines.mail.smtp_server import free_port
from pipelines.warehouse.schema import Alert, Delivery, DeliveryAlert, Subscription
from tests.support import run_date


def test_send_alerts_delivers_one_message_per_subscription_with_areas(settings, warehouse):
    add_english_office(warehouse)  # the examples read Portuguese; this office reads English
    result = send_alerts(settings, today=run_date())
    assert result["sent"] == 3  # both Pará offices and the national unit; Mato Grosso has nothing high
    assert result["all_clear"] == 1 and result["skipped_already_sent"] == 0  # Mato Grosso hears "all clear"
    assert result["model_version"] == "1" and result["period"] == "2025-01-01"
    assert result["outbox"] == str(settings.outbox_dir)
    messages = {m["To"].addresses[0].addr_spec: m for m in outbox(settings, all_clear=True)}
    # The example offices are Brazilian and read Portuguese, as real ones would.
    assert messages.pop("labour-office-mt@example.org")["Subject"].startswith(
        "Nenhuma nova área de alto risco em Mato Grosso"
    )
    assert set(messages) == {ENGLISH_PA, "labour-office-pa@example.org", "inspection-unit@example.org"}
    assert messages["labour-office-pa@example.org"]["Subject"] == (
        "Risco alto de trabalho escravo: 2 municípios no Pará (2025)"
    )
    assert messages["inspection-unit@example.org"]["Subject"] == (
        "Risco alto de trabalho escravo: 2 municípios no Brasil (2025)"
    )
    national = messages["inspection-unit@example.org"].get_body(("plain",)).get_content()
    assert "DETRAE — Divisão de Fiscalização para Erradicação do Trabalho Análogo ao de Escravo" in national
    pa = messages[ENGLISH_PA]
    assert pa["Subject"] == "High forced-labour risk: 2 municipalities in Pará (2025)"
    parts = [p.get_content_type() for p in pa.walk()]
    assert parts == ["multipart/mixed", "multipart/alternative", "text/plain", "multipart/related", "text/html",
                     "image/png", "text/csv"]  # fmt: skip
    text = pa.get_body(("plain",)).get_content()
    assert text.index("Abaetetuba") < text.index("Abel Figueiredo")
    assert "42% (90 % model interval 21% to 63%)" in text and "Acará" not in text
    assert "inside their range at least 90 % of the time" in text
    assert text.count("Alert reference (for the CSV and feedback import): ") == 2
    assert text.count("Record what was done: http://127.0.0.1:8087/feedback?token=") == 2
    assert pa["List-Unsubscribe"].startswith("<http://127.0.0.1:8087/unsubscribe?token=")
    assert pa["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = pa.get_body(("html",)).get_content()
    assert 'src="cid:scope-map@sdg87"' in html
    png = next(p for p in pa.walk() if p.get_content_type() == "image/png")
    assert png["Content-ID"] == "<scope-map@sdg87>" and png.get_content().startswith(b"\x89PNG")
    (attachment,) = pa.iter_attachments()
    rows = attachment.get_content().lstrip("\ufeff").splitlines()
    # header + the 2 high areas of Pará; the third scored area is below the alert level and left out
    assert attachment.get_filename() == "sdg87-BRA.PA-2025.csv" and len(rows) == 3
    assert rows[1].startswith("1,BRA.1500107,Abaetetuba,Pará,0.4200,") and ",yes," in rows[1]
    ref = rows[1].split(",")[9]
    assert ref.isdigit() and f"Alert reference (for the CSV and feedback import): {ref}" in text
    with warehouse.connect() as conn:
        deliveries = conn.execute(select(Delivery.__table__)).mappings().all()
    assert {d["status"] for d in deliveries} == {"sent"}
    assert {d["kind"] for d in deliveries} == {"alert", "all_clear"}
    alert_ids = {d["message_id"] for d in deliveries if d["kind"] == "alert"}
    assert alert_ids == {m["Message-ID"] for m in messages.values()}
    assert count(warehouse, Alert.__table__) == 6 and count(warehouse, DeliveryAlert.__table__) == 6


def test_second_run_sends_nothing(settings, warehouse):
    send_alerts(settings, today=run_date())
    again = send_alerts(settings, today=run_date())
    assert again["sent"] == 0 and again["skipped_already_sent"] == 2
    assert len(outbox(settings)) == 2
    assert count(warehouse, Alert.__table__) == 4


def test_new_model_version_sends_only_what_rose(settings, warehouse, skilled_run):
    send_alerts(settings, today=run_date())
    # SYNTHETIC: version 2 keeps Abaetetuba high at the same p, lifts Acará from medium to high.
    add_scores(
        warehouse, {**SCORES, "BRA.1500206": (0.30, "high")}, version="2", run_id=skilled_run["run_id"]
    )
    result = send_alerts(settings, today=run_date())
    assert result["model_version"] == "2" and result["sent"] == 2
    newest = [m for m in outbox(settings) if "1 município" in m["Subject"]]
    assert len(newest) == 2  # Pará office and national unit each hear about Acará only
    text = newest[0].get_body(("plain",)).get_content()
    assert "Acará" in text and "primeiro alerta para esta área" in text  # never alerted while medium
    assert "2 outras áreas de alertas anteriores continuam com risco alto" in text


def test_no_scores_is_an_error_not_silence(settings, engine):
    add_areas(engine)
    seed_example_subscriptions(settings)
    with pytest.raises(NoScoresError, match=MODEL):
        send_alerts(settings, today=run_date())
    assert not list(settings.outbox_dir.glob("*.eml"))


def test_header_injection_address_is_refused_and_others_still_sent(settings, warehouse):
    with warehouse.begin() as conn:  # written straight to the table, as a careless import could
        conn.execute(
            insert(Subscription.__table__),
            {
                "recipient_name": "Injected (synthetic)",
                "email": "officer@example.org\r\nBcc: victim@example.org",
                "role": "test",
                "scope_area_id": "BRA.PA",
                "confirmed": True,
                "unsubscribe_token": "synthetic-token",
                "created_at": datetime.now(UTC),
            },
        )
    with pytest.raises(AddressError, match=r"subscription 4 \(scope BRA.PA\).*line break"):
        send_alerts(settings, today=run_date())
    recipients = {m["To"].addresses[0].addr_spec for m in outbox(settings)}
    assert recipients == {"labour-office-pa@example.org", "inspection-unit@example.org"}
    assert count(warehouse, Delivery.__table__, Delivery.__table__.c.subscription_id == 4) == 0


def test_server_down_then_up_delivers_once_with_the_same_message_id(settings, warehouse):
    settings.smtp_host, settings.smtp_port = "127.0.0.1", free_port()  # nothing listens there
    with pytest.raises(DeliveryError, match="3 message"):  # every subscription tried, none stopped the rest
        send_alerts(settings, today=run_date())
    with warehouse.connect() as conn:
        failed = conn.execute(select(Delivery.__table__)).mappings().all()
    assert len(failed) == 3
    assert all(f["status"] == "failed" and "ConnectionRefusedError" in f["error"] for f in failed)
    assert not list(settings.outbox_dir.glob("*.eml"))

    settings.smtp_host = None  # the server is back (the embedded one)
    result = send_alerts(settings, today=run_date())
    assert result["resent"] == 2 and result["sent"] == 2 and result["all_clear"] == 1
    ids = [m["Message-ID"] for m in outbox(settings, all_clear=True)]
    assert sorted(ids) == sorted(message_id_for(f["delivery_key"], settings.mail_from) for f in failed)
    assert send_alerts(settings, today=run_date())["sent"] == 0
    assert len(outbox(settings, all_clear=True)) == 3


def test_pending_left_by_a_crash_is_sent_once_later(settings, warehouse):
    settings.smtp_host, settings.smtp_port = "127.0.0.1", free_port()
    with pytest.raises(DeliveryError):
        send_alerts(settings, today=run_date())
    with warehouse.begin() as conn:  # a crash after writing "pending" never gets to record "failed"
        conn.execute(update(Delivery.__table__).values(status="pending", error=None))
    settings.smtp_host = None
    assert send_alerts(settings, today=run_date())["resent"] == 2
    assert send_alerts(settings, today=run_date())["sent"] == 0
    subjects = [m["Subject"] for m in outbox(settings)]
    assert len(subjects) == 2 and len(set(subjects)) == 2


def test_seeding_twice_changes_nothing(settings, engine):
    first = seed_example_subscriptions(settings)
    with engine.connect() as conn:
        before = conn.execute(select(Subscription.__table__).order_by("subscription_id")).mappings().all()
    second = seed_example_subscriptions(settings)
    with engine.connect() as conn:
        after = conn.execute(select(Subscription.__table__).order_by("subscription_id")).mappings().all()
    assert first == {"subscriptions": 3, "inserted": 3} and second == {"subscriptions": 3, "inserted": 0}
    assert before == after
    assert {r["scope_area_id"] for r in after} == {"BRA", "BRA.PA", "BRA.MT"}
    assert all(r["confirmed"] and r["email"].endswith("@example.org") for r in after)


def test_example_subscriptions_are_seeded_only_in_the_demo(settings, engine):
    assert settings.seed_examples is False  # a deployed DAG: nothing set, nothing seeded
    assert seed_demo_subscriptions(settings) == {"seeded": False, "inserted": 0}
    with engine.connect() as conn:
        assert conn.execute(select(Subscription.__table__)).all() == []
    demo = settings.model_copy(update={"seed_examples": True})
    assert seed_demo_subscriptions(demo) == {"seeded": True, "inserted": 3}


def test_delivery_key_is_deterministic_and_distinguishes_cycles():
    key = delivery_key("alert", 1, Y2025, 1, MODEL, "3")
    assert key == delivery_key("alert", 1, Y2025, 1, MODEL, "3") and len(key) == 64
    others = {
        delivery_key("alert", 2, Y2025, 1, MODEL, "3"),
        delivery_key("alert", 1, date(2026, 1, 1), 1, MODEL, "3"),
        delivery_key("alert", 1, Y2025, 2, MODEL, "3"),
        delivery_key("alert", 1, Y2025, 1, MODEL, "4"),
        delivery_key("all_clear", 1, Y2025, 1, MODEL, "3"),
    }
    assert key not in others and len(others) == 5


def test_a_delivery_key_can_be_claimed_only_once(settings, warehouse):
    """Two runs racing past the status check: only the first insert of the key claims it."""
    from pipelines.alerting.delivery import claim_key
    from pipelines.alerting.leases import Lease, take

    runs = Lease(600), Lease(600)
    claimed = []
    for lease in runs:
        with warehouse.begin() as conn:
            claimed.append(claim_key(conn, "k" * 64, "alert", 1, "labour-office-pa@example.org", "synthetic", 1,
                                     lease=lease))  # fmt: skip
    assert claimed == [True, False]
    assert count(warehouse, Delivery.__table__) == 1
    with warehouse.begin() as conn:  # the second run cannot take the live lease; the holder keeps it
        assert not take(conn, "k" * 64, runs[1]) and take(conn, "k" * 64, runs[0])


def test_list_unsubscribe_is_sent_raw_for_one_click_clients(settings, warehouse):
    """The header bytes as the real SMTP session delivered them (the embedded server files them as received):
    ``<https://...>`` unencoded, so RFC 8058 clients can POST to it; a decoding parser would hide an
    RFC 2047-encoded value, so the raw bytes are read."""
    settings.public_url = "https://alerts.example.org"
    settings.secret_key = "a-real-secret-for-this-test-0123"
    send_alerts(settings, today=run_date())
    raws = [p.read_bytes() for p in sorted(settings.outbox_dir.glob("*.eml"))]
    assert len(raws) == 3
    for raw in raws:
        head = raw.split(b"\r\n\r\n", 1)[0]
        (line,) = [h for h in head.split(b"\r\n") if h.lower().startswith(b"list-unsubscribe:")]
        assert re.fullmatch(
            rb"List-Unsubscribe: <https://alerts\.example\.org/unsubscribe\?token=[\w-]+>", line
        )
        assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in head.split(b"\r\n")
        assert b"=?utf-8?" not in line
