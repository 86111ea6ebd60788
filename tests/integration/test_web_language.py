"""The confirm, unsubscribe and feedback pages speak the subscriber's language (en, pt, es, fr), on the
real warehouse and the real app. Area rows are real (IBGE); scores, loads, MLflow metrics, subscribers and
feedback are SYNTHETIC (see test_alert_support)."""

# Fixtures imported from test_alert_support are pytest arguments, not redefinitions.
# ruff: noqa: F811
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from test_alert_support import add_english_office, outbox, skilled_run, warehouse  # noqa: F401 - fixtures

from alerts.i18n import texts
from pipelines.alerting.links import LinkSigner, sign, signing_key
from pipelines.alerting.run import send_alerts
from pipelines.alerting.subscriptions import add_subscriptions
from pipelines.warehouse.schema import Subscription
from pipelines.web.app import create_app
from tests.support import form_of, run_date, submit

TODAY = datetime.now(UTC).date()
PA_OFFICE = "labour-office-pa@example.org"
TITLES = {
    "en": "What happened after this alert?",
    "pt": "O que aconteceu depois deste alerta?",
    "es": "¿Qué pasó después de esta alerta?",
    "fr": "Que s'est-il passé après cette alerte ?",
}


def _set_language(engine, email: str, language: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(Subscription.__table__).where(Subscription.email == email).values(language=language)
        )


def _html(text: str) -> str:
    """How Jinja's autoescape writes ``text`` (apostrophes and quotes become entities)."""
    return text.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&#34;")


@pytest.fixture
def feedback_token(settings, warehouse) -> str:
    send_alerts(settings, today=run_date())
    (pa,) = [m for m in outbox(settings) if m["To"].addresses[0].addr_spec == PA_OFFICE]
    return re.findall(r"/feedback\?token=(\S+)", pa.get_body(("plain",)).get_content())[0]


@pytest.mark.parametrize("language", ["en", "pt", "es", "fr"])
def test_feedback_form_and_thanks_in_the_subscribers_language(settings, warehouse, feedback_token, language):
    _set_language(warehouse, PA_OFFICE, language)
    words = texts(language)
    client = TestClient(create_app(settings))
    form = client.get("/feedback", params={"token": feedback_token}, headers={"Accept-Language": "de"})
    assert form.status_code == 200 and f'<html lang="{language}">' in form.text
    assert _html(TITLES[language]) in form.text
    for code in ("referred", "inspection", "confirmed", "false_alarm", "no_action"):
        assert _html(words[f"outcome_{code}"]) in form.text
    done = submit(
        client, client.get("/feedback", params={"token": feedback_token}).text, **{"outcome": "false_alarm"}
    )
    assert done.status_code == 200 and _html(words["web_thanks_title"]) in done.text
    assert _html(words["outcome_false_alarm"]) + " " in done.text
    again = client.get("/feedback", params={"token": feedback_token})
    assert _html(words["web_already"].split("{")[0]) in again.text


def test_feedback_errors_are_worded_in_the_subscribers_language(settings, warehouse, feedback_token):
    _set_language(warehouse, PA_OFFICE, "es")
    client = TestClient(create_app(settings))
    future = (TODAY + timedelta(days=2)).isoformat()
    bad = submit(
        client,
        client.get("/feedback", params={"token": feedback_token}).text,
        **{"outcome": "inspection", "action_date": future},
    )
    assert bad.status_code == 422 and "La fecha está en el futuro." in bad.text
    assert f'value="{future}"' in bad.text  # what was typed stays in the form
    no_reason = submit(
        client,
        client.get("/feedback", params={"token": feedback_token}).text,
        **{"outcome": "no_action", "note": "  "},
    )
    assert no_reason.status_code == 422 and "Ninguna acción necesita un motivo breve." in no_reason.text


def test_a_subscriber_with_an_unknown_language_reads_english(settings, warehouse, feedback_token):
    # "de" is not offered; a row written past the CLI's checks could hold it.
    _set_language(warehouse, PA_OFFICE, "de")
    page = TestClient(create_app(settings)).get("/feedback", params={"token": feedback_token})
    assert page.status_code == 200 and TITLES["en"] in page.text and '<html lang="de">' not in page.text


@pytest.mark.parametrize(
    ("language", "confirmed", "unsubscribed"),
    [
        ("pt", "Inscrição confirmada", "Inscrição cancelada"),
        ("es", "Suscripción confirmada", "Baja confirmada"),
        ("fr", "Abonnement confirmé", "Désabonnement effectué"),
    ],
)
def test_confirm_and_unsubscribe_in_the_subscribers_language(
    settings, warehouse, language, confirmed, unsubscribed
):
    row = {"recipient_name": "Conselho Tutelar (example)", "email": f"board-{language}@example.org",
           "role": "municipal child-protection board", "scope_area_id": "BRA.1500107", "language": language}  # fmt: skip
    (subscription_id,) = add_subscriptions([row], settings)["inserted"]
    client = TestClient(create_app(settings))
    ask = client.get(
        LinkSigner.from_settings(settings).confirm_url(subscription_id, TODAY),
        headers={"Accept-Language": "en"},
    )
    page = submit(client, ask.text)
    assert page.status_code == 200 and confirmed in page.text and row["email"] in page.text
    assert (
        "Abaetetuba" in ask.text + page.text and "BRA.1500107" not in ask.text + page.text
    )  # names, not ids
    with warehouse.connect() as conn:
        token = conn.execute(
            select(Subscription.unsubscribe_token).where(Subscription.subscription_id == subscription_id)
        ).scalar_one()
    ask = client.get("/unsubscribe", params={"token": token})
    assert ask.status_code == 200 and _html(texts(language)["web_unsubscribe_button"]) in ask.text
    done = submit(client, ask.text)
    assert done.status_code == 200 and unsubscribed in done.text
    assert "Abaetetuba" in ask.text + done.text and "BRA.1500107" not in ask.text + done.text
    again = client.post("/unsubscribe", params={"token": token})
    assert again.status_code == 200 and _html(texts(language)["web_already_unsubscribed_title"]) in again.text


def test_second_unsubscribe_says_it_was_already_done_and_changes_nothing(settings, warehouse):
    english = add_english_office(warehouse)  # the example offices read Portuguese
    with warehouse.connect() as conn:
        token = conn.execute(
            select(Subscription.unsubscribe_token).where(Subscription.subscription_id == english)
        ).scalar_one()
    client = TestClient(create_app(settings))
    one_click = {"List-Unsubscribe": "One-Click"}  # RFC 8058: what a mail client POSTs
    assert "Unsubscribed" in client.post("/unsubscribe", params={"token": token}, data=one_click).text
    for second in (client.get, client.post):
        answer = second("/unsubscribe", params={"token": token})
        assert answer.status_code == 200 and "Already unsubscribed" in answer.text
        assert 'method="post"' not in answer.text  # no button left to press
    with warehouse.connect() as conn:
        assert not conn.execute(
            select(Subscription.active).where(Subscription.subscription_id == english)
        ).scalar()
        assert conn.execute(select(Subscription.active).where(Subscription.email == PA_OFFICE)).scalar()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-CA,fr;q=0.9,en;q=0.5", "Lien non valide"),
        ("de-DE, pt;q=0.4", "Link inválido"),
        (None, "Link not valid"),
    ],
)
def test_broken_links_answer_in_the_browsers_language(settings, warehouse, header, expected):
    client = TestClient(create_app(settings))
    headers = {"Accept-Language": header} if header else {}
    for path in ("/feedback", "/confirm"):
        page = client.get(path, params={"token": "not.a-token"}, headers=headers)
        assert page.status_code == 400 and expected in page.text
    unknown = client.post("/unsubscribe", params={"token": "unknown"}, headers=headers)
    assert unknown.status_code == 404 and expected in unknown.text


@pytest.mark.parametrize("language", ["en", "pt", "es", "fr"])
def test_expired_link_says_when_in_the_subscribers_language(settings, warehouse, feedback_token, language):
    # The subscriber's language wins over the browser's: the authentic token names its alert.
    _set_language(warehouse, PA_OFFICE, language)
    late = TODAY + timedelta(days=settings.link_max_age_days + 1)
    client = TestClient(create_app(settings, today=lambda: late))
    browser = {"Accept-Language": "de-DE, en;q=0.1" if language != "en" else "fr-FR"}
    page = client.get("/feedback", params={"token": feedback_token}, headers=browser)
    expiry = (TODAY + timedelta(days=settings.link_max_age_days)).isoformat()
    words = texts(language)
    assert page.status_code == 400 and f'<html lang="{language}">' in page.text
    assert _html(words["web_link_expired"].format(date=expiry)) in page.text
    _action, hidden = form_of(page.text)
    fresh = client.post("/fresh-link", data=hidden, headers=browser)
    assert fresh.status_code == 200 and _html(words["web_fresh_sent"]) in fresh.text


def test_expired_link_of_an_unknown_alert_follows_the_browser(settings, warehouse):
    expired = sign(signing_key(settings), "feedback", 999_999, TODAY - timedelta(days=1))
    page = TestClient(create_app(settings)).get(
        "/feedback", params={"token": expired}, headers={"Accept-Language": "pt-BR"}
    )
    assert page.status_code == 400 and f"Este link expirou em {TODAY - timedelta(days=1)}." in page.text


def test_names_in_pages_are_escaped_in_every_language(settings, warehouse):
    row = {"recipient_name": "x", "email": "board-fr@example.org", "role": "ministry",
           "scope_area_id": "BRA.1500107", "language": "fr"}  # fmt: skip
    (subscription_id,) = add_subscriptions([row], settings)["inserted"]
    with warehouse.begin() as conn:  # a hostile scope written straight to the table, past the CLI's checks
        conn.execute(
            update(Subscription.__table__)
            .where(Subscription.subscription_id == subscription_id)
            .values(scope_area_id="<b>x</b>")
        )
    page = TestClient(create_app(settings)).get(
        LinkSigner.from_settings(settings).confirm_url(subscription_id, TODAY)
    )
    assert "<b>x</b>" not in page.text and "&lt;b&gt;x&lt;/b&gt;" in page.text
