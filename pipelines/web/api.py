"""The read-only JSON API for partners' systems, mounted at ``/api/v1`` (OpenAPI: ``/api/v1/openapi.json``).

Every call carries a dashboard link token, as ``Authorization: Bearer <token>`` or ``?token=``, and sees
what that link's dashboard sees (:func:`pipelines.web.dashboard_data.scope_view`): a Pará token never reads
a Mato Grosso municipality. A missing, forged or expired token gets ``401``; a state outside the scope
``403``; an area outside it ``404``, the same answer as an unknown area. Probabilities are in [0, 1],
prevalences in percent of children 5–17, dates ISO; row keys as in :mod:`pipelines.web.downloads`.

- ``GET /api/v1/scope``: the scope, its scoring cycle and its states.
- ``GET /api/v1/alerts?state=&risk_class=``: the alerted areas with follow-up (the dashboard's table).
- ``GET /api/v1/scores?state=&risk_class=``: every scored area of the scope.
- ``GET /api/v1/areas/{area_id}``: one scored area, with its alert when it has one.
- ``GET /api/v1/states``: follow-up rate and referral delay per state.
- ``GET /api/v1/countries``: the world page's country estimates.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from sqlalchemy import Engine

from alerts.select import CLASS_RANK
from pipelines.alerting.links import LinkError
from pipelines.settings import Settings
from pipelines.web.dashboard import link_scope
from pipelines.web.dashboard_data import SCORE_COLUMNS, OutsideScopeError, ScopeView, country_view, scope_view
from pipelines.web.downloads import download_rows, records

COUNTRY_COLUMNS = [
    "area_id", "name", "period", "age_band", "prevalence", "p_lo", "p_hi", "evidence", "evidence_series",
    "evidence_year", "intervention_type", "type_reason", "model_version",
]  # fmt: skip


def create_api(engine: Engine, settings: Settings, key: bytes, clock: Callable[[], date]) -> FastAPI:
    """The ``/api/v1`` sub-application."""
    api = FastAPI(
        title="sdg87 read-only API",
        version="1",
        description=__doc__,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )

    def scope(request: Request, token: str = Query("", description="dashboard link token")) -> str:
        header = request.headers.get("authorization", "")
        given = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else token
        try:
            return link_scope(key, given, clock())
        except LinkError as exc:
            raise HTTPException(401, str(exc), headers={"WWW-Authenticate": "Bearer"}) from exc

    def view(scope_id: str, state: str | None, risk_class: str | None) -> ScopeView:
        if risk_class and risk_class not in CLASS_RANK:
            raise HTTPException(422, f"risk_class must be one of {list(CLASS_RANK)}")
        try:
            return scope_view(engine, settings, scope_id, clock(), state or None, risk_class or None)
        except OutsideScopeError as exc:
            raise HTTPException(403, str(exc)) from exc

    @api.get("/scope", summary="The link's scope, its scoring cycle and its states")
    def get_scope(scope_id: str = Depends(scope)) -> dict:
        v = view(scope_id, None, None)
        return {"scope_area_id": v.scope_area_id, "name": v.scope_name, "cycle": v.cycle,
                "states": [{"area_id": a, "name": n} for a, n in v.state_options]}  # fmt: skip

    @api.get("/alerts", summary="Alerted areas of the cycle with their follow-up status")
    def get_alerts(scope_id: str = Depends(scope), state: str | None = None, risk_class: str | None = None) -> list[dict]:  # fmt: skip
        return download_rows(view(scope_id, state, risk_class).rows)

    @api.get("/scores", summary="Every scored area of the scope (latest cycle)")
    def get_scores(scope_id: str = Depends(scope), state: str | None = None, risk_class: str | None = None) -> list[dict]:  # fmt: skip
        return records(view(scope_id, state, risk_class).scores, SCORE_COLUMNS)

    @api.get("/areas/{area_id}", summary="One scored area of the scope, with its alert if any")
    def get_area(area_id: str, scope_id: str = Depends(scope)) -> dict:
        v = view(scope_id, None, None)
        score = v.scores[v.scores["area_id"] == area_id]
        if score.empty:
            raise HTTPException(404, f"no scored area {area_id!r} in this link's scope")
        alert = download_rows(v.rows[v.rows["area_id"] == area_id])
        return {**records(score, SCORE_COLUMNS)[0], "alert": alert[0] if alert else None}

    @api.get("/states", summary="Follow-up rate and median referral delay (days) per state")
    def get_states(scope_id: str = Depends(scope)) -> list[dict]:
        return records(view(scope_id, None, None).states)

    @api.get("/countries", summary="Child-labour prevalence estimates per country (percent, 5–17)")
    def get_countries(scope_id: str = Depends(scope)) -> list[dict]:
        estimates, _ = country_view(engine)
        return records(estimates, COUNTRY_COLUMNS) if len(estimates) else []

    return api
