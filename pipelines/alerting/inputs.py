"""Read what the alert decision needs from the warehouse and MLflow (I/O only; the rules are in alerts/).

- :func:`latest_cycle_scores`: the newest scoring cycle of a model (raises :class:`NoScoresError`).
- :func:`alert_states`: stored alert states, completed from alert history for pairs without one.
- :func:`latest_loads`, :func:`last_contacts`: per-source load status; last message per subscription.
- :func:`champion_skill`: whether the run that produced the scores beat its naive baselines on the
  held-out year (the training run logs ``aupr`` and ``best_baseline_aupr``).
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
from sqlalchemy import Connection, Date, DateTime, Integer, String, bindparam, select

from alerts.select import HISTORY_COLUMNS, STATE_COLUMNS, states_from_history
from models.gate import alert_skill
from pipelines.settings import Settings
from pipelines.sql_files import query
from pipelines.warehouse.frames import read_frame
from pipelines.warehouse.schema import Alert, Area, Score
from pipelines.warehouse.schema_alerts import AlertState


class NoScoresError(RuntimeError):
    """No scores exist for the model: upstream failed or never ran (never an empty alert list)."""


def _version_order(version: str) -> tuple[int, int | str]:
    return (0, int(version)) if str(version).isdigit() else (1, str(version))


def latest_cycle_scores(conn: Connection, model_name: str) -> pd.DataFrame:
    """Score rows of the newest cycle of ``model_name``; raises :class:`NoScoresError` when none."""
    typed = query("alerts_latest_cycle").columns(period=Date, model_version=String, horizon=Integer)
    cycles = conn.execute(typed, {"model_name": model_name}).mappings().all()
    if not cycles:
        raise NoScoresError(f"no scores for model {model_name!r}: run scoring before sending alerts")
    version = max((c["model_version"] for c in cycles), key=_version_order)
    horizon = min(c["horizon"] for c in cycles if c["model_version"] == version)
    t = Score.__table__
    stmt = select(t).where(
        t.c.model_name == model_name,
        t.c.period == cycles[0]["period"],
        t.c.model_version == version,
        t.c.horizon == horizon,
    )
    return read_frame(conn, stmt)


def areas_frame(conn: Connection) -> pd.DataFrame:
    t = Area.__table__
    return read_frame(conn, select(t.c.area_id, t.c.parent_id, t.c.name, t.c.level))


def area_geometries(conn: Connection, area_ids: list[str]) -> pd.DataFrame:
    """``area_id, geometry_wkb`` (the simplified copy, EPSG:4326) of ``area_ids``."""
    t = Area.__table__
    stmt = select(t.c.area_id, t.c.geometry_simplified_wkb.label("geometry_wkb")).where(
        t.c.area_id.in_(area_ids)
    )
    return read_frame(conn, stmt)


def alert_history(conn: Connection, model_name: str) -> pd.DataFrame:
    t = Alert.__table__
    return read_frame(conn, select(*(t.c[c] for c in HISTORY_COLUMNS)).where(t.c.model_name == model_name))


def alert_states(conn: Connection, history: pd.DataFrame) -> pd.DataFrame:
    """Stored states; a (subscription, area) with alerts but no stored state (alerts sent before states
    were recorded) is open at its latest alert."""
    t = AlertState.__table__
    stored = read_frame(conn, select(*(t.c[c] for c in STATE_COLUMNS)))
    derived = states_from_history(history)
    if stored.empty:
        return derived
    known = set(zip(stored["subscription_id"], stored["area_id"], strict=True))
    extra = derived[
        [(s, a) not in known for s, a in zip(derived["subscription_id"], derived["area_id"], strict=True)]
    ]
    return pd.concat([stored, extra], ignore_index=True) if len(extra) else stored


def latest_loads(conn: Connection) -> pd.DataFrame:
    stmt = query("alerts_latest_loads").columns(
        last_finished_at=DateTime(timezone=True), last_ok_at=DateTime(timezone=True)
    )
    rows = conn.execute(stmt).mappings().all()
    return pd.DataFrame(
        rows, columns=["source", "last_status", "last_finished_at", "last_ok_at", "last_ok_run_id"]
    )


def input_sources(conn: Connection, data_sources: list[str]) -> list[str]:
    """The ingest sources that loaded the observations of ``data_sources`` (score vintage keys)."""
    if not data_sources:
        return []
    stmt = query("alerts_input_sources").bindparams(bindparam("sources", expanding=True))
    return list(conn.execute(stmt, {"sources": data_sources}).scalars())


def last_contacts(conn: Connection) -> dict[int, date]:
    stmt = query("alerts_last_contact").columns(last_contact=DateTime(timezone=True))
    return {
        r.subscription_id: r.last_contact.date() for r in conn.execute(stmt) if r.last_contact is not None
    }


def vintages(scores: pd.DataFrame) -> dict[str, str]:
    """``{source: newest vintage}`` over the cycle's ``data_vintage`` JSON (ISO dates)."""
    out: dict[str, str] = {}
    for raw in scores["data_vintage"].dropna().unique():
        for source, when in json.loads(raw).items():
            out[source] = max(out.get(source, ""), str(when))
    return out


def champion_skill(settings: Settings, run_id: str | None) -> tuple[bool, str]:
    """(True, why) when run ``run_id`` beat its best naive baseline on held-out AUPR; else (False, why).

    The rule is :func:`models.gate.alert_skill` (naive baselines only: when the rule is champion, its
    alerts still need skill over them, not over the learned candidates). Fails closed: a missing run id,
    an unknown run or missing metrics mean no proven skill.
    """
    if not run_id:
        return False, "the scores carry no MLflow run id, so their backtest cannot be checked"
    from mlflow.exceptions import MlflowException

    from pipelines.tracking import use_tracking

    try:
        metrics = use_tracking(settings).get_run(run_id).data.metrics
    except MlflowException as exc:
        return False, f"MLflow run {run_id} cannot be read: {exc}"
    gate = alert_skill(metrics)
    aupr, best = gate.score, gate.baseline
    if aupr is None or best is None:
        return False, f"MLflow run {run_id} lacks held-out 'aupr' or 'best_baseline_aupr'"
    if not gate.passed:
        return False, f"held-out AUPR {aupr:.4f} does not beat the best naive baseline ({best:.4f})"
    return True, f"held-out AUPR {aupr:.4f} beats the best naive baseline ({best:.4f})"
