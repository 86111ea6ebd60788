"""FastAPI app for the links in alert e-mails. Build it with :func:`create_app`; ``sdg87 serve`` runs it.

- ``GET /confirm?token=`` confirms a subscription (signed, expiring ``confirm`` token).
- ``GET /unsubscribe?token=`` shows a one-button page; ``POST /unsubscribe?token=`` unsubscribes (also
  the RFC 8058 one-click POST mail clients send). A GET never changes anything, so link scanners in mail
  gateways cannot unsubscribe anyone. A second POST answers that the subscription had already ended.
- ``GET /feedback?token=`` shows the feedback form of one alert (signed, expiring ``feedback`` token);
  ``POST /feedback`` records it (:mod:`pipelines.alerting.feedback`), re-checking the token.
- ``GET /health`` answers ``{"status": "ok"}``.
Every page speaks the subscriber's language (``en``, ``pt``, ``es``, ``fr``; words in :mod:`alerts.i18n`);
when no subscription is known (a broken link) the browser's ``Accept-Language`` decides. Pages are rendered
from ``templates/`` with autoescaping; nothing a visitor sends is echoed unescaped.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from alerts.i18n import LANGUAGES, negotiate, texts
from pipelines.alerting.feedback import OUTCOMES, FeedbackError, alert_summary, parse_entry, record_feedback
from pipelines.alerting.links import LinkError, signing_key, verify
from pipelines.alerting.subscriptions import confirm_subscription, unsubscribe
from pipelines.settings import Settings, get_settings
from pipelines.warehouse.engine import make_engine, migrate
from pipelines.web.subscriber_lookup import subscription_by_unsubscribe_token

_ENV = Environment(
    loader=PackageLoader("pipelines.web", "templates"), autoescape=select_autoescape(default=True)
)
FORM_FIELDS = ("outcome", "action_date", "service", "confirmed_cases", "note")
_EXPIRED = "this link expired on "


def outcome_labels(language: str | None) -> dict[str, str]:
    """Outcome code -> its label in ``language`` (English for an unknown language), in form order."""
    words = texts(language)
    return {code: words[f"outcome_{code}"] for code in OUTCOMES}


def _page(name: str, language: str, status: int = 200, **context) -> HTMLResponse:
    # The page must declare the language it is written in: texts() falls back to English, so does lang.
    language = language.lower() if (language or "").lower() in LANGUAGES else "en"
    html = _ENV.get_template(name).render(lang=language, t=texts(language), **context)
    return HTMLResponse(html, status_code=status)


def _message(language: str, title_key: str, text: str, status: int = 200) -> HTMLResponse:
    return _page("message.html", language, status, title=texts(language)[title_key], text=text)


def _link_error(language: str, exc: LinkError) -> HTMLResponse:
    words, reason = texts(language), str(exc)
    if reason.startswith(_EXPIRED):
        text = words["web_link_expired"].format(date=reason.removeprefix(_EXPIRED))
    else:
        text = words["web_link_invalid"]
    return _message(language, "web_link_title", text, 400)


def _feedback_error(language: str, exc: FeedbackError) -> str:
    return texts(language).get(f"web_error_{exc.code}", str(exc))


def create_app(settings: Settings | None = None, today=None) -> FastAPI:
    """The app on ``settings`` (built from the environment when None). ``today`` (a callable returning a
    date) fixes the date used for token expiry; default: today in UTC."""
    settings = settings or get_settings()
    migrate(settings.warehouse_url)
    engine = make_engine(settings.warehouse_url)
    key = signing_key(settings)
    clock = today or (lambda: datetime.now(UTC).date())
    app = FastAPI(title="sdg87 links", docs_url=None, redoc_url=None, openapi_url=None)

    def browser_language(request: Request) -> str:
        return negotiate(request.headers.get("accept-language"))

    @app.get("/health")
    def health() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @app.get("/confirm", response_class=HTMLResponse)
    def confirm(request: Request, token: str = "") -> HTMLResponse:
        try:
            subscription_id = int(verify(key, token, "confirm", clock()))
        except LinkError as exc:
            return _link_error(browser_language(request), exc)
        with engine.begin() as conn:
            sub = confirm_subscription(conn, subscription_id)
        if sub is None:
            lang = browser_language(request)
            return _message(lang, "web_inactive_title", texts(lang)["web_inactive"], 404)
        lang = sub["language"]
        text = texts(lang)["web_confirmed"].format(scope=sub["scope_area_id"], email=sub["email"])
        return _message(lang, "web_confirmed_title", text)

    @app.get("/unsubscribe", response_class=HTMLResponse)
    def unsubscribe_page(request: Request, token: str = "") -> HTMLResponse:
        with engine.connect() as conn:
            sub = subscription_by_unsubscribe_token(conn, token)
        if sub is None:
            lang = browser_language(request)
            return _message(lang, "web_link_title", texts(lang)["web_unknown_unsubscribe"], 404)
        if not sub["active"]:
            return _already_unsubscribed(sub)
        return _page("unsubscribe.html", sub["language"], token=token, scope=sub["scope_area_id"])

    def _already_unsubscribed(sub: dict) -> HTMLResponse:
        words = texts(sub["language"])
        text = words["web_already_unsubscribed"].format(email=sub["email"], scope=sub["scope_area_id"])
        return _message(sub["language"], "web_already_unsubscribed_title", text)

    @app.post("/unsubscribe", response_class=HTMLResponse)
    def unsubscribe_now(request: Request, token: str = "") -> HTMLResponse:
        with engine.begin() as conn:
            before = subscription_by_unsubscribe_token(conn, token)
            if before is not None and before["active"]:
                unsubscribe(conn, token)
        if before is None:
            lang = browser_language(request)
            return _message(lang, "web_link_title", texts(lang)["web_unknown_unsubscribe"], 404)
        if not before["active"]:
            return _already_unsubscribed(before)
        lang = before["language"]
        text = texts(lang)["web_unsubscribed"].format(scope=before["scope_area_id"], email=before["email"])
        return _message(lang, "web_unsubscribed_title", text)

    def _alert_for(request: Request, token: str) -> tuple[dict | None, HTMLResponse | None]:
        try:
            alert_id = int(verify(key, token, "feedback", clock()))
        except LinkError as exc:
            return None, _link_error(browser_language(request), exc)
        with engine.connect() as conn:
            alert = alert_summary(conn, alert_id)
        if alert is None:
            lang = browser_language(request)
            return None, _message(lang, "web_alert_missing_title", texts(lang)["web_alert_missing"], 404)
        return alert, None

    def _form(alert: dict, token: str, status: int = 200, error: str = "", form=None) -> HTMLResponse:
        lang = alert["language"] or "en"
        labels = outcome_labels(lang)
        return _page(
            "feedback.html",
            lang,
            status,
            title=texts(lang)["web_feedback_title"],
            alert=alert,
            token=token,
            outcomes=labels,
            recorded=", ".join(labels.get(r["outcome"], r["outcome"]) for r in alert["recorded"]),
            today=clock(),
            error=error,
            form=form or {},
        )

    @app.get("/feedback", response_class=HTMLResponse)
    def feedback_form(request: Request, token: str = "") -> HTMLResponse:
        alert, error = _alert_for(request, token)
        return error or _form(alert, token)

    @app.post("/feedback", response_class=HTMLResponse)
    async def feedback_submit(request: Request, token: str = Form("")) -> HTMLResponse:
        alert, error = _alert_for(request, token)
        if error:
            return error
        form = {k: str(v) for k, v in (await request.form()).items() if k in FORM_FIELDS}
        lang = alert["language"] or "en"
        try:
            entry = parse_entry({**form, "alert_id": alert["alert_id"]}, clock())
            with engine.begin() as conn:
                record_feedback(conn, [entry], "web")
        except FeedbackError as exc:
            return _form(alert, token, 422, _feedback_error(lang, exc), form)
        words = texts(lang)
        text = words["web_thanks"].format(
            outcome=outcome_labels(lang)[entry.outcome], area=alert["name"] or alert["area_id"]
        )
        return _message(lang, "web_thanks_title", text)

    app.state.engine = engine
    return app


__all__ = ["create_app", "outcome_labels"]
