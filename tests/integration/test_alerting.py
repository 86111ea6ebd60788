"""send_alerts against the real SQLite warehouse and a real SMTP session on loopback.

Area rows are real (IBGE codes and names); every score row is SYNTHETIC, made up for these tests.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from email import policy
from email.parser import BytesParser

import pytest
from sqlalchemy import func, insert, select, update

from pipelines.alerting import (
    DeliveryError,
    NoScoresError,
    delivery_key,
    seed_example_subscriptions,
    send_alerts,
)
from pipelines.mailer import AddressError, message_id_for
from pipelines.smtp_server import free_port
from pipelines.warehouse.schema import Alert, Area, Delivery, DeliveryAlert, Score, Subscription

MODEL = "sdg87-brazil-forced-labour"
Y2025 = date(2025, 1, 1)
AREAS = [
    ("BRA", "0", None, "Brasil"),
    ("BRA.PA", "1", "BRA", "Pará"),
    ("BRA.MT", "1", "BRA", "Mato Grosso"),
    ("BRA.1500107", "2", "BRA.PA", "Abaetetuba"),
    ("BRA.1500131", "2", "BRA.PA", "Abel Figueiredo"),
    ("BRA.1500206", "2", "BRA.PA", "Acará"),
    ("BRA.5100102", "2", "BRA.MT", "Acorizal"),
    ("BRA.5100201", "2", "BRA.MT", "Água Boa"),
]
# SYNTHETIC scores: Pará has two high municipalities, Mato Grosso none.
SCORES = {
    "BRA.1500107": (0.42, "high"),
    "BRA.1500131": (0.27, "high"),
    "BRA.1500206": (0.08, "medium"),
    "BRA.5100102": (0.12, "medium"),
    "BRA.5100201": (0.01, "low"),
}
DRIVERS = [
    {"feature": "br_atlas_p_agro", "label": "share of jobs in farming", "contribution": 0.7},
    {"feature": "br_atlas_t_freq", "label": "school attendance", "contribution": -0.4},
    {"feature": "fl_events_lag1", "label": "cases found in earlier years", "contribution": 0.3},
]


def _areas(engine):
    rows = [
        {"area_id": a, "level": lvl, "parent_id": p, "name": n, "study": "brazil"} for a, lvl, p, n in AREAS
    ]
    with engine.begin() as conn:
        conn.execute(insert(Area.__table__), rows)


def _scores(engine, scores=SCORES, version="1", period=Y2025):
    rows = [
        {
            "area_id": area_id,
            "period": period,
            "horizon": 1,
            "model_name": MODEL,
            "model_version": version,
            "p": p,
            "p_lo": p / 2,
            "p_hi": min(1.0, p * 1.5),
            "risk_class": cls,
            "drivers": json.dumps(DRIVERS),
            "mlflow_run_id": "synthetic-run-0001",
            "as_of": date(period.year - 1, 1, 1),
            "data_vintage": json.dumps({"br_mte_employer_list": "2026-04-06"}),
            "scored_at": datetime(2026, 11, 1, tzinfo=UTC),
        }
        for area_id, (p, cls) in scores.items()
    ]
    with engine.begin() as conn:
        conn.execute(insert(Score.__table__), rows)


@pytest.fixture
def warehouse(settings, engine):
    _areas(engine)
    _scores(engine)
    seed_example_subscriptions(settings)
    return engine


def _outbox(settings):
    return [
        BytesParser(policy=policy.default).parsebytes(f.read_bytes())
        for f in sorted(settings.outbox_dir.glob("*.eml"))
    ]


def _count(engine, table, *where):
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def test_send_alerts_delivers_one_message_per_subscription_with_areas(settings, warehouse):
    result = send_alerts(settings)
    assert result["sent"] == 2  # Pará office and national unit; Mato Grosso has nothing high
    assert result["no_areas"] == 1 and result["skipped_already_sent"] == 0
    assert result["model_version"] == "1" and result["period"] == "2025-01-01"
    assert result["outbox"] == str(settings.outbox_dir)
    messages = {m["To"].addresses[0].addr_spec: m for m in _outbox(settings)}
    assert set(messages) == {"labour-office-pa@example.org", "inspection-unit@example.org"}
    pa = messages["labour-office-pa@example.org"]
    assert pa["Subject"] == "High forced-labour risk: 2 municipalities in Pará (2025)"
    assert (
        messages["inspection-unit@example.org"]["Subject"]
        == "High forced-labour risk: 2 municipalities in Brasil (2025)"
    )
    assert [p.get_content_type() for p in pa.iter_parts()] == ["text/plain", "text/html"]
    text = pa.get_body(("plain",)).get_content()
    assert text.index("Abaetetuba") < text.index("Abel Figueiredo")
    assert "42% (likely 21% to 63%)" in text and "Acará" not in text
    assert pa["List-Unsubscribe"].startswith("<http://127.0.0.1:8087/unsubscribe?token=")
    with warehouse.connect() as conn:
        deliveries = conn.execute(select(Delivery.__table__)).mappings().all()
    assert {d["status"] for d in deliveries} == {"sent"}
    assert {d["message_id"] for d in deliveries} == {m["Message-ID"] for m in messages.values()}
    assert _count(warehouse, Alert.__table__) == 4 and _count(warehouse, DeliveryAlert.__table__) == 4


def test_second_run_sends_nothing(settings, warehouse):
    send_alerts(settings)
    again = send_alerts(settings)
    assert again["sent"] == 0 and again["skipped_already_sent"] == 2
    assert len(_outbox(settings)) == 2
    assert _count(warehouse, Alert.__table__) == 4


def test_new_model_version_sends_only_what_rose(settings, warehouse):
    send_alerts(settings)
    # SYNTHETIC: version 2 keeps Abaetetuba high at the same p, lifts Acará from medium to high.
    _scores(warehouse, {**SCORES, "BRA.1500206": (0.30, "high")}, version="2")
    result = send_alerts(settings)
    assert result["model_version"] == "2" and result["sent"] == 2
    newest = [m for m in _outbox(settings) if "1 municipality" in m["Subject"]]
    assert len(newest) == 2  # Pará office and national unit each hear about Acará only
    text = newest[0].get_body(("plain",)).get_content()
    assert "Acará" in text and "first alert for this area" in text  # never alerted while medium
    assert "2 other areas from earlier alerts remain at high risk" in text


def test_no_scores_is_an_error_not_silence(settings, engine):
    _areas(engine)
    seed_example_subscriptions(settings)
    with pytest.raises(NoScoresError, match=MODEL):
        send_alerts(settings)
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
        send_alerts(settings)
    recipients = {m["To"].addresses[0].addr_spec for m in _outbox(settings)}
    assert recipients == {"labour-office-pa@example.org", "inspection-unit@example.org"}
    assert _count(warehouse, Delivery.__table__, Delivery.__table__.c.subscription_id == 4) == 0


def test_server_down_then_up_delivers_exactly_once_with_the_same_message_id(settings, warehouse):
    settings.smtp_host, settings.smtp_port = "127.0.0.1", free_port()  # nothing listens there
    with pytest.raises(DeliveryError, match="failed"):
        send_alerts(settings)
    with warehouse.connect() as conn:
        (failed,) = conn.execute(select(Delivery.__table__)).mappings().all()
    assert failed["status"] == "failed" and "ConnectionRefusedError" in failed["error"]
    assert not list(settings.outbox_dir.glob("*.eml"))

    settings.smtp_host = None  # the server is back (the embedded one)
    result = send_alerts(settings)
    assert result["resent"] == 1 and result["sent"] == 2
    ids = [m["Message-ID"] for m in _outbox(settings)]
    assert len(ids) == 2 and message_id_for(failed["delivery_key"], settings.mail_from) in ids
    assert send_alerts(settings)["sent"] == 0
    assert len(_outbox(settings)) == 2


def test_pending_left_by_a_crash_is_sent_once_later(settings, warehouse):
    settings.smtp_host, settings.smtp_port = "127.0.0.1", free_port()
    with pytest.raises(DeliveryError):
        send_alerts(settings)
    with warehouse.begin() as conn:  # a crash after writing "pending" never gets to record "failed"
        conn.execute(update(Delivery.__table__).values(status="pending", error=None))
    settings.smtp_host = None
    assert send_alerts(settings)["resent"] == 1
    assert send_alerts(settings)["sent"] == 0
    subjects = [m["Subject"] for m in _outbox(settings)]
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
    """Two runs racing past the status check: the second insert of the same key rolls back whole."""
    import pandas as pd

    from pipelines.alerting import _AlreadyClaimed, _write_pending

    items = pd.DataFrame(
        [{"subscription_id": 1, "area_id": "BRA.1500107", "period": Y2025, "horizon": 1, "model_name": MODEL,
          "model_version": "1", "risk_class": "high", "reason": "entered_high", "p": 0.42,
          "mlflow_run_id": None, "data_vintage": None}]
    )  # fmt: skip
    sub = {"subscription_id": 1, "email": "labour-office-pa@example.org"}
    with warehouse.begin() as conn:
        _write_pending(conn, "k" * 64, sub, items, 1, "synthetic subject")
    with pytest.raises(_AlreadyClaimed), warehouse.begin() as conn:
        _write_pending(conn, "k" * 64, sub, items.assign(area_id="BRA.1500131"), 1, "synthetic subject")
    assert _count(warehouse, Alert.__table__) == 1
    assert _count(warehouse, DeliveryAlert.__table__) == 1
