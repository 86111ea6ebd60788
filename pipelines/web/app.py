"""FastAPI app for the links in alert e-mails. Build it with :func:`create_app`; ``sdg87 serve`` runs it.

- ``GET /confirm?token=`` shows a one-button page; ``POST /confirm`` confirms the subscription (signed,
  expiring ``confirm`` token, single-use: its use is recorded in ``link_use`` and a second use changes
  nothing). A GET never changes anything, so link scanners in mail gateways confirm nobody.
- ``GET /unsubscribe?token=`` shows a one-button page; ``POST /unsubscribe?token=`` unsubscribes (the
  page's form, with its CSRF token, or the RFC 8058 one-click POST ``List-Unsubscribe=One-Click`` mail
  clients send). A second POST answers that the subscription had already ended.
- ``GET /feedback?token=`` shows the feedback form of one alert (signed, expiring ``feedback`` token);
  ``POST /feedback`` records it as a new revision (:mod:`pipelines.alerting.feedback`), re-checking the token.
- An expired (but authentic) link says when it expired and offers ``POST /fresh-link``: a fresh link is
  sent to the address of the subscription the link belongs to. The answer is the same whether or not
  anything was sent, and no address is ever asked for or shown there.
- ``GET /dashboard``, ``/dashboard.csv``, ``/dashboard.geojson``, ``/world``: a scope's shared picture
  behind the "Open the map" link (:mod:`pipelines.web.dashboard`); ``/api/v1/...`` the read-only JSON
  API with the same scoping (:mod:`pipelines.web.api`, OpenAPI at ``/api/v1/openapi.json``).
- ``GET /health`` answers ``{"status": "ok"}``; ``GET /static/site.css`` is the stylesheet.

Every POST form carries a CSRF token bound to its link (:func:`pipelines.web.security.form_token`);
:class:`pipelines.web.security.Guard` wraps the app (origin check, body limit, rate limit, headers).
Every page speaks the subscriber's language (``en``, ``pt``, ``es``, ``fr``; words in :mod:`alerts.i18n`),
an expired link's page too (the authentic token still names its subscription or alert); when no
subscription is known (a broken or forged link) the browser's ``Accept-Language`` decides. Pages are rendered
from ``templates/`` with autoescaping; nothing a visitor sends is echoed unescaped.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from alerts.i18n import LANGUAGES, negotiate, texts
from pipelines.alerting.feedback import (
    OUTCOMES,
    FeedbackError,
    alert_summary,
    parse_submission,
    record_feedback,
)
from pipelines.alerting.links import PURPOSES, ExpiredLinkError, LinkError, signing_key, verify
from pipelines.alerting.subscriptions import confirm_subscription, unsubscribe
from pipelines.settings import Settings, get_settings
from pipelines.warehouse.engine import make_engine, migrate
from pipelines.warehouse.schema import Subscription
from pipelines.warehouse.schema_links import LinkUse
from pipelines.web import dashboard
from pipelines.web.api import create_api
from pipelines.web.fresh_links import send_fresh_link
from pipelines.web.security import Guard, RateLimiter, check_form_token, form_token
from pipelines.web.subscriber_lookup import language_of_link, subscription_by_unsubscribe_token
from pipelines.web.subscriber_lookup import scope_name as scope_name_of

_ENV = Environment(
    loader=PackageLoader("pipelines.web", "templates"), autoescape=select_autoescape(default=True)
)
_CSS = (Path(__file__).with_name("static") / "site.css").read_bytes()
FORM_FIELDS = ("outcome", "action_date", "service", "confirmed_cases", "note")
ONE_CLICK = ("List-Unsubscribe", "One-Click")  # RFC 8058 body of a mail client's unsubscribe POST


def outcome_labels(language: str | None) -> dict[str, str]:
    """Outcome code -> its label in ``language`` (English for an unknown language), in form order."""
    words = texts(language)
    return {code: words[f"outcome_{code}"] for code in OUTCOMES}


def _page(name: str, language: str, status: int = 200, **context) -> HTMLResponse:
    # The page must declare the language it is written in: texts() falls back to English, so does lang.
    language = language.lower() if (language or "").lower() in LANGUAGES else "en"
    html = _ENV.get_template(name).render(lang=language, t=texts(language), **context)
    return HTMLResponse(html, status_code=status)


def _message(language: str, title_key: str, text: str, status: int = 200, **context) -> HTMLResponse:
    return _page("message.html", language, status, title=texts(language)[title_key], text=text, **context)


def _feedback_error(language: str, exc: FeedbackError) -> str:
    return texts(language).get(f"web_error_{exc.code}", str(exc))


def create_app(settings: Settings | None = None, today=None, bind_host: str | None = None) -> Guard:
    """The app on ``settings`` (built from the environment when None), wrapped in its :class:`Guard`.
    ``today`` (a callable returning a date) fixes the date used for token expiry; default: today in UTC.
    ``bind_host`` is the address the server listens on: the development key is refused off loopback."""
    settings = settings or get_settings()
    key = signing_key(settings, bind_host)
    migrate(settings.warehouse_url)
    engine = make_engine(settings.warehouse_url)
    clock = today or (lambda: datetime.now(UTC).date())
    app = FastAPI(title="sdg87 links", docs_url=None, redoc_url=None, openapi_url=None)

    def browser_language(request: Request) -> str:
        return negotiate(request.headers.get("accept-language"))

    def link_language(request: Request, purpose: str, subject: str) -> str:
        """The language of the subscriber an authentic (if expired) link belongs to, else the browser's."""
        with engine.connect() as conn:
            return language_of_link(conn, purpose, subject) or browser_language(request)

    def link_error(request: Request, exc: LinkError) -> HTMLResponse:
        if isinstance(exc, ExpiredLinkError):
            lang = link_language(request, exc.purpose, exc.subject)
        else:
            lang = browser_language(request)
        words = texts(lang)
        if isinstance(exc, ExpiredLinkError):
            text = words["web_link_expired"].format(date=exc.expired_on)
            return _message(lang, "web_link_title", text, 400, fresh_token=exc.token,
                            fresh_csrf=form_token(key, "fresh", exc.token))  # fmt: skip
        return _message(lang, "web_link_title", words["web_link_invalid"], 400)

    def checked(purpose: str, token: str) -> str:
        try:
            return verify(key, token, purpose, clock())
        except ExpiredLinkError as exc:
            exc.token = token  # the fresh-link form re-posts it
            raise

    def forbidden(request: Request) -> HTMLResponse:
        lang = browser_language(request)
        return _message(lang, "web_forbidden_title", texts(lang)["web_forbidden"], 403)

    async def form_of(request: Request) -> dict[str, str]:
        return {k: str(v) for k, v in (await request.form()).items()}

    @app.get("/health")
    def health() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @app.get("/static/site.css")
    def stylesheet() -> Response:
        return Response(_CSS, media_type="text/css")

    def _subscription(subscription_id: int) -> dict | None:
        t = Subscription.__table__
        with engine.connect() as conn:
            stmt = select(t.c.scope_area_id, t.c.language, t.c.active, t.c.confirmed)
            row = conn.execute(stmt.where(t.c.subscription_id == subscription_id)).mappings().first()
        return dict(row) if row else None

    def scope_name(area_id: str, language: str) -> str:
        with engine.connect() as conn:
            return scope_name_of(conn, area_id, language)

    def _used(token: str) -> bool:
        digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
        with engine.connect() as conn:
            t = LinkUse.__table__
            return (
                conn.execute(select(t.c.token_digest).where(t.c.token_digest == digest)).first() is not None
            )

    @app.get("/confirm", response_class=HTMLResponse)
    def confirm_page(request: Request, token: str = "") -> HTMLResponse:
        try:
            subscription_id = int(checked("confirm", token))
        except LinkError as exc:
            return link_error(request, exc)
        sub = _subscription(subscription_id)
        if sub is None or not sub["active"]:
            lang = browser_language(request)
            return _message(lang, "web_inactive_title", texts(lang)["web_inactive"], 404)
        lang = sub["language"]
        if _used(token):
            return _message(lang, "web_link_title", texts(lang)["web_link_used"], 410)
        return _page("confirm.html", lang, title=texts(lang)["web_confirm_title"], token=token,
                     csrf=form_token(key, "confirm", token), scope=scope_name(sub["scope_area_id"], lang))  # fmt: skip

    @app.post("/confirm", response_class=HTMLResponse)
    async def confirm_now(request: Request) -> HTMLResponse:
        form = await form_of(request)
        token = form.get("token", "")
        try:
            subscription_id = int(checked("confirm", token))
        except LinkError as exc:
            return link_error(request, exc)
        if not check_form_token(key, "confirm", token, form.get("csrf", "")):
            return forbidden(request)
        digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
        used = {"token_digest": digest, "purpose": "confirm", "subject": str(subscription_id),
                "used_at": datetime.now(UTC)}  # fmt: skip
        try:
            with engine.begin() as conn:
                sub = confirm_subscription(conn, subscription_id)
                if sub is not None:  # single use: a second insert of the digest fails, changing nothing
                    conn.execute(insert(LinkUse.__table__).values(used))
        except IntegrityError:
            sub_now = _subscription(subscription_id) or {"language": browser_language(request)}
            lang = sub_now["language"]
            return _message(lang, "web_link_title", texts(lang)["web_link_used"], 410)
        if sub is None:
            lang = browser_language(request)
            return _message(lang, "web_inactive_title", texts(lang)["web_inactive"], 404)
        lang = sub["language"]
        text = texts(lang)["web_confirmed"].format(
            scope=scope_name(sub["scope_area_id"], lang), email=sub["email"]
        )
        return _message(lang, "web_confirmed_title", text)

    @app.post("/fresh-link", response_class=HTMLResponse)
    async def fresh_link(request: Request) -> HTMLResponse:
        form = await form_of(request)
        token = form.get("token", "")
        if not check_form_token(key, "fresh", token, form.get("csrf", "")):
            return forbidden(request)
        lang = browser_language(request)
        for purpose in PURPOSES:
            try:
                subject = verify(key, token, purpose, date.min)  # authentic, whatever its expiry
            except LinkError:
                continue
            send_fresh_link(settings, engine, purpose, subject, clock())
            lang = link_language(request, purpose, subject)
            break
        return _message(lang, "web_fresh_title", texts(lang)["web_fresh_sent"])

    @app.get("/unsubscribe", response_class=HTMLResponse)
    def unsubscribe_page(request: Request, token: str = "") -> HTMLResponse:
        with engine.connect() as conn:
            sub = subscription_by_unsubscribe_token(conn, token)
        if sub is None:
            lang = browser_language(request)
            return _message(lang, "web_link_title", texts(lang)["web_unknown_unsubscribe"], 404)
        if not sub["active"]:
            return _already_unsubscribed(sub)
        return _page("unsubscribe.html", sub["language"], token=token, scope=scope_name(sub["scope_area_id"], sub["language"]),
                     csrf=form_token(key, "unsubscribe", token))  # fmt: skip

    def _already_unsubscribed(sub: dict) -> HTMLResponse:
        words = texts(sub["language"])
        text = words["web_already_unsubscribed"].format(
            email=sub["email"], scope=scope_name(sub["scope_area_id"], sub["language"])
        )
        return _message(sub["language"], "web_already_unsubscribed_title", text)

    @app.post("/unsubscribe", response_class=HTMLResponse)
    async def unsubscribe_now(request: Request, token: str = "") -> HTMLResponse:
        form = await form_of(request)
        with engine.connect() as conn:
            before = subscription_by_unsubscribe_token(conn, token)
        if before is None:
            lang = browser_language(request)
            return _message(lang, "web_link_title", texts(lang)["web_unknown_unsubscribe"], 404)
        if not before["active"]:
            return _already_unsubscribed(before)  # nothing changes, so no form token is needed
        one_click = form.get(ONE_CLICK[0]) == ONE_CLICK[1] and "origin" not in request.headers
        if not one_click and not check_form_token(key, "unsubscribe", token, form.get("csrf", "")):
            return forbidden(request)
        with engine.begin() as conn:
            unsubscribe(conn, token)
        lang = before["language"]
        text = texts(lang)["web_unsubscribed"].format(
            scope=scope_name(before["scope_area_id"], lang), email=before["email"]
        )
        return _message(lang, "web_unsubscribed_title", text)

    def _alert_for(request: Request, token: str) -> tuple[dict | None, HTMLResponse | None]:
        try:
            alert_id = int(checked("feedback", token))
        except LinkError as exc:
            return None, link_error(request, exc)
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
            csrf=form_token(key, "feedback", token),
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
    async def feedback_submit(request: Request) -> HTMLResponse:
        posted = await form_of(request)
        token = posted.get("token", "")
        alert, error = _alert_for(request, token)
        if error:
            return error
        if not check_form_token(key, "feedback", token, posted.get("csrf", "")):
            return forbidden(request)
        form = {k: v for k, v in posted.items() if k in FORM_FIELDS and k != "outcome"}
        chosen = [str(v) for v in (await request.form()).getlist("outcome")][: len(OUTCOMES)]
        lang = alert["language"] or "en"
        by = f"{alert['role'] or 'unknown role'} (subscription {alert['subscription_id']})"
        try:
            entries = parse_submission({**form, "alert_id": alert["alert_id"]}, chosen, clock())
            with engine.begin() as conn:
                record_feedback(conn, entries, "web", submitted_by=by)
        except FeedbackError as exc:
            return _form(alert, token, 422, _feedback_error(lang, exc), {**form, "outcome": chosen})
        words = texts(lang)
        labels = outcome_labels(lang)
        text = words["web_thanks"].format(
            outcome=", ".join(labels[e.outcome] for e in entries), area=alert["name"] or alert["area_id"]
        )
        return _message(lang, "web_thanks_title", text)

    dashboard.register(app, dashboard.Context(engine, settings, key, clock, _page))
    app.mount("/api/v1", create_api(engine, settings, key, clock))
    app.state.engine = engine
    return Guard(
        app,
        public_url=settings.public_url,
        max_body=settings.max_body_bytes,
        limiter=RateLimiter(settings.rate_limit_per_minute),
    )


__all__ = ["create_app", "outcome_labels"]
