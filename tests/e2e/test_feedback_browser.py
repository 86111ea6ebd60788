"""The feedback and unsubscribe pages driven in a real headless Chromium (Debian's ``/usr/bin/chromium``
through Playwright, no browser download) against ``sdg87 serve`` running for real in its own process.

The alert e-mails come from the real alert stage into the real outbox; the officer opens the signed link
in the e-mail, fills and submits the form, and ``sdg87 report`` then shows the outcome. Screenshots land in
``test-artifacts/``. Without Chromium these tests skip, unless ``SDG87_REQUIRE_CHROMIUM=1`` (CI): then a
missing browser fails. Area rows are real (IBGE); scores, loads, MLflow metrics and the feedback typed into
the form are SYNTHETIC (see ``tests/integration/test_alert_support.py``).
"""

# Fixtures imported from test_alert_support are pytest arguments, not redefinitions.
# ruff: noqa: F811
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest

# The alert fixtures live beside the integration tests that share them; this folder has none of its own.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from sqlalchemy import select  # noqa: E402
from test_alert_support import (  # noqa: E402, F401 - fixtures
    ENGLISH_PA,
    add_english_office,
    outbox,
    skilled_run,
    warehouse,
)

from pipelines.alerting.run import send_alerts  # noqa: E402
from pipelines.cli import main  # noqa: E402
from pipelines.mail.smtp_server import free_port  # noqa: E402
from pipelines.warehouse.schema import Feedback, Subscription  # noqa: E402
from tests.support import chromium_or_skip, run_date

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PA_OFFICE = "labour-office-pa@example.org"  # the example office: reads Portuguese
# --no-sandbox: CI containers run as root, where Chromium's sandbox cannot start. The rest keep the
# browser from calling home or updating itself during a test.
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.fixture(scope="module")
def chromium_path() -> str:
    return chromium_or_skip()


@pytest.fixture
def page(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 900, "height": 1200}, locale="en-GB")
        yield context.new_page()
        browser.close()


def _wait_until_up(base: str, process: subprocess.Popen) -> None:
    """Poll ``/health`` until the server answers; fail with its output if it exits or never answers."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"sdg87 serve exited with {process.returncode}: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    pytest.fail("sdg87 serve did not answer /health within 60 s")


@pytest.fixture
def served(settings, warehouse):
    """``sdg87 serve`` in its own process on a free loopback port, which is also ``SDG87_PUBLIC_URL``:
    the links in the e-mails point exactly where the server listens, as in the local default."""
    base = f"http://127.0.0.1:{free_port()}"
    settings.public_url = base
    env = {**os.environ, "SDG87_PUBLIC_URL": base}
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("sdg87")), "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def _mail_to(settings, address: str):
    (message,) = [m for m in outbox(settings) if m["To"].addresses[0].addr_spec == address]
    return message


def _feedback_links(message) -> list[str]:
    return re.findall(r"\S+/feedback\?token=\S+", message.get_body(("plain",)).get_content())


def _shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / name
    page.screenshot(path=str(target), full_page=True)
    return target


def test_officer_records_a_referral_in_chromium_and_the_report_shows_it(
    settings, warehouse, served, page, capsys
):
    add_english_office(warehouse)  # the example offices read Portuguese
    send_alerts(settings, today=run_date())
    link = _feedback_links(_mail_to(settings, ENGLISH_PA))[0]
    assert link.startswith(served)  # the e-mail's link, as sent, reaches the running server
    page.goto(link)
    assert page.locator("h1").inner_text() == "What happened after this alert?"
    assert "Abaetetuba" in page.inner_text("body")
    today = datetime.now(UTC).date().isoformat()
    page.get_by_role("checkbox", name="Referred to protection services").check()
    page.fill("#action_date", today)
    page.fill("#service", "CREAS Abaetetuba")
    assert _shot(page, "feedback-form-filled.png").stat().st_size > 0
    page.get_by_role("button", name="Record").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Thank you"
    assert "Referred to protection services for Abaetetuba" in page.inner_text("body")
    _shot(page, "feedback-recorded.png")
    with warehouse.connect() as conn:
        rows = conn.execute(select(Feedback.__table__)).mappings().all()
    assert [(r["outcome"], r["action_date"].isoformat(), r["service"], r["source"]) for r in rows] == [
        ("referred", today, "CREAS Abaetetuba", "web")
    ]
    page.goto(link)  # the form now says what is already recorded
    assert "Already recorded: Referred to protection services" in page.inner_text("body")
    assert main(["report"]) == 0
    out = capsys.readouterr().out
    assert "with feedback: 1" in out and "Pará" in out and "median=0.0" in out


def test_browser_keeps_the_form_and_shows_the_rule_when_a_referral_lacks_its_service(
    settings, warehouse, served, page
):
    add_english_office(warehouse)  # the example offices read Portuguese
    send_alerts(settings, today=run_date())
    page.goto(_feedback_links(_mail_to(settings, ENGLISH_PA))[0])
    page.get_by_role("checkbox", name="Referred to protection services").check()
    page.fill("#action_date", datetime.now(UTC).date().isoformat())
    page.get_by_role("button", name="Record").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text() == "A referral needs its date and the service it went to."
    assert page.get_by_role(
        "checkbox", name="Referred to protection services"
    ).is_checked()  # nothing typed is lost
    with warehouse.connect() as conn:
        assert conn.execute(select(Feedback.feedback_id)).first() is None


def test_portuguese_subscriber_gets_the_form_in_portuguese(settings, warehouse, served, page):
    send_alerts(settings, today=run_date())  # the example Pará office reads Portuguese
    page.goto(_feedback_links(_mail_to(settings, PA_OFFICE))[0])
    assert page.locator("html").get_attribute("lang") == "pt"  # the subscriber's, not the browser's en-GB
    assert page.locator("h1").inner_text() == "O que aconteceu depois deste alerta?"
    page.get_by_role("checkbox", name="Casos confirmados").check()
    page.fill("#confirmed_cases", "2")
    page.get_by_role("button", name="Registrar").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Obrigado"
    _shot(page, "feedback-recorded-pt.png")
    with warehouse.connect() as conn:
        assert conn.execute(select(Feedback.outcome, Feedback.confirmed_cases)).all() == [("confirmed", 2)]


def test_one_click_from_list_unsubscribe_ends_the_subscription_and_a_second_says_so(
    settings, warehouse, served, page
):
    add_english_office(warehouse)  # the example offices read Portuguese
    send_alerts(settings, today=run_date())
    header = _mail_to(settings, ENGLISH_PA)["List-Unsubscribe"]
    url = header.strip("<>")
    assert url.startswith(f"{served}/unsubscribe?token=")
    page.goto(url)
    with warehouse.connect() as conn:  # opening the page (as a link scanner would) changes nothing
        assert conn.execute(select(Subscription.active).where(Subscription.email == ENGLISH_PA)).scalar()
    page.get_by_role("button", name="Unsubscribe").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Unsubscribed"
    assert ENGLISH_PA in page.inner_text("body")
    _shot(page, "unsubscribed.png")
    with warehouse.connect() as conn:
        assert not conn.execute(select(Subscription.active).where(Subscription.email == ENGLISH_PA)).scalar()
    page.goto(url)
    assert page.locator("h1").inner_text() == "Already unsubscribed"
    again = page.request.post(url)  # the mail client's one-click POST, repeated
    assert again.status == 200 and "Already unsubscribed" in again.text()
