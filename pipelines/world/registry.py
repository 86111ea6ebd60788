"""Log and register the world prevalence model as an MLflow pyfunc, load the champion back, gate promotion.

The registered artifact wraps a ``models.world_prevalence.WorldPrevalence`` (covariate prior, series
offsets, country effects and the surveys it was fitted on): ``predict`` returns the 5-17 prevalence in
percent for rows of ``area_id``, ``year`` and covariates.
Promotion uses registry aliases only (``challenger`` → ``champion``), never stages (ADR 0026).
"""

from __future__ import annotations

from importlib.metadata import version as package_version

import mlflow
import mlflow.pyfunc
import numpy as np
import pandas as pd
from mlflow.models import infer_signature

from models.gate import beats
from models.world_prevalence import WorldPrevalence
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


def log_world_model(model: WorldPrevalence, example: pd.DataFrame) -> str:
    """Log ``model`` as ``model`` in the active run and register it as :data:`MODEL_NAME`; returns the
    new version number. ``example``: a few rows of ``area_id``, ``year`` and covariates."""
    example = example.astype({"area_id": "object"})  # MLflow's schema knows plain strings, not pandas' str
    info = mlflow.pyfunc.log_model(
        name="model",
        python_model=PrevalencePyfunc(model),
        signature=infer_signature(example, model.predict(example)["prevalence"].to_numpy()),
        input_example=example,
        pip_requirements=[f"{p}=={package_version(p)}" for p in REQUIREMENTS],
        registered_model_name=MODEL_NAME,
    )
    return str(info.registered_model_version)


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
        return {"promoted": False, "champion_version": keep, "reason": reason}
    suffix = ""
    if champion is not None and keep != str(candidate.version):
        champ_mae, _, champ_as_of = _gate_inputs(client, champion)
        if as_of < champ_as_of:
            reason = f"trained as of {as_of}, older than champion v{keep} (as of {champ_as_of})"
            return {"promoted": False, "champion_version": keep, "reason": reason}
        if as_of == champ_as_of and not beats(mae, champ_mae, lower_is_better=True):
            reason = f"MAE {mae:.2f} pp does not beat champion v{keep} ({champ_mae:.2f} pp, as of {as_of})"
            return {"promoted": False, "champion_version": keep, "reason": reason}
        suffix = (
            f" and champion v{keep} ({champ_mae:.2f} pp)"
            if as_of == champ_as_of
            else f"; replaces champion v{keep} (as of {champ_as_of}, not comparable)"
        )
    client.set_registered_model_alias(MODEL_NAME, CHAMPION, candidate.version)
    reason = f"MAE {mae:.2f} pp beats the regional mean ({baseline:.2f} pp){suffix}"
    return {"promoted": True, "champion_version": str(candidate.version), "reason": reason}
