"""Score every Brazil municipality for the next year with the ``champion`` model and store the scores.

The champion is a registered ``RiskModel`` (LightGBM or logistic, whichever the gate kept): ``p`` is its
calibrated probability, ``p_lo``/``p_hi`` the 90 % bootstrap interval, drivers its signed contributions.

Period scored: the last label year + 1 (target year, 1 January), horizon 1; ``as_of`` is 1 January of the
last label year, the newest inspection year the features draw on. Rows are keyed (area_id, period,
horizon, model_name, model_version); the partition (period, horizon, model_name, model_version) is
replaced in one transaction, so a re-run rewrites the same scores.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import Connection, Date, bindparam

from features.catalog import FEATURE_LABELS, FEATURE_SET
from features.events import EVENTS_CODE, WORKERS_CODE
from models.drivers import top_drivers
from models.risk import RISK_CLASSES, class_counts, risk_class
from models.risk_model import RiskModel
from pipelines.brazil.features import STUDY, MissingInputError, gate, last_label_year, load_feature_panel
from pipelines.brazil.registry import load_risk_model
from pipelines.quality import SuiteSpec
from pipelines.settings import Settings, get_settings
from pipelines.sql_files import query
from pipelines.tracking import CHAMPION, use_tracking, version_by_alias
from pipelines.warehouse.engine import warehouse_engine
from pipelines.warehouse.schema import Score
from pipelines.warehouse.writes import replace_partition

HORIZON = 1


class NoChampionError(RuntimeError):
    """No registered version holds the ``champion`` alias: nothing may be scored."""


def data_vintage(conn: Connection, period: date) -> dict[str, str]:
    """Latest vintage per source usable for ``period`` (ISO dates), as JSON-ready dict."""
    stmt = query("scores_data_vintage").bindparams(bindparam("period", type_=Date)).columns(vintage=Date)
    params = {**STUDY, "period": period, "events_code": EVENTS_CODE, "workers_code": WORKERS_CODE}
    return {row.source: row.vintage.isoformat() for row in conn.execute(stmt, params)}


def score_suite(n_areas: int) -> SuiteSpec:
    """The gate on a scoring cycle: one row per area, ``p`` a probability, a known class, drivers present."""
    return SuiteSpec(
        name="scores_brazil",
        columns=("area_id", "p", "p_lo", "p_hi", "risk_class", "drivers"),
        key=("area_id",),
        not_null=("area_id", "p", "p_lo", "p_hi", "risk_class", "drivers"),
        ranges={"p": (0.0, 1.0), "p_lo": (0.0, 1.0), "p_hi": (0.0, 1.0)},
        allowed={"risk_class": frozenset(RISK_CLASSES)},
        row_count=(n_areas, n_areas),
    )


def score_rows(features: pd.DataFrame, model: RiskModel, settings: Settings, provenance: dict) -> list[dict]:
    """Score rows for the ``score`` table from wide features (one row per area) and a fitted risk model
    (either family): calibrated ``p``, its bootstrap interval, class and the top three drivers."""
    p = model.predict_proba(features)
    p_lo, p_hi = model.interval(features)
    classes = risk_class(p, settings.risk_medium, settings.risk_high)
    drivers = top_drivers(model.contributions(features), FEATURE_LABELS, n=3)
    return [
        {
            **provenance,
            "area_id": area_id,
            "p": float(pi),
            "p_lo": float(lo),
            "p_hi": float(hi),
            "risk_class": str(ci),
            "drivers": json.dumps(di),
        }
        for area_id, pi, lo, hi, ci, di in zip(
            features["area_id"], p, p_lo, p_hi, classes, drivers, strict=True
        )
    ]


def score_brazil(settings: Settings | None = None, as_of: date | None = None) -> dict:
    """Score the year after ``as_of``'s last label year (None: the last stored) with
    ``models:/<name>@champion``; returns ``model_version``, ``period``,
    ``areas`` and ``by_class`` (count per risk class). Raises if there is no champion or no features."""
    settings = settings or get_settings()
    client = use_tracking(settings)
    name = settings.brazil_model_name
    champion = version_by_alias(client, name, CHAMPION)
    if champion is None:
        raise NoChampionError(f"model {name!r} has no '{CHAMPION}' version: train and promote one first")
    model = load_risk_model(f"models:/{name}@{CHAMPION}")
    with warehouse_engine(settings) as engine:
        with engine.connect() as conn:
            last = last_label_year(conn, as_of)[1]
            period = date(last + 1, 1, 1)
            features = load_feature_panel(conn, period)
            vintage = data_vintage(conn, period)
        if features.empty:
            raise MissingInputError(
                f"no {FEATURE_SET} features for {period}: run build_brazil_features first"
            )
        provenance = {
            "period": period,
            "horizon": HORIZON,
            "model_name": name,
            "model_version": str(champion.version),
            "mlflow_run_id": champion.run_id,
            "as_of": date(last, 1, 1),
            "data_vintage": json.dumps(vintage, sort_keys=True),
            "scored_at": datetime.now(UTC),
        }
        rows = score_rows(features, model, settings, provenance)
        columns = ["area_id", "p", "p_lo", "p_hi", "risk_class", "drivers"]
        gate(pd.DataFrame(rows, columns=columns), score_suite(len(features)))
        partition = {k: provenance[k] for k in ("period", "horizon", "model_name", "model_version")}
        with engine.begin() as conn:
            replace_partition(conn, Score.__table__, partition, rows)
    return {
        "model_version": str(champion.version),
        "period": period.isoformat(),
        "areas": len(rows),
        "by_class": class_counts([r["risk_class"] for r in rows]),
    }
