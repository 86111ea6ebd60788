"""Log and register a Brazil risk model as an MLflow pyfunc, load the champion back, and gate promotion.

The registered artifact wraps a ``models.risk_model.RiskModel`` (LightGBM or logistic): ``predict`` returns
calibrated P(event); scoring unwraps it for intervals and drivers, so the same path serves either family.
Promotion uses registry aliases only (``challenger`` → ``champion``), never stages.
"""

from __future__ import annotations

from importlib.metadata import version as package_version

import mlflow
import mlflow.pyfunc
import numpy as np
import pandas as pd
from mlflow.models import infer_signature

from models.gate import GateResult, beats, brazil_promotion
from models.risk_model import RiskModel
from pipelines.settings import Settings, get_settings
from pipelines.tracking import CHAMPION, use_tracking, version_by_alias

REQUIREMENTS = ("lightgbm", "numpy", "pandas", "scikit-learn", "cloudpickle")


class RiskPyfunc(mlflow.pyfunc.PythonModel):
    """MLflow wrapper: ``predict`` → calibrated probabilities, one per input row."""

    def __init__(self, risk_model: RiskModel):
        self.risk_model = risk_model

    def predict(self, context, model_input: pd.DataFrame, params=None) -> np.ndarray:
        return self.risk_model.predict_proba(model_input)


def input_example(frame: pd.DataFrame, features: list[str]) -> pd.DataFrame:
    """A few complete rows (MLflow serialises NaN poorly), else the first rows."""
    complete = frame.loc[frame[features].notna().all(axis=1), features]
    return (complete if len(complete) >= 3 else frame[features]).head(3).reset_index(drop=True)


def log_risk_model(model: RiskModel, example: pd.DataFrame, model_name: str) -> str:
    """Log ``model`` as ``model`` in the active run and register it; returns the new version number."""
    signature = infer_signature(example, model.predict_proba(example))
    info = mlflow.pyfunc.log_model(
        name="model",
        python_model=RiskPyfunc(model),
        signature=signature,
        input_example=example,
        pip_requirements=[f"{p}=={package_version(p)}" for p in REQUIREMENTS],
        registered_model_name=model_name,
    )
    return str(info.registered_model_version)


def load_risk_model(uri: str) -> RiskModel:
    """The ``RiskModel`` inside a registered pyfunc (e.g. ``models:/<name>@champion``)."""
    return mlflow.pyfunc.load_model(uri).unwrap_python_model().risk_model


def _gate_metrics(client, version) -> tuple[GateResult, str | None]:
    run = client.get_run(version.run_id)
    return brazil_promotion(run.data.metrics), run.data.tags.get("heldout_year")


def _aupr(value: float | None) -> str:
    return "nan" if value is None else f"{value:.4f}"


def promote_brazil(model_version: str | int, settings: Settings | None = None) -> dict:
    """Make ``model_version`` the ``champion`` if it passes the gate; returns ``promoted``,
    ``champion_version`` and ``reason``.

    Gate: the run chose the model against the rule "past events + population" by the paired bootstrap
    interval (metric ``gate_pass`` = 1: a learned model whose AUPR interval lies above zero, else the rule
    itself); runs without that metric need a gate AUPR above the strongest other model of the run; and > the current champion's when both were evaluated up to the same last year (a tie
    keeps the champion). Promoting the version that already is champion reports success.
    """
    settings = settings or get_settings()
    client = use_tracking(settings)
    name = settings.brazil_model_name
    candidate = client.get_model_version(name, str(model_version))
    gate, year = _gate_metrics(client, candidate)
    aupr, best = (
        _aupr(gate.score),
        "chosen against the rule" if gate.baseline is None else _aupr(gate.baseline),
    )
    champion = version_by_alias(client, name, CHAMPION)
    keep = str(champion.version) if champion is not None else None
    if not gate.passed:
        reason = f"gate AUPR {aupr} does not beat the strongest baseline ({best})"
        return {"promoted": False, "champion_version": keep, "reason": reason}
    suffix = ""
    if champion is not None and keep != str(candidate.version):
        champ, champ_year = _gate_metrics(client, champion)
        if champ_year != year:
            suffix = f"; replaces champion v{champion.version} (evaluated to {champ_year}, not comparable)"
        elif beats(gate.score, champ.score):
            suffix = f" and champion v{champion.version} ({_aupr(champ.score)})"
        else:
            reason = f"gate AUPR {aupr} does not beat champion v{champion.version} ({_aupr(champ.score)}, {champ_year})"
            return {"promoted": False, "champion_version": keep, "reason": reason}
    client.set_registered_model_alias(name, CHAMPION, candidate.version)
    against = (
        "chosen against the rule by its bootstrap interval"
        if gate.baseline is None
        else f"beats the strongest baseline ({best})"
    )
    reason = f"gate AUPR {aupr} {against}{suffix}"
    return {"promoted": True, "champion_version": str(candidate.version), "reason": reason}
