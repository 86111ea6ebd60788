"""Log and register the world prevalence model as an MLflow pyfunc, load the champion back, gate promotion.

The registered artifact wraps a ``models.world_prevalence.WorldPrevalence`` (covariate prior, series
offsets, country effects and the surveys it was fitted on): ``predict`` returns the 5-17 prevalence in
percent for rows of ``area_id``, ``year`` and covariates.
Promotion uses registry aliases only (``challenger`` → ``champion``), never stages (ADR 0026). Versions
carry the model card's summary, the gate's decision and a fingerprint, and an identical re-run reuses its
version (:mod:`pipelines.model_versions`, ADR 0066).
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

from models.gate import beats
from models.world_prevalence import WorldPrevalence
from pipelines.model_versions import record_decision, register_or_reuse
from pipelines.settings import Settings, get_settings
from pipelines.tracking import CHAMPION, use_tracking, version_by_alias

EXPERIMENT = "sdg87-world-child-labour"
MODEL_NAME = "sdg87-world-child-labour"
REQUIREMENTS = ("numpy", "pandas", "scipy", "cloudpickle")


class PrevalencePyfunc(mlflow.pyfunc.PythonModel):
    """MLflow wrapper: ``predict`` → prevalence in percent, one per input row."""

    def __init__(self, prevalence_model: WorldPrevalence):
        self.prevalence_model = prevalence_model

    def predict(self, context, model_input: pd.DataFrame, params=None) -> np.ndarray:
        return self.prevalence_model.predict(model_input)["prevalence"].to_numpy()


MODEL_DESCRIPTION = (
    "World: estimated percentage of children aged 5-17 in child labour (SDG 8.7.1) per country, with a 90 % "
    "interval and the intervention type; about countries, never about anyone. Versions: the model card's "
    "summary and the promotion gate's decision (tags gate_decision, gate_reason)."
)


def world_fingerprint(identity: dict, estimates: pd.DataFrame) -> str:
    """A 16-hex-digit hash of what makes two world models the same: ``identity`` (parameters and data
    vintage; JSON-serialisable) and the published estimates (``area_id``, ``prevalence``, ``p_lo``, ``p_hi``
    rounded to 10 decimals). An identical re-run on identical data gives the same fingerprint."""
    cols = ["area_id", "prevalence", "p_lo", "p_hi"]
    rows = estimates.loc[:, cols].sort_values("area_id").round(10).to_csv(index=False)
    payload = json.dumps(identity, sort_keys=True, default=str) + rows
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def log_world_model(model: WorldPrevalence, example: pd.DataFrame, fingerprint: str, card: str) -> str:
    """Log ``model`` as ``model`` in the active run; returns its version of :data:`MODEL_NAME`: the version
    of an identical earlier run (same ``fingerprint``), else a new one described from ``card``
    (:func:`pipelines.model_versions.register_or_reuse`). ``example``: a few rows of ``area_id``, ``year``
    and covariates."""
    example = example.astype({"area_id": "object"})  # MLflow's schema knows plain strings, not pandas' str
    info = mlflow.pyfunc.log_model(
        name="model",
        python_model=PrevalencePyfunc(model),
        signature=infer_signature(example, model.predict(example)["prevalence"].to_numpy()),
        input_example=example,
        pip_requirements=[f"{p}=={package_version(p)}" for p in REQUIREMENTS],
    )
    client = mlflow.tracking.MlflowClient()
    return register_or_reuse(
        client, info.model_uri, MODEL_NAME, fingerprint, card, "world", MODEL_DESCRIPTION
    )[0]


def load_world_model(uri: str) -> WorldPrevalence:
    """The ``WorldPrevalence`` inside a registered pyfunc (e.g. ``models:/<name>@champion``)."""
    return mlflow.pyfunc.load_model(uri).unwrap_python_model().prevalence_model


def _gate_inputs(client, version) -> tuple[float, float, str]:
    run = client.get_run(version.run_id)
    metrics = run.data.metrics
    return (
        metrics.get("model_mae", float("nan")),
        metrics.get("baseline_mae", float("nan")),
        run.data.params.get("as_of", ""),
    )


def promote_world(model_version: str | int, settings: Settings | None = None) -> dict:
    """Make ``model_version`` the ``champion`` if it passes the gate; returns ``promoted``,
    ``champion_version`` and ``reason``.

    Gate: leave-country-out MAE below the regional mean's. Against a current champion: one trained as of
    the same date must be beaten on MAE (a tie keeps the champion); one trained on older data is replaced
    (the MAEs are over different surveys, not comparable); a candidate older than the champion is refused.
    """
    settings = settings or get_settings()
    client = use_tracking(settings)
    candidate = client.get_model_version(MODEL_NAME, str(model_version))
    mae, baseline, as_of = _gate_inputs(client, candidate)
    champion = version_by_alias(client, MODEL_NAME, CHAMPION)
    keep = str(champion.version) if champion is not None else None
    if not beats(mae, baseline, lower_is_better=True):
        reason = f"MAE {mae:.2f} pp does not beat the regional mean ({baseline:.2f} pp)"
        return _decided(client, candidate, False, keep, reason)
    suffix = ""
    if champion is not None and keep != str(candidate.version):
        champ_mae, _, champ_as_of = _gate_inputs(client, champion)
        if as_of < champ_as_of:
            reason = f"trained as of {as_of}, older than champion v{keep} (as of {champ_as_of})"
            return _decided(client, candidate, False, keep, reason)
        if as_of == champ_as_of and not beats(mae, champ_mae, lower_is_better=True):
            reason = f"MAE {mae:.2f} pp does not beat champion v{keep} ({champ_mae:.2f} pp, as of {as_of})"
            return _decided(client, candidate, False, keep, reason)
        suffix = (
            f" and champion v{keep} ({champ_mae:.2f} pp)"
            if as_of == champ_as_of
            else f"; replaces champion v{keep} (as of {champ_as_of}, not comparable)"
        )
    client.set_registered_model_alias(MODEL_NAME, CHAMPION, candidate.version)
    if keep is not None and keep != str(candidate.version):
        client.set_model_version_tag(MODEL_NAME, keep, "gate_decision", f"replaced by v{candidate.version}")
    reason = f"MAE {mae:.2f} pp beats the regional mean ({baseline:.2f} pp){suffix}"
    return _decided(client, candidate, True, str(candidate.version), reason)


def _decided(client, candidate, promoted: bool, champion_version: str | None, reason: str) -> dict:
    return record_decision(
        client, MODEL_NAME, candidate, promoted, champion_version, reason, MODEL_DESCRIPTION
    )
