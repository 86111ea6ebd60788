"""World child-labour estimates on a real warehouse loaded by the real ingest (the shipped world files)
and a real MLflow store: every country estimated, leave-country-out skill logged, the model registered and
gated, the champion's estimates published to ``country_estimate``, the CLI writes a CSV."""

from __future__ import annotations

import json
from datetime import date

import matplotlib.image
import pandas as pd
import pytest
from mlflow.tracking import MlflowClient
from sqlalchemy import select

from features.errors import MissingInputError
from pipelines.brazil.score import NoChampionError
from pipelines.cli import main
from pipelines.ingest import run_source
from pipelines.settings import Settings
from pipelines.tracking import CHALLENGER, CHAMPION
from pipelines.warehouse.engine import make_engine, migrate
from pipelines.warehouse.schema_world import CountryEstimate
from pipelines.world.artifacts.map import DPI, FIGSIZE
from pipelines.world.forecast import score_world
from pipelines.world.steps import (
    EXPERIMENT,
    MODEL_NAME,
    promote_world,
    publish_world_estimates,
    train_world,
    world_run_name,
)
from tests.conftest import SAMPLE_DATA

SOURCES = [
    "world_areas",
    "world_sdg871",
    "world_wdi_child_labour",
    "world_gapminder",
    "world_ilab",
    "world_ceacr",
]


def ingest_world(settings: Settings) -> None:
    migrate(settings.warehouse_url)
    for name in SOURCES:
        assert run_source(name, settings=settings)["status"] == "published"


def read_estimates(settings: Settings) -> pd.DataFrame:
    engine = make_engine(settings.warehouse_url)
    with engine.connect() as conn:
        rows = conn.execute(select(CountryEstimate.__table__).order_by(CountryEstimate.area_id)).all()
    engine.dispose()
    return pd.DataFrame([r._asdict() for r in rows])


# The module's fixture trains and evaluates the world model (leave-country-out): minutes, not seconds.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Ingest, train, try to publish before any champion, gate, publish twice (same result)."""
    settings = Settings(home=tmp_path_factory.mktemp("world") / "var", data_dir=SAMPLE_DATA)
    settings.ensure_dirs()
    ingest_world(settings)
    trained = train_world(settings)
    with pytest.raises(NoChampionError, match="no 'champion' version"):
        publish_world_estimates(settings)
    gate = promote_world(trained["model_version"], settings)
    published = [publish_world_estimates(settings) for _ in range(2)]
    return settings, trained, gate, published


def test_run_logs_leave_country_out_skill_and_artifacts(world):
    settings, result, _, _ = world
    metrics = result["metrics"]
    assert metrics["n_countries"] >= 40 and metrics["n_survey_countries"] >= 100
    assert metrics["model_mae"] == metrics["loco_all_model_mae"] > 0
    assert metrics["baseline_mae"] == metrics["loco_all_regional_mae"] > 0
    for variant in ("loco_all", "loco_estimand", "forward"):
        assert {f"{variant}_{who}_spearman" for who in ("model", "regional", "carried")} <= set(metrics)
    assert metrics["loco_estimand_n_with_survey"] > 30 and metrics["loco_all_n_with_survey"] == 0
    assert 0.8 <= metrics["interval_coverage"] <= 1.0
    assert result["beats_baseline"] is (metrics["model_mae"] < metrics["baseline_mae"])
    client = MlflowClient(settings.mlflow_tracking_uri, registry_uri=settings.mlflow_tracking_uri)
    run = client.get_run(result["run_id"])
    assert run.data.tags["study"] == "world" and "model_mae" in run.data.metrics
    assert run.data.params["as_of"] and run.data.tags["git_sha"]
    assert len(json.loads(run.data.tags["data_vintage"])) >= 4  # prevalence, covariates, ILAB, ILO
    experiment = client.get_experiment(run.info.experiment_id)
    assert experiment.name == EXPERIMENT
    assert experiment.artifact_location.startswith(settings.mlflow_artifact_root)
    paths = {a.path for a in client.list_artifacts(result["run_id"])}
    assert paths >= {
        "world_estimates.csv",
        "validation_loco_all.csv",
        "validation_loco_estimand.csv",
        "validation_forward.csv",
        "measurement_offsets.csv",
        "world_map.png",
        "model_card.md",
    }
    card = client.download_artifacts(result["run_id"], "model_card.md")
    text = open(card, encoding="utf-8").read()
    assert "Intended use" in text and "ILAB" in text and f"{metrics['model_mae']:.2f}" in text


def test_world_map_png_opens_with_the_expected_size(world):
    settings, result, _, _ = world
    client = MlflowClient(settings.mlflow_tracking_uri, registry_uri=settings.mlflow_tracking_uri)
    png = matplotlib.image.imread(client.download_artifacts(result["run_id"], "world_map.png"))
    assert png.shape[:2] == (int(FIGSIZE[1] * DPI), int(FIGSIZE[0] * DPI))
    assert png[..., :3].std() > 0.05  # not a blank canvas


def test_registered_as_challenger_and_promoted_by_the_gate(world):
    settings, result, gate, _ = world
    client = MlflowClient(settings.mlflow_tracking_uri, registry_uri=settings.mlflow_tracking_uri)
    assert result["model_name"] == MODEL_NAME
    assert str(client.get_model_version_by_alias(MODEL_NAME, CHALLENGER).version) == result["model_version"]
    assert gate["promoted"] is result["beats_baseline"]
    if gate["promoted"]:
        assert str(client.get_model_version_by_alias(MODEL_NAME, CHAMPION).version) == result["model_version"]
        assert "regional mean" in gate["reason"]
    # promoting the champion again reports success and changes nothing
    assert promote_world(result["model_version"], settings)["champion_version"] == result["model_version"]


def test_versions_explain_themselves_and_an_identical_rerun_reuses_its_version(world):
    settings, result, gate, _ = world
    client = MlflowClient(settings.mlflow_tracking_uri, registry_uri=settings.mlflow_tracking_uri)
    version = client.get_model_version(MODEL_NAME, result["model_version"])
    assert version.tags["study"] == "world" and len(version.tags["fingerprint"]) == 16
    assert version.tags["gate_decision"] == ("champion" if gate["promoted"] else "challenger")
    assert version.tags["gate_reason"] == gate["reason"]
    assert "Gate: " in version.description and client.get_registered_model(MODEL_NAME).description
    run = client.get_run(result["run_id"])
    assert run.info.run_name == world_run_name(date.fromisoformat(run.data.params["as_of"]))
    assert run.info.run_name.startswith("world-child-labour-5-17-ref")
    again = train_world(settings)
    assert again["model_version"] == result["model_version"]  # the same data and code: no new version
    tags = client.get_run(again["run_id"]).data.tags
    assert tags["registered_as"].startswith(f"identical to v{result['model_version']} ")


def test_an_older_candidate_does_not_replace_the_champion(world):
    settings, result, gate, _ = world
    older = train_world(settings, as_of=date(2020, 1, 1))
    verdict = promote_world(older["model_version"], settings)
    assert verdict["promoted"] is False and verdict["champion_version"] == gate["champion_version"]
    expected = "older than champion" if older["beats_baseline"] else "does not beat the regional mean"
    assert expected in verdict["reason"]


def test_published_estimates_are_keyed_complete_and_idempotent(world):
    settings, result, _, published = world
    first, second = published
    assert first == second and first["model_version"] == result["model_version"]
    assert first["countries"] == result["countries"] and sum(first["by_type"].values()) == first["countries"]
    table = read_estimates(settings)
    assert len(table) == first["countries"] and table["area_id"].is_unique  # re-run replaced, not appended
    assert (table["period"] == date.fromisoformat(first["period"])).all()
    assert ((table["p_lo"] <= table["prevalence"]) & (table["prevalence"] <= table["p_hi"])).all()
    assert (table["mlflow_run_id"] == result["run_id"]).all() and (table["age_band"] == "5_17").all()
    untyped = table.loc[table["intervention_type"].isna()]
    reasons = untyped["reasons"].map(json.loads)
    assert len(untyped) == first["by_type"].get("unknown", 0)
    assert reasons.map(lambda r: "no government-response data" in r["type_reason"]).all()
    drivers = json.loads(table["reasons"].iloc[0])["drivers"]
    assert drivers and {"feature", "label", "contribution"} <= set(drivers[0])
    assert json.loads(table["data_vintage"].iloc[0])


def test_every_country_estimated_with_interval_and_type(world, tmp_path, monkeypatch):
    settings, result, _, _ = world
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
    assert set(frame["evidence"]) == {"survey", "covariates"}
    own = frame.loc[frame["evidence"] == "survey"]
    assert own["evidence_series"].notna().all() and own["observed"].notna().all()


def test_as_of_before_any_publication_fails_loudly(world):
    settings, _, _, _ = world
    with pytest.raises(MissingInputError, match="prevalence"):
        score_world(settings, date(1995, 1, 1))


def test_publish_on_postgresql_matches_sqlite(world, pg_url, tmp_path):
    settings, result, _, published = world
    pg = settings.model_copy(update={"warehouse_url": pg_url})
    ingest_world(pg)
    assert publish_world_estimates(pg) == published[0]
    on_pg, on_sqlite = read_estimates(pg), read_estimates(settings)
    cols = ["area_id", "period", "prevalence", "p_lo", "p_hi", "intervention_type", "evidence", "reasons"]
    pd.testing.assert_frame_equal(on_pg[cols], on_sqlite[cols], check_dtype=False)
