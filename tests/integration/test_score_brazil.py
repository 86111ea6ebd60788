"""The whole model chain on a real warehouse and MLflow store: features → train → promote → score
(slice of the sample: Pará, Maranhão, Tocantins, loaded by the real ingest)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from features.catalog import FEATURE_LABELS
from pipelines.build_features import build_brazil_features
from pipelines.score import NoChampionError, score_brazil
from pipelines.settings import Settings
from pipelines.train import promote_brazil, train_brazil
from pipelines.warehouse.engine import make_engine
from pipelines.warehouse.schema import Score
from tests.integration.test_features_brazil import ingest_slice


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    settings = ingest_slice(tmp_path_factory.mktemp("score"))
    build_brazil_features(settings)
    trained = train_brazil(settings)
    with pytest.raises(NoChampionError, match="champion"):
        score_brazil(settings)  # a challenger alone is never scored
    promoted = promote_brazil(trained["model_version"], settings)
    assert promoted["promoted"], promoted["reason"]
    return settings, trained, score_brazil(settings)


def _scores(settings: Settings) -> list[Score]:
    engine = make_engine(settings.warehouse_url)
    with engine.connect() as conn:
        rows = conn.execute(select(Score).order_by(Score.p.desc())).all()
    engine.dispose()
    return rows


def test_every_municipality_scored_for_the_next_year(chain):
    settings, trained, result = chain
    assert result["model_version"] == trained["model_version"] and result["period"] == "2024-01-01"
    assert result["areas"] == 500 and sum(result["by_class"].values()) == 500
    rows = _scores(settings)
    assert len(rows) == 500 and len({r.area_id for r in rows}) == 500
    for row in rows:
        assert row.period == date(2024, 1, 1) and row.horizon == 1 and row.as_of == date(2023, 1, 1)
        assert 0.0 <= row.p <= 1.0 and row.mlflow_run_id == trained["run_id"]
        expected = (
            "high" if row.p >= settings.risk_high else "medium" if row.p >= settings.risk_medium else "low"
        )
        assert row.risk_class == expected
    assert {k: sum(r.risk_class == k for r in rows) for k in ("low", "medium", "high")} == result["by_class"]


def test_drivers_and_provenance(chain):
    settings, _, _ = chain
    top = _scores(settings)[0]
    drivers = json.loads(top.drivers)
    assert 1 <= len(drivers) <= 3
    assert all(d["feature"] in FEATURE_LABELS and d["label"] == FEATURE_LABELS[d["feature"]] for d in drivers)
    mags = [abs(d["contribution"]) for d in drivers]
    assert mags == sorted(mags, reverse=True)
    vintage = json.loads(top.data_vintage)
    # census and population only as published before 2024; labels as of the latest list edition
    assert vintage == {
        "br_atlas_pnud": "2013-07-29",
        "br_ibge_population": "2021-08-31",
        "br_mte_employer_list": vintage["br_mte_employer_list"],
    }
    assert vintage["br_mte_employer_list"] >= "2023-03-09"


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


def test_cut_points_come_from_settings(chain):
    settings, _, _ = chain
    strict = settings.model_copy(update={"risk_medium": 0.5, "risk_high": 0.9})
    result = score_brazil(strict)
    assert result["by_class"]["high"] == sum(r.p >= 0.9 for r in _scores(settings))
    score_brazil(settings)  # restore the default classes for the other tests


def test_no_champion_fails_loudly(settings):
    with pytest.raises(NoChampionError, match="train and promote"):
        score_brazil(settings)
