"""Where state lives: the default ``SDG87_HOME`` comes from the project, not the working directory, and a
moved ``var/`` keeps its MLflow artifacts (real SQLite MLflow store, real files)."""

from __future__ import annotations

import shutil

import mlflow

from pipelines.settings import PROJECT_ROOT, Settings, get_settings
from pipelines.tracking import ensure_experiment, relocate_artifacts, use_tracking


def test_default_home_is_the_projects_var_whatever_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("SDG87_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    settings = get_settings()
    assert settings.home == PROJECT_ROOT / "var"
    assert settings.warehouse_url == f"sqlite:///{PROJECT_ROOT / 'var' / 'warehouse.db'}"
    assert not (tmp_path / "var").exists()


def _log_one_run(settings: Settings) -> str:
    client = use_tracking(settings)
    experiment_id = ensure_experiment(client, "relocation-check", settings.mlflow_artifact_root)
    with mlflow.start_run(experiment_id=experiment_id) as run:
        mlflow.log_text("first home", "note.txt")
    return run.info.run_id


def test_a_moved_home_reads_and_writes_its_own_artifacts(tmp_path, monkeypatch):
    for var in ("SDG87_MLFLOW_TRACKING_URI", "SDG87_MLFLOW_ARTIFACT_ROOT"):
        monkeypatch.delenv(var, raising=False)
    old_home, new_home = tmp_path / "old" / "var", tmp_path / "restored" / "var"
    monkeypatch.setenv("SDG87_HOME", str(old_home))
    first_run = _log_one_run(get_settings())
    new_home.parent.mkdir()
    shutil.move(old_home, new_home)  # the old place is gone: a restore on another machine

    monkeypatch.setenv("SDG87_HOME", str(new_home))
    settings = get_settings()
    old_root = (old_home / "mlartifacts").as_uri()
    assert relocate_artifacts(settings) == {old_root: settings.mlflow_artifact_root}
    client = use_tracking(settings)
    experiment = client.get_experiment_by_name("relocation-check")
    assert experiment.artifact_location == f"{settings.mlflow_artifact_root}/relocation-check"
    assert mlflow.artifacts.load_text(f"runs:/{first_run}/note.txt") == "first home"
    second_run = _log_one_run(settings)
    assert client.get_run(second_run).info.artifact_uri.startswith(settings.mlflow_artifact_root + "/")
    assert (new_home / "mlartifacts" / "relocation-check").is_dir()
    assert not (old_home).exists()
    assert relocate_artifacts(settings) == {}  # once re-rooted, nothing more to do
