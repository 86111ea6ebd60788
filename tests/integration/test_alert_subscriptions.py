"""Subscriptions end to end: the CLI, address checks, double opt-in over real SMTP, signed links served by
the real web app on the real SQLite warehouse. Area rows are real (IBGE); recipients are fictitious."""

# Fixtures imported from test_alert_support are pytest arguments, not redefinitions.
# ruff: noqa: F811
from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from test_alert_support import add_areas, outbox  # noqa: F401

from pipelines.alerting.links import InsecureKeyError, LinkError, LinkSigner, sign, signing_key, verify
from pipelines.alerting.run import send_confirmations
from pipelines.alerting.subscriptions import SubscriptionError, add_subscriptions, read_subscription_csv
from pipelines.cli import main
from pipelines.web.app import create_app
from tests.support import run_date, submit

NEW = {"recipient_name": "Conselho Tutelar de Abaetetuba (example)", "email": "ct-abaetetuba@example.org",
       "role": "municipal child-protection board", "scope_area_id": "BRA.1500107", "language": "pt"}  # fmt: skip


@pytest.fixture
def areas(settings, engine):
    add_areas(engine)
    return engine


def _token(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return text.split("/confirm?token=")[1].split()[0]


def test_add_then_confirm_by_signed_link(settings, areas):
    ids = add_subscriptions([NEW], settings)["inserted"]
    assert ids == [1]
    assert send_confirmations(settings, today=run_date()) == {
        "confirmations": 1,
        "already_sent": 0,
        "failed": 0,
    }
    assert send_confirmations(settings, today=run_date()) == {
        "confirmations": 0,
        "already_sent": 1,
        "failed": 0,
    }  # never twice
    (message,) = outbox(settings)
    assert message["Subject"] == "Confirme sua inscrição nos alertas sdg87 para Abaetetuba"
    assert "List-Unsubscribe" not in message  # nothing to unsubscribe from yet
    client = TestClient(create_app(settings))
    assert client.get("/confirm", params={"token": _token(message) + "x"}).status_code == 400
    ask = client.get("/confirm", params={"token": _token(message)})
    assert ask.status_code == 200 and "Inscrição confirmada" not in ask.text  # a GET changes nothing
    page = submit(client, ask.text)
    assert page.status_code == 200 and "Inscrição confirmada" in page.text  # the subscriber reads Portuguese
    again = submit(client, ask.text)
    assert again.status_code == 410 and "já foi usado" in again.text  # single use, recorded
    assert (
        send_confirmations(settings, today=run_date())["confirmations"] == 0
    )  # confirmed: no more opt-in mail


def test_link_tokens_are_purpose_bound_and_expire(settings):
    key = signing_key(settings)
    token = sign(key, "confirm", 7, date(2026, 1, 31))
    assert verify(key, token, "confirm", date(2026, 1, 31)) == "7"
    with pytest.raises(LinkError, match="expired"):
        verify(key, token, "confirm", date(2026, 2, 1))
    with pytest.raises(LinkError, match="something else"):
        verify(key, token, "feedback", date(2026, 1, 1))
    with pytest.raises(LinkError, match="signature"):
        verify(b"another key of enough length", token, "confirm", date(2026, 1, 1))
    for junk in ("", "abc", "a.b.c", "%%%.%%%"):
        with pytest.raises(LinkError):
            verify(key, junk, "confirm", date(2026, 1, 1))
    assert "/feedback?token=" in LinkSigner.from_settings(settings).feedback_url(3, date(2026, 1, 1))


def test_dev_key_is_refused_for_a_public_address(settings):
    settings.public_url = "https://alerts.example.org"
    with pytest.raises(InsecureKeyError, match="SDG87_SECRET_KEY"):
        signing_key(settings)
    with pytest.raises(InsecureKeyError):
        send_confirmations(settings, today=run_date())  # refused before anything is sent
    settings.secret_key = "a-real-secret-from-the-environment"
    assert signing_key(settings) == b"a-real-secret-from-the-environment"


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"email": "officer@example.org\r\nBcc: victim@example.org"}, "line break"),
        ({"email": "a@b.org, c@d.org"}, "more than one"),
        ({"email": "not-an-address"}, "malformed"),
        ({"recipient_name": "Evil\nBcc: x@y.org"}, "line break"),
        ({"scope_area_id": "BRA.XX"}, "neither an area id nor an area.s name"),
        ({"language": "de"}, "language"),
        ({"cadence": "daily"}, "cadence"),
        ({"role": ""}, "role is required"),
    ],
)
def test_bad_subscriptions_are_refused_whole(settings, areas, change, rule):
    with pytest.raises(SubscriptionError, match=rule):
        add_subscriptions([{**NEW, "email": "fine@example.org"}, {**NEW, **change}], settings)
    assert add_subscriptions([], settings) == {"inserted": [], "existing": 0}


def test_csv_import_reports_every_bad_line(settings, areas, tmp_path):
    good = tmp_path / "subs.csv"
    good.write_text("recipient_name,email,role,scope_area_id,cadence,language\n"
                    "Pará office (example),pa@example.org,state office,BRA.PA,weekly,es\n"
                    "Ministry (example),min@example.org,national ministry,BRA,,\n", encoding="utf-8")  # fmt: skip
    rows = read_subscription_csv(good)
    assert [r["cadence"] for r in rows] == ["weekly", "immediate"] and rows[1]["language"] == "en"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "recipient_name,email,role,scope_area_id\nA,a@example.org,r,BRA\nB,broken,r,BRA\nC,c@example.org,,BRA\n"
    )
    with pytest.raises(SubscriptionError) as err:
        read_subscription_csv(bad)
    assert ":3:" in str(err.value) and ":4:" in str(err.value) and "2 bad row(s)" in str(err.value)
    typo = tmp_path / "typo.csv"
    typo.write_text("recipient_name,email,role,scope_area_id,cadense\nA,a@example.org,r,BRA,weekly\n")
    with pytest.raises(SubscriptionError, match="cadense"):
        read_subscription_csv(typo)


def test_cli_add_list_import_remove(settings, areas, tmp_path, capsys):
    args = ["subscriptions", "add", "--email", "mt@example.org", "--name", "MT office (example)",
            "--role", "state office", "--scope", "BRA.MT,BRA.5100102", "--language", "fr"]  # fmt: skip
    assert main(args) == 0
    assert "added 2 subscription(s) [1, 2]" in capsys.readouterr().out
    assert len(outbox(settings)) == 2  # one confirmation per subscription
    assert main(args) == 0 and "0 subscription(s) []; 2 already existed" in capsys.readouterr().out
    csv_file = tmp_path / "s.csv"
    csv_file.write_text(
        "recipient_name,email,role,scope_area_id\nPA (example),pa@example.org,state office,BRA.PA\n"
    )
    assert main(["subscriptions", "import", str(csv_file), "--no-send"]) == 0
    assert main(["subscriptions", "remove", "1"]) == 0 and main(["subscriptions", "remove", "1"]) == 1
    capsys.readouterr()
    assert main(["subscriptions", "list", "--all"]) == 0
    listing = capsys.readouterr().out
    assert "removed" in listing and "unconfirmed" in listing and "pa@example.org" in listing
    assert (
        main(
            [
                "subscriptions",
                "add",
                "--email",
                "x@example.org",
                "--name",
                "X",
                "--role",
                "r",
                "--scope",
                "NOPE",
            ]
        )
        == 1
    )


def test_unsubscribe_needs_a_post_and_is_idempotent(settings, areas):
    from sqlalchemy import select

    from pipelines.alerting.subscriptions import seed_example_subscriptions
    from pipelines.warehouse.schema import Subscription

    seed_example_subscriptions(settings)
    with areas.connect() as conn:
        token = conn.execute(
            select(Subscription.unsubscribe_token).where(Subscription.subscription_id == 1)
        ).scalar_one()
    client = TestClient(create_app(settings))
    page = client.get("/unsubscribe", params={"token": token})
    assert page.status_code == 200 and 'method="post"' in page.text
    with areas.connect() as conn:
        assert conn.execute(select(Subscription.active).where(Subscription.subscription_id == 1)).scalar_one()
    # RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click" to the header's URL.
    done = client.post("/unsubscribe", params={"token": token}, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "Inscrição cancelada" in done.text  # the example office reads pt
    assert client.post("/unsubscribe", params={"token": token}).status_code == 200
    assert client.post("/unsubscribe", params={"token": "unknown"}).status_code == 404
    with areas.connect() as conn:
        assert not conn.execute(
            select(Subscription.active).where(Subscription.subscription_id == 1)
        ).scalar_one()
    assert client.get("/health").json() == {"status": "ok"}


def test_expired_confirmation_link_is_refused(settings, areas):
    add_subscriptions([NEW], settings)
    send_confirmations(settings, today=date.today() - timedelta(days=settings.link_max_age_days + 1))
    client = TestClient(create_app(settings))
    page = client.get(
        "/confirm", params={"token": _token(outbox(settings)[0])}, headers={"Accept-Language": "en"}
    )
    # the page speaks the subscriber's language (Portuguese), whatever the browser asks for
    assert page.status_code == 400 and '<html lang="pt">' in page.text and "Este link expirou em" in page.text
