"""FastAPI app for the links in alert e-mails. Build it with :func:`create_app`; ``sdg87 serve`` runs it.

- ``GET /confirm?token=`` confirms a subscription (signed, expiring ``confirm`` token).
- ``GET /unsubscribe?token=`` shows a one-button page; ``POST /unsubscribe?token=`` unsubscribes (also
  the RFC 8058 one-click POST mail clients send). A GET never changes anything, so link scanners in mail
  gateways cannot unsubscribe anyone.
- ``GET /feedback?token=`` shows the feedback form of one alert (signed, expiring ``feedback`` token);
  ``POST /feedback`` records it (:mod:`pipelines.feedback`), re-checking the token.
- ``GET /health`` answers ``{"status": "ok"}``.
Every page is rendered from ``templates/`` with autoescaping; nothing a visitor sends is echoed unescaped.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from pipelines.alerting_links import LinkError, signing_key, verify
from pipelines.feedback import FeedbackError, alert_summary, parse_entry, record_feedback
from pipelines.settings import Settings, get_settings
from pipelines.subscriptions import confirm_subscription, unsubscribe
from pipelines.warehouse.engine import make_engine, migrate

_ENV = Environment(
    loader=PackageLoader("pipelines.web", "templates"), autoescape=select_autoescape(default=True)
)
OUTCOME_LABELS = {
    "referred": "Referred to protection services",
    "inspection": "Inspection made",
    "confirmed": "Cases confirmed",
    "false_alarm": "False alarm",
    "no_action": "No action",
}


def _page(name: str, status: int = 200, **context) -> HTMLResponse:
    return HTMLResponse(_ENV.get_template(name).render(**context), status_code=status)


def _message(title: str, text: str, status: int = 200) -> HTMLResponse:
    return _page("message.html", status, title=title, text=text)


def create_app(settings: Settings | None = None, today=None) -> FastAPI:
    """The app on ``settings`` (built from the environment when None). ``today`` (a callable returning a
    date) fixes the date used for token expiry; default: today in UTC."""
    settings = settings or get_settings()
    migrate(settings.warehouse_url)
    engine = make_engine(settings.warehouse_url)
    key = signing_key(settings)
    clock = today or (lambda: datetime.now(UTC).date())
    app = FastAPI(title="sdg87 links", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/health")
    def health() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @app.get("/confirm", response_class=HTMLResponse)
    def confirm(token: str = "") -> HTMLResponse:
        try:
            subscription_id = int(verify(key, token, "confirm", clock()))
        except LinkError as exc:
            return _message("Link not valid", str(exc), 400)
        with engine.begin() as conn:
            sub = confirm_subscription(conn, subscription_id)
        if sub is None:
            return _message(
                "Subscription not active", "This subscription was removed; nothing was changed.", 404
            )
        return _message(
            "Subscription confirmed", f"You will receive alerts for {sub['scope_area_id']} at {sub['email']}."
        )

    @app.get("/unsubscribe", response_class=HTMLResponse)
    def unsubscribe_page(token: str = "") -> HTMLResponse:
        return _page("unsubscribe.html", token=token)

    @app.post("/unsubscribe", response_class=HTMLResponse)
    def unsubscribe_now(token: str = "") -> HTMLResponse:
        with engine.begin() as conn:
            sub = unsubscribe(conn, token) if token else None
        if sub is None:
            return _message("Link not valid", "This unsubscribe link is not known.", 404)
        return _message(
            "Unsubscribed", f"No more alerts for {sub['scope_area_id']} will be sent to {sub['email']}."
        )

    def _alert_for(token: str) -> tuple[dict | None, HTMLResponse | None]:
        try:
            alert_id = int(verify(key, token, "feedback", clock()))
        except LinkError as exc:
            return None, _message("Link not valid", str(exc), 400)
        with engine.connect() as conn:
            alert = alert_summary(conn, alert_id)
        if alert is None:
            return None, _message("Alert not found", "This alert no longer exists.", 404)
        return alert, None

    @app.get("/feedback", response_class=HTMLResponse)
    def feedback_form(token: str = "") -> HTMLResponse:
        alert, error = _alert_for(token)
        return error or _page(
            "feedback.html",
            alert=alert,
            token=token,
            outcomes=OUTCOME_LABELS,
            today=clock(),
            error="",
            form={},
        )

    @app.post("/feedback", response_class=HTMLResponse)
    async def feedback_submit(request: Request, token: str = Form("")) -> HTMLResponse:
        alert, error = _alert_for(token)
        if error:
            return error
        form = {
            k: str(v)
            for k, v in (await request.form()).items()
            if k in ("outcome", "action_date", "service", "confirmed_cases", "note")
        }
        try:
            entry = parse_entry({**form, "alert_id": alert["alert_id"]}, clock())
            with engine.begin() as conn:
                record_feedback(conn, [entry], "web")
        except FeedbackError as exc:
            return _page(
                "feedback.html",
                422,
                alert=alert,
                token=token,
                outcomes=OUTCOME_LABELS,
                today=clock(),
                error=str(exc),
                form=form,
            )
        return _message(
            "Thank you", f"Recorded: {OUTCOME_LABELS[entry.outcome]} for {alert['name'] or alert['area_id']}."
        )

    app.state.engine = engine
    return app


__all__ = ["create_app"]
