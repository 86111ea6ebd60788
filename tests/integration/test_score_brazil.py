"""The whole model chain on a real warehouse and MLflow store: features → train → promote → score
(slice of the sample: Pará, Maranhão, Tocantins, loaded by the real ingest)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from mlflow.tracking import MlflowClient
from sqlalchemy import func, select

from features.catalog import FEATURE_LABELS
from models.drivers import SIZE_FEATURES
from models.risk_fit import fit_risk_model
from models.windows import QUICK_BACKTEST
from pipelines.brazil.score import NoChampionError, score_brazil
from pipelines.brazil.train import promote_brazil, train_brazil
from pipelines.settings import Settings
from pipelines.warehouse.engine import make_engine
from pipelines.warehouse.schema import Score
from tests.integration.test_features_brazil import featured_slice


@pytest.fixture(scope="module")
def chain(tmp_path_factory, build_once):
    settings = featured_slice(tmp_path_factory.mktemp("score"), build_once)
    trained = train_brazil(settings, QUICK_BACKTEST)  # the wiring, not the skill: 3 of 12 windows
    with pytest.raises(NoChampionError, match="champion"):
        score_brazil(settings)  # a challenger alone is never scored
    if not promote_brazil(trained["model_version"], settings)["promoted"]:
        # the gate is tested elsewhere; here the registered model must score whatever its family
        client = MlflowClient(settings.mlflow_tracking_uri, registry_uri=settings.mlflow_tracking_uri)
        client.set_registered_model_alias(settings.brazil_model_name, "champion", trained["model_version"])
    return settings, trained, score_brazil(settings)


def _scores(settings: Settings) -> list[Score]:
    engine = make_engine(settings.warehouse_url)
    with engine.connect() as conn:
        rows = conn.execute(select(Score).order_by(Score.p.desc())).all()
    engine.dispose()
    return rows


@pytest.mark.slow  # shares a fixture that trains on a slice (~40 s)
def test_every_municipality_scored_for_the_next_year(chain):
    settings, trained, result = chain
    assert result["model_version"] == trained["model_version"] and result["period"] == "2024-01-01"
    assert result["areas"] == 500 and sum(result["by_class"].values()) == 500
    rows = _scores(settings)
    assert len(rows) == 500 and len({r.area_id for r in rows}) == 500
    for row in rows:
        assert row.period == date(2024, 1, 1) and row.horizon == 1 and row.as_of == date(2023, 1, 1)
        assert 0.0 <= row.p <= 1.0 and row.mlflow_run_id == trained["run_id"]
        assert 0.0 <= row.p_lo <= row.p <= row.p_hi <= 1.0
        expected = (
            "high" if row.p >= settings.risk_high else "medium" if row.p >= settings.risk_medium else "low"
        )
        assert row.risk_class == expected
    assert {k: sum(r.risk_class == k for r in rows) for k in ("low", "medium", "high")} == result["by_class"]


@pytest.mark.slow  # shares a fixture that trains on a slice (~40 s)
def test_drivers_and_provenance(chain):
    settings, _, _ = chain
    top = _scores(settings)[0]
    drivers = json.loads(top.drivers)
    assert 1 <= len(drivers) <= 3
    assert all(d["feature"] in FEATURE_LABELS and d["label"] == FEATURE_LABELS[d["feature"]] for d in drivers)
    # size effects never lead: drivers that are not size come first, each group by decreasing magnitude
    sized = [d["feature"] in SIZE_FEATURES for d in drivers]
    assert sized == sorted(sized)
    for group in (False, True):
        mags = [abs(d["contribution"]) for d, s in zip(drivers, sized, strict=True) if s == group]
        assert mags == sorted(mags, reverse=True)
    vintage = json.loads(top.data_vintage)
    # census and population only as published before 2024; labels as of the latest list edition;
    # the inspection record as known from early 2019
    assert {k: v for k, v in vintage.items() if k != "br_smartlab_inspections"} == {
        "br_atlas_pnud": "2013-07-29",
        "br_ibge_population": "2021-08-31",
        "br_mte_employer_list": vintage["br_mte_employer_list"],
    }
    assert vintage.get("br_smartlab_inspections", "2019-03-01") == "2019-03-01"
    assert vintage["br_mte_employer_list"] >= "2023-03-09"


@pytest.mark.slow  # shares a fixture that trains on a slice (~40 s)
def test_rescoring_replaces_the_partition(chain):
    settings, _, result = chain
    before = {(r.area_id, r.p, r.risk_class, r.drivers) for r in _scores(settings)}
    assert score_brazil(settings) == result
    after = {(r.area_id, r.p, r.risk_class, r.drivers) for r in _scores(settings)}
    assert before == after
    engine = make_engine(settings.warehouse_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Score)).scalar() == 500
    engine.dispose()


@pytest.mark.slow  # shares a fixture that trains on a slice (~40 s)
def test_cut_points_come_from_settings(chain):
    settings, _, _ = chain
    strict = settings.model_copy(update={"risk_medium": 0.5, "risk_high": 0.9})
    result = score_brazil(strict)
    assert result["by_class"]["high"] == sum(r.p >= 0.9 for r in _scores(settings))
    score_brazil(settings)  # restore the default classes for the other tests


def test_no_champion_fails_loudly(settings):
    with pytest.raises(NoChampionError, match="train and promote"):
        score_brazil(settings)


@pytest.mark.slow  # shares a fixture that trains on a slice (~40 s)
@pytest.mark.parametrize("family", ["lightgbm", "logistic"])
def test_either_family_scores_through_the_same_path(chain, family):
    """A logistic champion scores like a LightGBM one: p, interval and drivers summing to its log-odds."""
    import numpy as np

    from models.calibration import logit
    from models.windows import BRAZIL_BACKTEST
    from pipelines.brazil.inputs import latest_edition_inputs
    from pipelines.brazil.score import score_rows

    settings, _, _ = chain
    engine = make_engine(settings.warehouse_url)
    with engine.connect() as conn:
        inputs = latest_edition_inputs(conn)
    engine.dispose()
    model = fit_risk_model(inputs, family, 1, BRAZIL_BACKTEST, seed=1, n_bootstrap=3)
    features = inputs.panel.loc[inputs.panel["year"] == 2024].reset_index(drop=True)
    rows = score_rows(features, model, settings, {"period": date(2024, 1, 1)})
    assert len(rows) == 500 and all(r["p_lo"] <= r["p"] <= r["p_hi"] for r in rows)
    contrib = model.contributions(features)
    assert contrib.sum(axis=1).to_numpy() == pytest.approx(logit(model.predict_proba(features)), abs=1e-6)
    top = json.loads(max(rows, key=lambda r: r["p"])["drivers"])
    assert top and all(d["label"] == FEATURE_LABELS[d["feature"]] for d in top)
    assert np.isfinite([d["contribution"] for d in top]).all()
