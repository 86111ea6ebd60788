"""The link pages probed from outside, as an attacker would: ``sdg87 serve`` runs for real in its own
process and every request is a real HTTP request on loopback (``http.client``, raw headers and bodies).

Area rows are real (IBGE); scores, loads and MLflow metrics are SYNTHETIC (see test_alert_support).
Recipients are fictitious (example.org).
"""

# Fixtures imported from test_alert_support are pytest arguments, not redefinitions.
# ruff: noqa: F811
from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import select
from test_alert_support import (  # noqa: F401 - fixtures
    ENGLISH_PA,
    add_english_office,
    by_recipient,
    fill_warehouse,
    outbox,
    skilled_run,
    warehouse,
)

from pipelines.alerting.links import sign
from pipelines.alerting.run import send_alerts
from pipelines.alerting.subscriptions import add_subscriptions
from pipelines.mail.smtp_server import free_port
from pipelines.settings import DEV_SECRET_KEY
from pipelines.warehouse.engine import make_engine
from pipelines.warehouse.schema import Alert, Feedback
from pipelines.warehouse.schema_links import FeedbackRevision
from pipelines.web.security import CSP
from tests.conftest import migrated_settings, point_home
from tests.support import run_date

SECRET = "test-secret-key-0123456789abcdef"  # this test's own; never the development key
SDG87 = str(Path(sys.executable).with_name("sdg87"))
TODAY = datetime.now(UTC).date()


def _start(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen([SDG87, "serve", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)  # fmt: skip


def _wait_until_up(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"sdg87 serve exited with {process.returncode}: {process.stdout.read()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail("sdg87 serve did not answer /health within 60 s")


class Server:
    def __init__(self, port: int) -> None:
        self.port, self.origin = port, f"http://127.0.0.1:{port}"

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request(method, path, body=body, headers=headers or {})
        answer = conn.getresponse()
        text = answer.read().decode("utf-8", "replace")
        conn.close()
        return answer, text

    def post_form(self, path: str, fields: dict, origin: str | None = "same", **headers):
        head = {"Content-Type": "application/x-www-form-urlencoded", **headers}
        if origin is not None:
            head["Origin"] = self.origin if origin == "same" else origin
        return self.request("POST", path, urlencode(fields).encode(), head)


def _form(page: str) -> tuple[str, dict]:
    action = unescape(re.search(r'<form method="post" action="([^"]*)"', page).group(1))
    return action, {
        k: unescape(v) for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
    }


@contextmanager
def _serving(settings, engine, monkeypatch):
    """``sdg87 serve`` on a free loopback port with a real secret key, after alerts sent with the same key."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("SDG87_SECRET_KEY", SECRET)
    monkeypatch.setenv("SDG87_PUBLIC_URL", base)
    monkeypatch.setenv("SDG87_RATE_LIMIT_PER_MINUTE", "1000")
    monkeypatch.setenv("SDG87_MLFLOW_TRACKING_URI", settings.mlflow_tracking_uri)
    settings.public_url, settings.secret_key = base, SECRET
    add_english_office(engine)  # the pages below are read for their English words
    send_alerts(settings, today=run_date())
    process = _start(dict(os.environ))
    try:
        _wait_until_up(port, process)
        yield Server(port)
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def server(settings, warehouse, monkeypatch):
    """A server of the test's own, for the tests that record something."""
    with _serving(settings, warehouse, monkeypatch) as served:
        yield served


@dataclass
class Shared:
    server: Server
    settings: object
    warehouse: object


@pytest.fixture(scope="module")
def shared(tmp_path_factory, skilled_run):
    """One server for the module's probes that are refused or only read: none of them records anything (the
    bad-feedback cases assert so), so they can share a warehouse (starting ``sdg87 serve`` costs a second)."""
    mp = pytest.MonkeyPatch()
    point_home(mp, tmp_path_factory.mktemp("shared-server") / "var")
    settings = migrated_settings()
    engine = make_engine(settings.warehouse_url)
    fill_warehouse(settings, engine, skilled_run)
    try:
        with _serving(settings, engine, mp) as served:
            yield Shared(served, settings, engine)
    finally:
        engine.dispose()
        mp.undo()


def _feedback_token(settings) -> str:
    text = by_recipient(outbox(settings))[ENGLISH_PA].get_body(("plain",)).get_content()
    return text.split("/feedback?token=")[1].split()[0]


# --- the development key -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "env", "names"),
    [
        (["--host", "0.0.0.0"], {}, "'0.0.0.0'"),
        (["--host", "::"], {}, "'::'"),
        ([], {"SDG87_PUBLIC_URL": "https://alerts.example.org"}, "https://alerts.example.org"),
    ],
)
def test_the_development_key_is_refused_off_loopback(settings, args, env, names):
    run = _start({**os.environ, **env, "SDG87_SECRET_KEY": DEV_SECRET_KEY}, *args, "--port", str(free_port()))
    out, _ = run.communicate(timeout=60)
    assert run.returncode == 2
    assert "SDG87_SECRET_KEY" in out and names in out
    assert DEV_SECRET_KEY not in out  # the refusal names the variable, never its value


def test_a_bad_secret_is_never_echoed(settings):
    run = _start({**os.environ, "SDG87_SECRET_KEY": "tooshort-s3cr"}, "--port", str(free_port()))
    out, _ = run.communicate(timeout=60)
    assert run.returncode != 0 and "secret_key" in out and "tooshort-s3cr" not in out


def test_a_real_key_may_listen_on_every_interface(settings, warehouse, monkeypatch):
    port = free_port()
    monkeypatch.setenv("SDG87_SECRET_KEY", SECRET)
    process = _start(dict(os.environ), "--host", "0.0.0.0", "--port", str(port))
    try:
        _wait_until_up(port, process)  # probed on loopback only
    finally:
        process.terminate()
        process.wait(timeout=20)


# --- headers, sizes, rates ------------------------------------------------------------------------------


def test_every_response_carries_the_security_headers(shared):
    server = shared.server
    for method, path in [("GET", "/health"), ("GET", "/feedback?token=x.y"), ("GET", "/nowhere"),
                         ("POST", "/feedback"), ("GET", "/unsubscribe?token=unknown")]:  # fmt: skip
        answer, _ = server.request(method, path)
        assert answer.getheader("Content-Security-Policy") == CSP, path
        assert "frame-ancestors 'none'" in CSP and "script-src" not in CSP  # no script may run at all
        assert answer.getheader("X-Frame-Options") == "DENY"
        assert answer.getheader("Referrer-Policy") == "no-referrer"
        assert answer.getheader("X-Content-Type-Options") == "nosniff"
        assert answer.getheader("Cache-Control") == "no-store", path


def test_pages_have_no_inline_script_or_style(shared):
    server, settings = shared.server, shared.settings
    _, page = server.request("GET", f"/feedback?token={_feedback_token(settings)}")
    assert "<script" not in page and "<style" not in page and 'href="/static/site.css"' in page
    answer, css = server.request("GET", "/static/site.css")
    assert answer.status == 200 and "font-family" in css


def test_a_huge_body_is_refused_without_being_read(shared):
    server = shared.server
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    conn.putrequest("POST", "/feedback")
    conn.putheader("Content-Type", "application/x-www-form-urlencoded")
    conn.putheader("Content-Length", str(200 * 1024 * 1024))  # 200 MB announced, none of it sent
    conn.endheaders()
    answer = conn.getresponse()
    assert answer.status == 413 and b"larger than 65536 bytes" in answer.read()
    conn.close()
    # Without a length (chunked), reading stops as soon as the limit is passed.
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    chunks = (b"note=" + b"x" * 16384 for _ in range(64))  # 1 MB offered in 16 kB chunks
    conn.request("POST", "/feedback", body=chunks, encode_chunked=True,
                 headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert conn.getresponse().status == 413
    conn.close()


def test_one_client_is_rate_limited(settings, warehouse, monkeypatch):
    port = free_port()
    monkeypatch.setenv("SDG87_SECRET_KEY", SECRET)
    monkeypatch.setenv("SDG87_RATE_LIMIT_PER_MINUTE", "5")
    process = _start(dict(os.environ), "--port", str(port))
    try:
        _wait_until_up(port, process)  # /health is not counted
        codes = [Server(port).request("GET", "/unsubscribe?token=unknown")[0].status for _ in range(11)]
        assert 429 in codes and codes[0] == 404  # 11 requests span at most two clock minutes of 5 each
        answer, _ = Server(port).request("GET", "/unsubscribe?token=unknown")
        assert answer.status == 429 and answer.getheader("Retry-After") == "60"
    finally:
        process.terminate()
        process.wait(timeout=20)


# --- tokens ---------------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _raw_token(key: str, payload: dict) -> str:
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return f"{_b64(body)}.{_b64(hmac.new(key.encode(), body, hashlib.sha256).digest())}"


def test_tokens_need_expiry_purpose_and_the_key(shared):
    server, warehouse = shared.server, shared.warehouse
    with warehouse.connect() as conn:
        alert_id = conn.execute(select(Alert.alert_id)).scalars().first()
    cases = {
        "signed with the public development key": _raw_token(
            DEV_SECRET_KEY, {"p": "feedback", "s": str(alert_id), "e": "2099-01-01"}
        ),
        "no expiry": _raw_token(SECRET, {"p": "feedback", "s": str(alert_id), "e": None}),
        "expiry missing": _raw_token(SECRET, {"p": "feedback", "s": str(alert_id)}),
        "another purpose": sign(SECRET.encode(), "confirm", alert_id, date(2099, 1, 1)),
        "garbage": "x" * 5000,
    }
    for case, token in cases.items():
        answer, page = server.request("GET", f"/feedback?token={token}")
        assert answer.status == 400 and "not valid" in page, case
    with pytest.raises(ValueError, match="expiry"):
        sign(SECRET.encode(), "feedback", alert_id, None)


# --- CSRF and origin ------------------------------------------------------------------------------------


def test_a_foreign_origin_or_a_missing_form_token_records_nothing(server, settings, warehouse):
    token = _feedback_token(settings)
    _, page = server.request("GET", f"/feedback?token={token}")
    action, hidden = _form(page)
    forged = {**hidden, "outcome": "confirmed", "confirmed_cases": "999"}
    for origin in ("https://attacker.example", "http://127.0.0.1:1"):
        answer, _ = server.post_form(action, forged, origin=origin)
        assert answer.status == 403, origin
    answer, _ = server.post_form(action, forged, origin=None, Referer="https://attacker.example/x")
    assert answer.status == 403
    for csrf in ("", hidden["csrf"][:-2] + "AA"):
        answer, page = server.post_form(action, {**forged, "csrf": csrf}, origin="null")
        assert answer.status == 403 and "not sent from this site" in page
    with warehouse.connect() as conn:
        assert conn.execute(select(Feedback.feedback_id)).first() is None
    answer, _ = server.post_form(action, forged, origin="null")  # a browser under no-referrer sends null
    assert answer.status == 200


def test_unsubscribe_needs_the_form_token_or_a_mail_clients_one_click(server, warehouse):
    from pipelines.warehouse.schema import Subscription

    with warehouse.connect() as conn:
        token = (
            conn.execute(  # an English-reading one: the page below is read for its English words
                select(Subscription.unsubscribe_token).where(Subscription.language == "en")
            )
            .scalars()
            .first()
        )
    path = f"/unsubscribe?token={token}"
    assert server.post_form(path, {})[0].status == 403  # a bare cross-site POST
    one_click = {"List-Unsubscribe": "One-Click"}
    assert server.post_form(path, one_click, origin="https://attacker.example")[0].status == 403
    answer, page = server.post_form(path, one_click, origin=None)  # RFC 8058, from the mail provider
    assert answer.status == 200 and "Unsubscribed" in page


# --- feedback input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"outcome": "confirmed", "confirmed_cases": "²"}, "whole number"),
        ({"outcome": "confirmed", "confirmed_cases": "9" * 4000}, "whole number from 0 to 100000"),
        ({"outcome": "confirmed", "confirmed_cases": "100001"}, "whole number from 0 to 100000"),
        ({"outcome": "confirmed", "confirmed_cases": "-3"}, "whole number"),
        ({"outcome": "referred", "action_date": "1900-01-01", "service": "CREAS"}, "before the alert"),
        (
            {"outcome": "referred", "action_date": (TODAY + timedelta(1)).isoformat(), "service": "CREAS"},
            "future",
        ),
        ({"outcome": "inspection", "action_date": "2024-02-30"}, "not a valid date"),
        ({"outcome": "<script>"}, "Choose at least one outcome"),
    ],
)
def test_bad_feedback_gets_a_message_never_a_500(shared, fields, message):
    server, settings, warehouse = shared.server, shared.settings, shared.warehouse
    _, page = server.request("GET", f"/feedback?token={_feedback_token(settings)}")
    action, hidden = _form(page)
    answer, page = server.post_form(action, {**hidden, **fields})
    assert answer.status == 422 and message in unescape(page)
    with warehouse.connect() as conn:
        assert conn.execute(select(Feedback.feedback_id)).first() is None


def test_each_submission_is_a_revision_and_the_latest_wins(server, settings, warehouse):
    _, page = server.request("GET", f"/feedback?token={_feedback_token(settings)}")
    action, hidden = _form(page)
    assert (
        server.post_form(action, {**hidden, "outcome": "confirmed", "confirmed_cases": "3"})[0].status == 200
    )
    assert server.post_form(action, {**hidden, "outcome": "false_alarm"})[0].status == 200
    with warehouse.connect() as conn:
        current = conn.execute(select(Feedback.outcome)).scalars().all()
        history = conn.execute(select(FeedbackRevision.__table__).order_by("revision_id")).mappings().all()
    assert current == ["false_alarm"]  # contradictory outcomes never stand side by side
    assert [h["outcome"] for h in history] == ["confirmed", "false_alarm"]
    assert all(h["source"] == "web" and re.fullmatch(r".+ \(subscription \d+\)", h["submitted_by"])
               for h in history)  # fmt: skip
    assert history[0]["submitted_at"] <= history[1]["submitted_at"]


# --- confirmation links ---------------------------------------------------------------------------------


NEW = {"recipient_name": "Conselho Tutelar (example)", "email": "ct-new@example.org",
       "role": "municipal child-protection board", "scope_area_id": "BRA.1500107"}  # fmt: skip


def test_confirmation_is_single_use_and_a_get_changes_nothing(server, settings):
    (sid,) = add_subscriptions([NEW], settings)["inserted"]
    token = sign(SECRET.encode(), "confirm", sid, TODAY + timedelta(days=5))
    _, page = server.request("GET", f"/confirm?token={token}")
    _, page_again = server.request("GET", f"/confirm?token={token}")
    assert "Subscription confirmed" not in page and page == page_again  # a link scanner confirms nobody
    action, hidden = _form(page)
    answer, done = server.post_form(action, hidden)
    assert answer.status == 200 and "Subscription confirmed" in done
    answer, again = server.post_form(action, hidden)
    assert answer.status == 410 and "already used" in again
    assert server.request("GET", f"/confirm?token={token}")[0].status == 410


def test_an_expired_link_offers_a_fresh_one_sent_only_to_the_subscriptions_address(server, settings):
    (sid,) = add_subscriptions([NEW], settings)["inserted"]
    key = SECRET.encode()
    expired = sign(key, "confirm", sid, TODAY - timedelta(days=1))
    answer, page = server.request("GET", f"/confirm?token={expired}")
    assert answer.status == 400 and f"expired on {TODAY - timedelta(days=1)}" in page
    action, hidden = _form(page)
    assert action == "/fresh-link" and 'name="email"' not in page  # no address is asked for
    before = len(outbox(settings))
    answer, sent_page = server.post_form(action, hidden)
    assert answer.status == 200
    (fresh,) = outbox(settings)[before:]
    assert fresh["To"].addresses[0].addr_spec == NEW["email"]
    link = fresh.get_body(("plain",)).get_content().split("/confirm?token=")[1].split()[0]
    _, confirm_page = server.request("GET", f"/confirm?token={link}")
    assert server.post_form(*_form(confirm_page))[0].status == 200  # the fresh link works
    # An expired link of an unknown subscription gets the very same answer, and nothing is sent.
    unknown = sign(key, "confirm", 99999, TODAY - timedelta(days=1))
    _, page = server.request("GET", f"/confirm?token={unknown}")
    answer, unknown_page = server.post_form(*_form(page))
    assert answer.status == 200 and unknown_page == sent_page
    assert len(outbox(settings)) == before + 1
    # The form token is bound to its link: it cannot be replayed with another one.
    _, hidden = _form(page)
    assert server.post_form("/fresh-link", {"token": expired, "csrf": hidden["csrf"]})[0].status == 403
