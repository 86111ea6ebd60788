"""The e-mail and the feedback page, opened in a real browser (headless Chromium from Debian's packages).

Screenshots land in ``test-artifacts/`` for a person to look at. Without Chromium these tests skip, unless
``SDG87_REQUIRE_CHROMIUM=1`` (CI), where a missing browser fails. Area rows are real (IBGE); scores,
loads and MLflow metrics are SYNTHETIC (see test_alert_support).
"""

# Fixtures imported from test_alert_support are pytest arguments, not redefinitions.
# ruff: noqa: F811
from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import pytest
from matplotlib.image import imread
from test_alert_support import outbox, served, skilled_run, warehouse  # noqa: F401 - fixtures

from pipelines.alerting.run import send_alerts
from tests.support import chromium_or_skip, run_date

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def chromium() -> str:
    return chromium_or_skip()


def _browser(chromium: str, *args: str) -> subprocess.CompletedProcess:
    # --no-sandbox: CI containers run as root, where Chromium's sandbox cannot start.
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)


def _screenshot(chromium: str, url: str, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / name
    target.unlink(missing_ok=True)
    _browser(chromium, f"--screenshot={target}", "--window-size=900,1800", url)
    return target


def test_alert_email_html_renders_in_chromium(chromium, settings, warehouse, tmp_path):
    send_alerts(settings, today=run_date())  # the example Pará office reads Portuguese
    (pa,) = [m for m in outbox(settings) if m["To"].addresses[0].addr_spec == "labour-office-pa@example.org"]
    html = pa.get_body(("html",)).get_content()
    png = next(p for p in pa.walk() if p.get_content_type() == "image/png").get_content()
    # A mail client resolves cid: from the message; a file in a browser needs the image inline.
    page = tmp_path / "alert.html"
    page.write_text(
        html.replace("cid:scope-map@sdg87", "data:image/png;base64," + base64.b64encode(png).decode())
    )
    shot = _screenshot(chromium, page.as_uri(), "alert-email.png")
    pixels = imread(shot)
    assert pixels.shape[1] == 900 and pixels.std() > 0.05  # not a blank page
    dom = _browser(chromium, "--dump-dom", page.as_uri()).stdout
    assert "Abaetetuba" in dom and "Registrar o que foi feito" in dom and "naturalWidth" not in dom


def test_feedback_page_renders_in_chromium(chromium, settings, served):
    send_alerts(settings, today=run_date())
    (pa,) = [m for m in outbox(settings) if m["To"].addresses[0].addr_spec == "labour-office-pa@example.org"]
    text = pa.get_body(("plain",)).get_content()
    link = text.split("Registrar o que foi feito: ")[1].split()[0]
    url = link.replace(settings.public_url.rstrip("/"), served)
    dom = _browser(chromium, "--dump-dom", url).stdout
    assert "O que aconteceu depois deste alerta?" in dom and 'name="outcome"' in dom and "Abaetetuba" in dom
    shot = _screenshot(chromium, url, "feedback-page.png")
    assert imread(shot).std() > 0.05
