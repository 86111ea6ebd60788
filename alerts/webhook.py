"""The JSON document posted to a partner's webhook for one scoring cycle (pure).

``{"schema": "sdg87.alerts/1", "cycle": {period, horizon, model_name, model_version, mlflow_run_id},
"areas": [{area_id, name, parent_id, p, p_lo, p_hi, risk_class, drivers: [{label, direction}]}]}`` —
one entry per distinct area alerted this cycle, highest ``p`` first; probabilities in [0, 1]; ``period``
ISO date (first day of the target year). Areas only: nothing about people.
"""

from __future__ import annotations

import math

import pandas as pd

from alerts.render import top_drivers


def _num(value: object) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def webhook_payload(alerts: pd.DataFrame, areas: pd.DataFrame) -> dict:
    """The document for ``alerts`` (rows of :func:`alerts.select.select_alerts`); raises on an empty frame."""
    if alerts.empty:
        raise ValueError("no alerts this cycle: nothing to post")
    names = dict(zip(areas["area_id"], areas["name"], strict=True))
    parents = dict(zip(areas["area_id"], areas["parent_id"], strict=True))
    unique = alerts.drop_duplicates("area_id").sort_values(["p", "area_id"], ascending=[False, True])
    first = unique.iloc[0]
    run_id = first.get("mlflow_run_id")
    return {
        "schema": "sdg87.alerts/1",
        "cycle": {
            "period": pd.Timestamp(first["period"]).date().isoformat(),
            "horizon": int(first["horizon"]),
            "model_name": str(first["model_name"]),
            "model_version": str(first["model_version"]),
            "mlflow_run_id": run_id if isinstance(run_id, str) else None,
        },
        "areas": [
            {
                "area_id": r["area_id"],
                "name": names.get(r["area_id"]),
                "parent_id": parents.get(r["area_id"]),
                "p": _num(r["p"]),
                "p_lo": _num(r.get("p_lo")),
                "p_hi": _num(r.get("p_hi")),
                "risk_class": r["risk_class"],
                "drivers": top_drivers(r.get("drivers"), r["area_id"]),
            }
            for r in unique.to_dict("records")
        ],
    }
