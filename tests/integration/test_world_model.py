"""World child-labour estimates on a real warehouse loaded by the real ingest (the shipped world files)
and a real MLflow store: every country estimated, leave-country-out skill logged, the CLI writes a CSV."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

from pipelines.build_features import MissingInputError
from pipelines.cli import main
from pipelines.ingest import run_source
from pipelines.settings import Settings
from pipelines.warehouse.engine import migrate
from pipelines.world_model import EXPERIMENT, score_world, train_world
from tests.conftest import SAMPLE_DATA

SOURCES = [
    "world_areas",
    "world_sdg871",
    "world_wdi_child_labour",
    "world_gapminder",
    "world_ilab",
    "world_ceacr",
]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    settings = Settings(home=tmp_path_factory.mktemp("world") / "var", data_dir=SAMPLE_DATA)
    settings.ensure_dirs()
    migrate(settings.warehouse_url)
    for name in SOURCES:
        assert run_source(name, settings=settings)["status"] == "published"
    return settings, train_world(settings)


def test_run_logs_leave_country_out_skill(world):
    settings, result = world
    metrics = result["metrics"]
    assert metrics["n_countries"] >= 100 and metrics["model_mae"] > 0 and metrics["baseline_mae"] > 0
    assert 0.8 <= metrics["interval_coverage"] <= 1.0
    assert result["champion"] is (metrics["model_mae"] < metrics["baseline_mae"])
    client = MlflowClient(settings.mlflow_tracking_uri)
    run = client.get_run(result["run_id"])
    assert run.data.tags["study"] == "world" and "model_mae" in run.data.metrics
    assert client.get_experiment(run.info.experiment_id).name == EXPERIMENT
    assert {a.path for a in client.list_artifacts(result["run_id"])} >= {"world_estimates.csv"}


def test_every_country_estimated_with_interval_and_type(world, tmp_path, monkeypatch, capsys):
    settings, result = world
    monkeypatch.setenv("SDG87_HOME", str(settings.home))
    out = tmp_path / "world.csv"
    assert main(["forecast", "--study", "world", "--as-of", "2026-01-01", "--out", str(out)]) == 0
    frame = pd.read_csv(out)
    assert (
        result["countries"] == len(frame) and frame["area_id"].is_unique and (frame["period"] == 2025).all()
    )
    assert frame["prevalence"].notna().all()
    assert ((frame["p_lo"] <= frame["prevalence"]) & (frame["prevalence"] <= frame["p_hi"])).all()
    unsurveyed = frame.loc[frame["observed"].isna()]
    assert len(unsurveyed) > 50  # estimated although no survey exists
    typed = frame.loc[frame["intervention_type"].notna()]
    assert set(typed["intervention_type"]) <= {"catalyst", "momentum", "inception"} and len(typed) > 50
    assert frame["reasons"].str.contains("risk").all()


def test_as_of_before_any_publication_fails_loudly(world):
    settings, _ = world
    with pytest.raises(MissingInputError, match="prevalence"):
        score_world(settings, date(1995, 1, 1))
