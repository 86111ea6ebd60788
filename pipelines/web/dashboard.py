"""The dashboard pages behind the "Open the map" link of alert e-mails (ADR 0057).

- ``GET /dashboard?token=&lang=&state=&class=``: the map of the scope's latest scores (risk classes,
  alerted areas outlined; inline SVG drawn here, no script), the table of alerted areas with probability,
  interval, reasons, what changed and follow-up, the follow-up rate and delay of each state, filters by
  state and risk class.
- ``GET /dashboard.csv`` and ``GET /dashboard.geojson`` (same query): the table on screen as a download
  (:mod:`pipelines.web.downloads`).
- ``GET /world?token=&lang=``: the country estimates of child labour (prevalence with interval, the
  evidence it rests on, intervention type and why) on a map; any valid dashboard link opens it (the
  estimates are about countries, the same for every scope).

The token is a signed, expiring ``dashboard`` link (:mod:`pipelines.alerting.links`) whose subject is the
scope's ``area_id``: everything shown is read through :func:`pipelines.web.dashboard_data.scope_view`
for that scope, and a ``state`` outside it is refused (403). ``lang`` chooses the language (else the
browser's ``Accept-Language``); it is not signed, since it changes only words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy import Engine

from alerts.dashboard import prevalence_band
from alerts.i18n import LANGUAGES, negotiate, texts
from alerts.place_names import local_name
from alerts.render import percent, top_drivers
from alerts.select import CLASS_RANK
from alerts.svg_map import svg_map
from pipelines.alerting.links import DASHBOARD, ExpiredLinkError, LinkError, verify
from pipelines.settings import Settings
from pipelines.web.dashboard_data import OutsideScopeError, ScopeView, country_view, scope_view
from pipelines.web.downloads import to_csv, to_geojson


def link_scope(key: bytes, token: str, today: date) -> str:
    """The scope ``area_id`` of a valid dashboard ``token``; raises :class:`LinkError` otherwise."""
    return verify(key, token, DASHBOARD, today)


@dataclass(frozen=True)
class Context:
    """What the dashboard routes share with the app: warehouse, settings, signing key, today's date and
    the app's page renderer ``page(template, language, status, **context)``."""

    engine: Engine
    settings: Settings
    key: bytes
    clock: Callable[[], date]
    page: Callable[..., HTMLResponse]


def _language(request: Request, lang: str) -> str:
    return lang if lang in LANGUAGES else negotiate(request.headers.get("accept-language"))


def _table(view: ScopeView, language: str) -> list[dict]:
    t = texts(language)
    out = []
    for r in view.rows.to_dict("records"):
        has_range = not (pd.isna(r["p_lo"]) or pd.isna(r["p_hi"]))
        out.append(
            {
                "name": r["name"], "state": r["state"] or "", "percent": percent(r["p"]),
                "range": f"{percent(r['p_lo'])}–{percent(r['p_hi'])}" if has_range else "",
                "risk_class": r["risk_class"] or "", "class_label": t.get(f"class_{r['risk_class']}", r["risk_class"]),
                "reason": t.get(f"reason_{r['reason']}", r["reason"]),
                "change": "" if pd.isna(r["previous_p"]) else t["was"].format(p=percent(r["previous_p"])),
                "drivers": top_drivers(r["drivers"], r["area_id"], language=language),
                "status": r["status"], "status_label": t[f"dash_status_{r['status']}"],
                "days": r["days_since_alert"],
            }
        )  # fmt: skip
    return out


def _states(view: ScopeView) -> list[dict]:
    return [
        {"name": s["state"], "n_alerted": s["n_alerted"], "n_followed": s["n_followed"],
         "rate": percent(s["follow_up_rate"]),
         "delay": "–" if pd.isna(s["median_delay_days"]) else f"{s['median_delay_days']:.0f}"}
        for s in view.states.to_dict("records")
    ]  # fmt: skip


def _scope_name(view: ScopeView, language: str) -> str:
    """The scope as ``language`` names it: a country in the reader's words, a state by its official name."""
    return local_name(view.scope_area_id, view.scope_name, language)


def _map(view: ScopeView, language: str) -> str:
    fill = {a: f"rc-{c}" for a, c in zip(view.scores["area_id"], view.scores["risk_class"], strict=True)}
    names = {a: f"{n} — {percent(p)}" for a, n, p in zip(view.scores["area_id"], view.scores["name"], view.scores["p"], strict=True)}  # fmt: skip
    caption = texts(language)["dash_map_caption"].format(scope=_scope_name(view, language))
    try:
        return svg_map(view.geometries, fill, view.rows["area_id"], names, label=caption)
    except ValueError:  # no geometry loaded for these areas: the page goes without a map
        return ""


def register(app: FastAPI, ctx: Context) -> None:
    """Add the dashboard and world routes to ``app``."""

    def refused(language: str, exc: Exception) -> HTMLResponse:
        words = texts(language)
        if isinstance(exc, ExpiredLinkError):
            text = words["dash_expired"].format(date=exc.expired_on)
            return ctx.page("message.html", language, 400, title=words["web_link_title"], text=text)
        if isinstance(exc, OutsideScopeError):
            return ctx.page("message.html", language, 403, title=words["dash_forbidden_title"], text=words["dash_forbidden"])  # fmt: skip
        return ctx.page("message.html", language, 400, title=words["web_link_title"], text=words["web_link_invalid"])  # fmt: skip

    def view_of(token: str, state: str, risk_class: str) -> ScopeView:
        scope = link_scope(ctx.key, token, ctx.clock())
        if risk_class and risk_class not in CLASS_RANK:
            raise OutsideScopeError(f"unknown risk class {risk_class!r}")
        return scope_view(ctx.engine, ctx.settings, scope, ctx.clock(), state or None, risk_class or None)

    @app.get("/dashboard", response_class=HTMLResponse)
    def dashboard(request: Request, token: str = "", lang: str = "", state: str = "", risk_class: str = "") -> HTMLResponse:  # fmt: skip
        language = _language(request, lang)
        try:
            view = view_of(token, state, risk_class)
        except (LinkError, OutsideScopeError) as exc:
            return refused(language, exc)
        words = texts(language)
        scope_name = _scope_name(view, language)
        query = {"token": token, "lang": language, "state": state, "risk_class": risk_class}
        return ctx.page(
            "dashboard.html", language, wide=True,
            title=words["dash_title"].format(scope=scope_name), view=view, query=query,
            table=_table(view, language), states=_states(view), map_svg=_map(view, language),
            caption=words["dash_map_caption"].format(scope=scope_name), classes=list(CLASS_RANK)[::-1],
            today=ctx.clock().isoformat(),
        )  # fmt: skip

    @app.get("/dashboard.csv")
    def dashboard_csv(request: Request, token: str = "", lang: str = "", state: str = "", risk_class: str = "") -> Response:  # fmt: skip
        try:
            view = view_of(token, state, risk_class)
        except (LinkError, OutsideScopeError) as exc:
            return refused(_language(request, lang), exc)
        name = f"sdg87-dashboard-{state or view.scope_area_id}.csv"
        return Response(to_csv(view.rows), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="{name}"'})  # fmt: skip

    @app.get("/dashboard.geojson")
    def dashboard_geojson(request: Request, token: str = "", lang: str = "", state: str = "", risk_class: str = "") -> Response:  # fmt: skip
        try:
            view = view_of(token, state, risk_class)
        except (LinkError, OutsideScopeError) as exc:
            return refused(_language(request, lang), exc)
        name = f"sdg87-dashboard-{state or view.scope_area_id}.geojson"
        return JSONResponse(to_geojson(view.rows, view.geometries), media_type="application/geo+json",
                            headers={"content-disposition": f'attachment; filename="{name}"'})  # fmt: skip

    @app.get("/world", response_class=HTMLResponse)
    def world(request: Request, token: str = "", lang: str = "") -> HTMLResponse:
        language = _language(request, lang)
        try:
            link_scope(ctx.key, token, ctx.clock())
        except LinkError as exc:
            return refused(language, exc)
        words = texts(language)
        estimates, geometries = country_view(ctx.engine)
        rows, svg, year = [], "", None
        if len(estimates):
            year = pd.Timestamp(estimates["period"].iloc[0]).year
            estimates = estimates.assign(
                name=[
                    local_name(a, n, language)
                    for a, n in zip(estimates["area_id"], estimates["name"], strict=True)
                ]
            )
            fill = {a: f"band-{prevalence_band(p)}" for a, p in zip(estimates["area_id"], estimates["prevalence"], strict=True)}  # fmt: skip
            names = {a: f"{n} — {p:.1f} %" for a, n, p in zip(estimates["area_id"], estimates["name"], estimates["prevalence"], strict=True)}  # fmt: skip
            try:
                svg = svg_map(
                    geometries,
                    fill,
                    (),
                    names,
                    width=900,
                    label=words["dash_world_caption"].format(year=year),
                )
            except ValueError:
                svg = ""
            for e in estimates.to_dict("records"):
                evidence = (
                    words["dash_evidence_survey"].format(series=e["evidence_series"] or "", year=e["evidence_year"])
                    if e["evidence"] == "survey" else words["dash_evidence_covariates"]
                )  # fmt: skip
                kind = e["intervention_type"]
                rows.append({
                    "name": e["name"], "prevalence": f"{e['prevalence']:.1f} %",
                    "range": f"{e['p_lo']:.1f}–{e['p_hi']:.1f} %", "evidence": evidence,
                    "type": words[f"dash_type_{kind}"] if isinstance(kind, str) else words["dash_type_none"],
                    "reason": e["type_reason"] if isinstance(e["type_reason"], str) else "", "band": prevalence_band(e["prevalence"]),
                })  # fmt: skip
        back = {"token": token, "lang": language}
        return ctx.page(
            "world.html", language, wide=True, title=words["dash_world_title"], rows=rows, map_svg=svg,
            caption=words["dash_world_caption"].format(year=year) if year else "", back=back,
            bands=["lt5", "5_10", "10_20", "ge20", "none"],
        )  # fmt: skip
