"""Read what a scope's dashboard, its downloads and the JSON API show (one read path for all of them).

:func:`scope_view` returns a :class:`ScopeView` for a scope (``area_id`` of the signed link) and the
visitor's filters: the newest scoring cycle of ``settings.brazil_model_name`` restricted to the scope's
areas, the alerted areas with follow-up (:func:`alerts.dashboard.alert_rows`), each state's follow-up
(:func:`alerts.dashboard.state_follow_up`) and the simplified geometries of the areas on the map. Only
rows of areas inside the scope are ever read into it: everything a page, a download or the API shows
comes from here. :func:`country_view` reads the world estimates (the newest reference year of the highest
model version in ``country_estimate``) with their geometries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Date, DateTime, Engine, Integer, select

from alerts.dashboard import alert_rows, filter_rows, state_follow_up, state_ids, visible
from pipelines.alerting.inputs import NoScoresError, area_geometries, areas_frame, latest_cycle_scores
from pipelines.settings import Settings
from pipelines.sql_files import query
from pipelines.warehouse.frames import read_frame
from pipelines.warehouse.schema_world import CountryEstimate

SCORE_COLUMNS = ["area_id", "name", "state_id", "state", "p", "p_lo", "p_hi", "risk_class"]


class OutsideScopeError(LookupError):
    """A filter or an area that the link's scope does not cover (or that does not exist)."""


@dataclass(frozen=True)
class ScopeView:
    """What one scope may see under its filters. ``scores``: scored areas (:data:`SCORE_COLUMNS`);
    ``rows``: alerted areas (:data:`alerts.dashboard.ROW_COLUMNS`); ``states``: follow-up per state
    (:data:`alerts.dashboard.STATE_COLUMNS`); ``state_options``: ``(area_id, name)`` of the scope's
    states; ``cycle``: ``{"year", "model", "version", "horizon"}`` or None before any scoring;
    ``geometries``: ``area_id, geometry_wkb`` of the areas in ``scores``."""

    scope_area_id: str
    scope_name: str
    cycle: dict | None
    scores: pd.DataFrame
    rows: pd.DataFrame
    states: pd.DataFrame
    state_options: list[tuple[str, str]]
    geometries: pd.DataFrame


def _alerts(conn, model_name: str) -> pd.DataFrame:
    stmt = query("dashboard_alerts_sent").columns(period=Date, sent_at=DateTime(timezone=True))
    sent = pd.DataFrame(conn.execute(stmt, {"model_name": model_name}).mappings().all(),
                        columns=["alert_id", "area_id", "period", "reason", "p", "sent_at"])  # fmt: skip
    alerted_on = pd.to_datetime(sent["sent_at"], utc=True).dt.tz_localize(None).dt.normalize()
    return sent.assign(alerted_on=alerted_on)


def _feedback(conn) -> pd.DataFrame:
    stmt = query("report_feedback").columns(action_date=Date, confirmed_cases=Integer)
    return pd.DataFrame(
        conn.execute(stmt).mappings().all(), columns=["alert_id", "outcome", "action_date", "confirmed_cases"]
    )


def scope_view(
    engine: Engine, settings: Settings, scope_area_id: str, today: date,
    state_id: str | None = None, risk_class: str | None = None,
) -> ScopeView:  # fmt: skip
    """The view of ``scope_area_id`` filtered to one state and/or one risk class (None: all). Raises
    :class:`OutsideScopeError` when the scope is unknown or ``state_id`` is not one of its states."""
    with engine.connect() as conn:
        areas = areas_frame(conn)
        members = visible(areas, scope_area_id)
        if not members:
            raise OutsideScopeError(f"unknown scope {scope_area_id!r}")
        names = dict(zip(areas["area_id"], areas["name"], strict=True))
        try:
            scores = latest_cycle_scores(conn, settings.brazil_model_name)
        except NoScoresError:
            scores = pd.DataFrame(columns=["area_id", "period", "p", "p_lo", "p_hi", "risk_class", "drivers"])
        cycle = None
        if len(scores):
            first = scores.iloc[0]
            cycle = {"year": pd.Timestamp(first["period"]).year, "model": first["model_name"],
                     "version": str(first["model_version"]), "horizon": int(first["horizon"])}  # fmt: skip
        scores = scores[scores["area_id"].isin(members)]
        alerted = alert_rows(scores, _alerts(conn, settings.brazil_model_name), _feedback(conn), areas,
                             scope_area_id, today)  # fmt: skip
        states = state_ids(areas)
        scored = scores.assign(
            name=scores["area_id"].map(names),
            state_id=scores["area_id"].map(states),
        )
        scored = scored.assign(state=scored["state_id"].map(names))[SCORE_COLUMNS]
        # The states of the scored areas (the world's provinces of a country are not Brazil's states).
        options = sorted({(a, names.get(a, a)) for a in scored["state_id"].dropna()}, key=lambda o: o[1])
        if state_id and state_id not in {a for a, _ in options}:
            raise OutsideScopeError(f"state {state_id!r} is not in scope {scope_area_id!r}")
        scored = filter_rows(scored, state_id).sort_values(["p", "area_id"], ascending=[False, True])
        geometries = area_geometries(conn, scored["area_id"].tolist())
    in_state = filter_rows(alerted, state_id)
    return ScopeView(
        scope_area_id=scope_area_id,
        scope_name=names.get(scope_area_id, scope_area_id),
        cycle=cycle,
        scores=filter_rows(scored, None, risk_class).reset_index(drop=True),
        rows=filter_rows(in_state, None, risk_class).reset_index(drop=True),
        states=state_follow_up(in_state),
        state_options=options,
        geometries=geometries,
    )


def country_view(engine: Engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(estimates, geometries)``: one row per country of the newest published estimates (columns of
    ``country_estimate`` plus ``name``, ``type_reason`` from ``reasons``), sorted by name; empty frames when
    none is published. Prevalence and interval in percent of children 5–17."""
    t = CountryEstimate.__table__
    with engine.connect() as conn:
        estimates = read_frame(conn, select(t))
        if estimates.empty:
            return estimates.assign(name=[], type_reason=[]), pd.DataFrame(
                columns=["area_id", "geometry_wkb"]
            )
        version = max(
            estimates["model_version"], key=lambda v: (0, int(v)) if str(v).isdigit() else (1, str(v))
        )
        estimates = estimates[estimates["model_version"] == version]
        estimates = estimates[estimates["period"] == estimates["period"].max()]
        areas = areas_frame(conn)
        geometries = area_geometries(conn, estimates["area_id"].tolist())
    names = dict(zip(areas["area_id"], areas["name"], strict=True))
    reasons = estimates["reasons"].map(lambda r: json.loads(r).get("type_reason", "") if r else "")
    out = estimates.assign(
        name=estimates["area_id"].map(names).fillna(estimates["area_id"]),
        type_reason=reasons,
        evidence_year=estimates["evidence_year"].astype("Int64"),
    )
    return out.sort_values("name", ignore_index=True), geometries
