"""Training, registration, the promotion gate and the backtest notebook against a real MLflow SQLite store
and a real warehouse (slice of the sample: Pará, Maranhão, Tocantins, loaded by the real ingest). The
module trains once; its tests run in order on that state."""

from __future__ import annotations

import math

import mlflow
import nbformat
import pandas as pd
import pytest
from mlflow.tracking import MlflowClient
from nbclient import NotebookClient

from pipelines.brazil.features import MissingInputError
from pipelines.brazil.train import promote_brazil, train_brazil
from pipelines.settings import Settings
from tests.conftest import PROJECT_ROOT
from tests.integration.test_features_brazil import featured_slice, ingest_slice

NOTEBOOK = PROJECT_ROOT / "notebooks" / "brazil_backtest.ipynb"


@pytest.fixture(scope="module")
def trained(tmp_path_factory, build_once):
    settings = featured_slice(tmp_path_factory.mktemp("train"), build_once)
    return settings, train_brazil(settings)


def _client(settings) -> MlflowClient:
    return MlflowClient(tracking_uri=settings.mlflow_tracking_uri, registry_uri=settings.mlflow_tracking_uri)


@pytest.mark.slow  # shares a fixture that trains on a slice (~40 s)
def test_one_run_with_metrics_tags_artifacts_and_a_challenger(trained):
    settings, result = trained
    assert result["model_name"] == settings.brazil_model_name and result["model_version"] == "1"
    others = {
        "selected",
        "rule_blend",
        "effort_logistic",
        "lightgbm",
        "logistic",
        "rule",
        "persistence",
        "historical_frequency",
        "population_rate",
        "neighbour_rate",
    }
    # the champion is the rule or a model whose AUPR interval against the rule lies above zero
    assert result["model_family"] in others
    assert set(result["baseline_metrics"]) == others - {result["model_family"]}
    assert set(result["gate"]) == others
    for metrics in (result["metrics"], *result["baseline_metrics"].values()):
        assert {"aupr", "auroc", "brier", "bss", "ece", "p_at_50", "r_at_250"} <= set(metrics)
        assert 0.0 <= metrics["brier"] <= 1.0 and not math.isnan(metrics["aupr"])
    client = _client(settings)
    experiment = client.get_experiment_by_name(settings.brazil_experiment)
    assert experiment.artifact_location == f"{settings.mlflow_artifact_root}/{settings.brazil_experiment}"
    runs = client.search_runs([experiment.experiment_id])
    assert [r.info.run_id for r in runs] == [result["run_id"]]
    run = runs[0]
    assert run.data.params["heldout_year"] == "2023" and run.data.params["horizons"] == "1,2"
    train_years = run.data.params["train_years"]
    assert run.info.run_name == f"brazil-employer-list-event-h1-train{train_years}-{result['model_family']}"
    headline = run.data.metrics
    means = pd.read_csv(client.download_artifacts(result["run_id"], "backtest_means.csv"))
    mine = means.query(
        "label_basis == 'latest_edition' and horizon == 1 and model == @result['model_family']"
    )
    assert headline["h1_aupr"] == pytest.approx(float(mine["aupr"].iloc[0]))
    assert set(means["model"]) == set(result["gate"])  # every candidate's means, none of them as metrics
    assert not [k for k in headline if k.startswith(("bt_", "asof_", "cmp_", "backtest_"))]
    assert len(headline) < 60
    assert {"h1_aupr", "h1_auroc", "h1_brier", "h2_aupr", "h2_auroc"} <= set(headline)
    version = _client(settings).get_model_version(settings.brazil_model_name, result["model_version"])
    assert len(version.tags["fingerprint"]) == 16 and version.tags["study"] == "brazil"
    tags = run.data.tags
    assert tags["heldout_year"] == "2023" and len(tags["feature_set_hash"]) == 16 and tags["git_sha"]
    assert tags["model_family"] == result["model_family"] and tags["label_vintage"] >= "2023-03-09"
    # the gate metric is the registered model's; it was chosen against the rule by its bootstrap interval
    gate = result["gate"]
    assert run.data.metrics["aupr"] == pytest.approx(gate[result["model_family"]])
    assert run.data.metrics["gate_pass"] == 1.0
    if result["model_family"] != "rule":
        assert run.data.metrics["vs_rule_h1_aupr_lo"] > 0
    assert "count_h1_national_coverage" in run.data.metrics and "calib_within_15pct_share" in run.data.metrics
    comparison = {a.path for a in client.list_artifacts(result["run_id"], "comparison")}
    assert {
        "comparison/vs_rule.csv",
        "comparison/calibration_by_year.csv",
        "comparison/count_coverage.csv",
    } <= comparison
    artifacts = {a.path for a in client.list_artifacts(result["run_id"])}
    assert {
        "pr_curve.png",
        "reliability_diagram.png",
        "shap_summary.png",
        "risk_map.png",
        "model_card.md",
        "feature_labels.json",
        "backtest.csv",
        "backtest.md",
        "driver_summary.csv",
    } <= artifacts
    # the registered family's per-window metrics for both horizons; one step per evaluated target year (slice labels start 2018)
    for h in (1, 2):
        steps = client.get_metric_history(result["run_id"], f"window_h{h}_aupr")
        assert steps and max(m.step for m in steps) == 2023
        assert client.get_metric_history(result["run_id"], f"calib_h{h}_ratio")
    for name in ("pr_curve.png", "risk_map.png", "shap_summary.png", "reliability_diagram.png"):
        with open(client.download_artifacts(result["run_id"], name), "rb") as fh:
            assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
    card = open(client.download_artifacts(result["run_id"], "model_card.md")).read()
    assert "never people" in card and "inspection bias" in card and result["choice"] in card
    assert str(client.get_model_version_by_alias(settings.brazil_model_name, "challenger").version) == "1"


@pytest.mark.slow  # shares a fixture that trains on a slice (~40 s)
def test_backtest_table_covers_every_window_and_model(trained):
    import pandas as pd

    settings, result = trained
    table = pd.read_csv(_client(settings).download_artifacts(result["run_id"], "backtest.csv"))
    assert set(table["model"]) == set(result["gate"])
    assert set(table["horizon"]) == {1, 2}
    assert (table["origin"] < table["target_year"]).all()
    # every window has every model of the line-up
    assert (
        table.groupby(["label_basis", "as_of", "horizon", "target_year"]).size() == len(result["gate"])
    ).all()  # every model of the line-up
    # "as of" an edition: the 2023 editions are the only ones that allow one (origin 2022, horizon 1)
    published = table.loc[table["label_basis"] == "as_published"]
    assert set(published["as_of"]) <= {"2023-03-09", "2023-05-17"}
    assert set(published["target_year"]) <= {2023}
    assert table.loc[table["target_year"] == 2022, "under_covered"].all()


@pytest.mark.slow  # shares a fixture that trains on a slice (~40 s)
def test_registered_model_loads_and_predicts_probabilities(trained):
    settings, result = trained
    mlflow.set_tracking_uri(settings.mlflow_tracking_uri)
    model = mlflow.pyfunc.load_model(f"models:/{settings.brazil_model_name}/{result['model_version']}")
    example = model.input_example
    p = model.predict(example)
    assert len(p) == len(example) and ((p >= 0) & (p <= 1)).all()


@pytest.mark.slow  # shares a fixture that trains on a slice (~40 s)
def test_gate_promotes_then_keeps_champion_on_a_tie(trained):
    settings, result = trained
    first = promote_brazil(result["model_version"], settings)
    gate = result["gate"]
    # chosen against the rule (the rule itself when nothing beats it): the first champion is promoted
    assert first["promoted"] and first["champion_version"] == "1", first
    client = _client(settings)
    name = settings.brazil_model_name
    v1 = client.get_model_version(name, "1")
    assert v1.tags["gate_decision"] == "champion" and v1.tags["gate_reason"] == first["reason"]
    assert (
        v1.description.startswith("Registered model: ")
        and f"Gate: champion — {first['reason']}." in v1.description
    )
    assert client.get_registered_model(name).description.startswith("Brazil: calibrated P(")
    # Re-running training on the same data is deterministic: the same model, so no new version.
    again = train_brazil(settings)
    assert again["model_version"] == "1" and again["gate"] == pytest.approx(gate)
    assert [str(v.version) for v in client.search_model_versions(f"name = '{name}'")] == ["1"]
    runs = client.search_runs([client.get_experiment_by_name(settings.brazil_experiment).experiment_id])
    assert len(runs) == 2 and {r.data.tags["registered_version"] for r in runs} == {"1"}
    assert "not registered again" in runs[0].data.tags["registered_as"]
    second = promote_brazil(again["model_version"], settings)
    assert second["promoted"] and second["champion_version"] == "1"
    assert str(client.get_model_version_by_alias(name, "champion").version) == "1"
    assert str(client.get_model_version_by_alias(name, "challenger").version) == "1"


@pytest.mark.slow  # shares a fixture that trains on a slice (~40 s); runs the notebook in a kernel
def test_notebook_reproduces_the_champion_backtest(trained, monkeypatch):
    """``notebooks/brazil_backtest.ipynb`` runs top to bottom on this module's trained state (after the
    gate test above, its version is the champion) and reproduces the run's gate numbers."""
    settings, result = trained
    # The gate test above made it the champion; run alone, this test does (the same alias, set again).
    name = settings.brazil_model_name
    _client(settings).set_registered_model_alias(name, "champion", result["model_version"])
    monkeypatch.setenv("SDG87_HOME", str(settings.home))
    monkeypatch.setenv("SDG87_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PYTHONPATH", str(PROJECT_ROOT))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(PROJECT_ROOT)}}
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert f"champion v{result['model_version']}" in text and result["run_id"] in text


def test_training_without_features_fails_loudly(tmp_path, build_once):
    settings = ingest_slice(tmp_path, build_once)
    with pytest.raises(MissingInputError, match="build_brazil_features"):
        train_brazil(settings)


def _register_candidate(settings, aupr: float, best_baseline: float, heldout_year: str) -> str:
    """Log a run with the given held-out metrics and a tiny model (SYNTHETIC data) and register it."""
    import lightgbm as lgb
    import numpy as np
    import pandas as pd

    from pipelines.tracking import ensure_experiment, use_tracking

    client = use_tracking(settings)
    experiment_id = ensure_experiment(client, settings.brazil_experiment, settings.mlflow_artifact_root)
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"x": rng.normal(size=200)})
    booster = lgb.train(
        {"objective": "binary", "verbose": -1, "seed": 0}, lgb.Dataset(X, (X["x"] > 0).astype(int)), 5
    )
    with mlflow.start_run(experiment_id=experiment_id) as run:
        mlflow.log_metrics({"aupr": aupr, "best_baseline_aupr": best_baseline})
        mlflow.set_tag("heldout_year", heldout_year)
        info = mlflow.lightgbm.log_model(
            booster,
            name="model",
            pip_requirements=["lightgbm"],
            registered_model_name=settings.brazil_model_name,
        )
    assert run.info.run_id
    return str(info.registered_model_version)


def test_gate_rejects_a_model_that_does_not_beat_the_baselines(sdg87_env, tmp_path):
    settings = Settings(home=tmp_path / "gate")
    weak = _register_candidate(settings, aupr=0.04, best_baseline=0.06, heldout_year="2023")
    result = promote_brazil(weak, settings)
    assert result["promoted"] is False and result["champion_version"] is None
    assert "strongest baseline" in result["reason"]
    # a better model evaluated on a later held-out year replaces a champion from an earlier year
    old = _register_candidate(settings, aupr=0.30, best_baseline=0.06, heldout_year="2022")
    assert promote_brazil(old, settings)["promoted"]
    newer = _register_candidate(settings, aupr=0.20, best_baseline=0.06, heldout_year="2023")
    replaced = promote_brazil(newer, settings)
    assert replaced["promoted"] and replaced["champion_version"] == newer
    assert f"replaces champion v{old}" in replaced["reason"]
    # on the same held-out year, a worse candidate does not displace the champion
    worse = _register_candidate(settings, aupr=0.10, best_baseline=0.06, heldout_year="2023")
    blocked = promote_brazil(worse, settings)
    assert blocked["promoted"] is False and blocked["champion_version"] == newer
