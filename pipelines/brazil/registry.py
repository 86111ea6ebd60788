"""Log and register a Brazil risk model as an MLflow pyfunc, load the champion back, and gate promotion.

The registered artifact wraps a ``models.risk_model.RiskModel`` (LightGBM or logistic): ``predict`` returns
calibrated P(event); scoring unwraps it for intervals and drivers, so the same path serves either family.
Promotion uses registry aliases only (``challenger`` → ``champion``), never stages.

What a researcher reads in the registry (docs/adr/0066-mlflow-runs-and-versions-explain-themselves.md):
runs named by target, horizon and training window (:func:`run_name`); each version's description is the
model card's summary followed by the gate's decision, and its tags carry ``fingerprint``, ``gate_decision``
(``champion`` | ``challenger``) and ``gate_reason``; an identical re-run (same ``fingerprint``) reuses the
version it matches instead of registering a new one (:mod:`pipelines.model_versions`, shared with the world
study).
"""

from __future__ import annotations

import hashlib
import json
from importlib.metadata import version as package_version

import mlflow
import mlflow.pyfunc
import numpy as np
import pandas as pd
from mlflow.models import infer_signature

from models.gate import GateResult, beats, brazil_promotion
from models.risk_model import RiskModel
from pipelines.model_versions import record_decision, register_or_reuse
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


MODEL_DESCRIPTION = (
    "Brazil: calibrated P(at least one employer-list forced-labour event in a municipality in the target "
    "year), one row per municipality; a reason to look, never evidence about anyone. Versions: the model "
    "card's summary and the promotion gate's decision (tags gate_decision, gate_reason)."
)
TARGET = "employer-list-event"


def run_name(study: str, horizon: int, train_years: str, family: str) -> str:
    """``<study>-<target>-h<horizon>-train<first>-<last>-<family>``, e.g.
    ``brazil-employer-list-event-h1-train2017-2023-rule``: what the run predicts, how far ahead and from
    which label years, then the registered family."""
    return f"{study}-{TARGET}-h{horizon}-train{train_years}-{family}"


def model_fingerprint(model: RiskModel, scored: pd.DataFrame, identity: dict) -> str:
    """A 16-hex-digit hash of what makes two registered models the same: ``identity`` (parameters, label
    vintage, feature-set hash; JSON-serialisable) and the model's probabilities and interval bounds for
    ``scored`` rounded to 10 decimals. An identical re-run on identical data gives the same fingerprint;
    a model whose intervals changed is a new version."""
    lo, hi = model.interval(scored)
    p = np.round(np.vstack([model.predict_proba(scored), lo, hi]).astype(float), 10)
    payload = json.dumps(identity, sort_keys=True, default=str).encode("utf-8") + p.tobytes()
    return hashlib.sha256(payload).hexdigest()[:16]


def log_risk_model(
    model: RiskModel, example: pd.DataFrame, model_name: str | None = None, fingerprint: str | None = None
) -> str:
    """Log ``model`` as ``model`` in the active run; returns its version of ``model_name``.

    With ``fingerprint`` the version is the registered twin of an identical earlier run, or a new one
    (:func:`register_or_reuse`, described from the run's ``model_card.md``); without it every call
    registers a new version (``model_name`` given)."""
    signature = infer_signature(example, model.predict_proba(example))
    info = mlflow.pyfunc.log_model(
        name="model",
        python_model=RiskPyfunc(model),
        signature=signature,
        input_example=example,
        pip_requirements=[f"{p}=={package_version(p)}" for p in REQUIREMENTS],
        registered_model_name=None if fingerprint else model_name,
    )
    if not fingerprint:
        return str(info.registered_model_version)
    run_id = mlflow.active_run().info.run_id
    card = mlflow.artifacts.load_text(f"runs:/{run_id}/model_card.md")
    client = mlflow.tracking.MlflowClient()
    return register_or_reuse(
        client, info.model_uri, model_name, fingerprint, card, "brazil", MODEL_DESCRIPTION
    )[0]


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
    keeps the champion). Promoting the version that already is champion reports success. The decision
    and its reason are written into the version's description and tags (:func:`pipelines.model_versions.record_decision`).
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
        return _decided(client, name, candidate, False, keep, reason)
    suffix = ""
    if champion is not None and keep != str(candidate.version):
        champ, champ_year = _gate_metrics(client, champion)
        if champ_year != year:
            suffix = f"; replaces champion v{champion.version} (evaluated to {champ_year}, not comparable)"
        elif beats(gate.score, champ.score):
            suffix = f" and champion v{champion.version} ({_aupr(champ.score)})"
        else:
            reason = f"gate AUPR {aupr} does not beat champion v{champion.version} ({_aupr(champ.score)}, {champ_year})"
            return _decided(client, name, candidate, False, keep, reason)
    client.set_registered_model_alias(name, CHAMPION, candidate.version)
    if keep is not None and keep != str(candidate.version):
        client.set_model_version_tag(name, keep, "gate_decision", f"replaced by v{candidate.version}")
    against = (
        "chosen against the rule by its bootstrap interval"
        if gate.baseline is None
        else f"beats the strongest baseline ({best})"
    )
    reason = f"gate AUPR {aupr} {against}{suffix}"
    return _decided(client, name, candidate, True, str(candidate.version), reason)


def _decided(client, name: str, candidate, promoted: bool, champion_version: str | None, reason: str) -> dict:
    return record_decision(client, name, candidate, promoted, champion_version, reason, MODEL_DESCRIPTION)
