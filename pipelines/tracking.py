"""MLflow helpers: point the client at the configured store, create the experiment, read the registry.

The tracking URI is ``settings.mlflow_tracking_uri`` (SQLite under ``SDG87_HOME`` by default); each
experiment stores artifacts under ``settings.mlflow_artifact_root/<experiment name>``. Promotion uses
registry aliases only (``challenger``, ``champion``); registry stages are not used.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Sequence

import mlflow
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

from pipelines.settings import PROJECT_ROOT, Settings

CHAMPION = "champion"
CHALLENGER = "challenger"


def use_tracking(settings: Settings) -> MlflowClient:
    """Point MLflow at ``settings`` (tracking and registry) and return a client for it."""
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    mlflow.set_tracking_uri(settings.mlflow_tracking_uri)
    mlflow.set_registry_uri(settings.mlflow_tracking_uri)
    return MlflowClient(tracking_uri=settings.mlflow_tracking_uri, registry_uri=settings.mlflow_tracking_uri)


def ensure_experiment(client: MlflowClient, name: str, artifact_root: str) -> str:
    """The id of experiment ``name``, created with ``artifact_location=<artifact_root>/<name>`` if new."""
    experiment = client.get_experiment_by_name(name)
    if experiment is not None:
        return experiment.experiment_id
    return client.create_experiment(name, artifact_location=f"{artifact_root.rstrip('/')}/{name}")


def git_sha() -> str | None:
    """The project's current git commit, or ``None`` outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def feature_set_hash(feature_set: str, names: Sequence[str], labels: dict[str, str]) -> str:
    """A short hash naming the feature set's definition (name, ordered features and their labels)."""
    payload = json.dumps({"set": feature_set, "features": [[n, labels.get(n, "")] for n in names]})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def version_by_alias(client: MlflowClient, model_name: str, alias: str) -> ModelVersion | None:
    """The version of ``model_name`` holding ``alias``, or ``None`` if the alias (or model) does not exist."""
    try:
        return client.get_model_version_by_alias(model_name, alias)
    except MlflowException:
        return None
