"""MLflow helpers: point the client at the configured store, create the experiment, read the registry.

The tracking URI is ``settings.mlflow_tracking_uri`` (SQLite under ``SDG87_HOME`` by default); each
experiment stores artifacts under ``settings.mlflow_artifact_root/<experiment name>``. MLflow records
those locations as absolute URIs; with the default local store, :func:`use_tracking` re-roots them to the
current ``SDG87_HOME`` so a moved or restored ``var/`` keeps reading and writing its own artifacts
(docs/adr/0065-state-follows-the-project.md). Promotion uses registry aliases only (``challenger``,
``champion``); registry stages are not used.
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
from sqlalchemy import create_engine, inspect, text

from pipelines.settings import PROJECT_ROOT, Settings

CHAMPION = "champion"
CHALLENGER = "challenger"


# Columns of MLflow's SQL store holding artifact URIs (table, column); absent ones are skipped.
ARTIFACT_COLUMNS = (
    ("experiments", "artifact_location"),
    ("runs", "artifact_uri"),
    ("model_versions", "source"),
    ("model_versions", "storage_location"),
    ("logged_models", "artifact_location"),
)


def _default_store(settings: Settings) -> bool:
    """Whether tracking and artifacts are the defaults under ``settings.home`` (SQLite + local folder)."""
    return settings.mlflow_tracking_uri == f"sqlite:///{settings.home / 'mlflow.db'}" and (
        settings.mlflow_artifact_root == (settings.home / "mlartifacts").as_uri()
    )


def relocate_artifacts(settings: Settings) -> dict[str, str]:
    """Re-root the artifact URIs of the default local store to ``settings.home/mlartifacts``.

    An experiment created under another home (a ``var/`` moved, copied or restored elsewhere) has an
    ``artifact_location`` ending in ``/<experiment name>`` under that home's ``mlartifacts``: every URI
    starting with that old root (experiments, runs, model versions, logged models) is rewritten to the
    current root, in one transaction. Only the default store is touched: an explicit
    ``SDG87_MLFLOW_TRACKING_URI`` or ``SDG87_MLFLOW_ARTIFACT_ROOT`` is the operator's to manage.
    Returns ``{old root: new root}`` for each root rewritten (empty when nothing moved)."""
    db = settings.home / "mlflow.db"
    if not _default_store(settings) or not db.exists():
        return {}
    new_root = settings.mlflow_artifact_root.rstrip("/")
    engine = create_engine(settings.mlflow_tracking_uri)
    try:
        tables = {
            t: {c["name"] for c in inspect(engine).get_columns(t)} for t in inspect(engine).get_table_names()
        }
        if "experiments" not in tables:
            return {}
        moved: dict[str, str] = {}
        with engine.begin() as conn:
            rows = conn.execute(text("SELECT name, artifact_location FROM experiments")).all()
            for name, location in rows:
                suffix = f"/{name}"
                if not (location or "").startswith("file:") or not location.endswith(suffix):
                    continue
                old_root = location.removesuffix(suffix)
                if old_root == new_root or old_root in moved:
                    continue
                moved[old_root] = new_root
            for old_root in moved:
                for table, column in ARTIFACT_COLUMNS:
                    if column not in tables.get(table, set()):
                        continue
                    # Table and column names come from ARTIFACT_COLUMNS, never from input.
                    update = f"UPDATE {table} SET {column} = :new || substr({column}, :n + 1) "  # noqa: S608
                    conn.execute(
                        text(update + f"WHERE substr({column}, 1, :n) = :old"),
                        {"new": f"{new_root}/", "old": f"{old_root}/", "n": len(old_root) + 1},
                    )
    finally:
        engine.dispose()
    return moved


def use_tracking(settings: Settings) -> MlflowClient:
    """Point MLflow at ``settings`` (tracking and registry) and return a client for it; artifact URIs of
    a moved default store are re-rooted first (:func:`relocate_artifacts`)."""
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    relocate_artifacts(settings)
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
