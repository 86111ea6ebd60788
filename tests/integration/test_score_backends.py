"""Features → train → score through the same SQL on SQLite and on PostgreSQL (real servers, no mocks).

Data: the state of Roraima (15 municipalities, listed employers 2018-2023), sliced from the real sample.
The gate is not what is tested here: if this tiny slice's model does not pass it, the test sets the
``champion`` alias itself so the scoring I/O still runs on both backends.
"""

from __future__ import annotations

import json

import pytest
from mlflow.tracking import MlflowClient
from sqlalchemy import func, select

from features.catalog import FEATURE_LABELS
from models.windows import QUICK_BACKTEST
from pipelines.brazil.features import build_brazil_features
from pipelines.brazil.score import score_brazil
from pipelines.brazil.train import promote_brazil, train_brazil
from pipelines.ingest import SOURCE_FAMILIES, run_source, slice_sample
from pipelines.warehouse.engine import make_engine
from pipelines.warehouse.schema import FeatureValue, Score
from tests.conftest import SAMPLE_DATA


@pytest.mark.slow
@pytest.mark.postgres
def test_chain_on_both_backends(backend_settings, tmp_path):
    settings = backend_settings
    data = tmp_path / "data"
    slice_sample(SAMPLE_DATA, data, ["RR"])
    for name in SOURCE_FAMILIES["brazil"]:
        run_source(name, path=data, settings=settings)

    built = build_brazil_features(settings)
    assert (
        built["areas"] == 15 and built["periods"][0] == "2019-01-01" and built["periods"][-1] == "2024-01-01"
    )
    assert build_brazil_features(settings) == built  # replace_partition: same rows again
    trained = train_brazil(settings, QUICK_BACKTEST)  # the wiring, not the skill: 3 of 12 windows
    if not promote_brazil(trained["model_version"], settings)["promoted"]:
        client = MlflowClient(settings.mlflow_tracking_uri, registry_uri=settings.mlflow_tracking_uri)
        client.set_registered_model_alias(settings.brazil_model_name, "champion", trained["model_version"])
    scored = score_brazil(settings)
    assert scored["areas"] == 15 and scored["period"] == "2024-01-01"

    engine = make_engine(settings.warehouse_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(FeatureValue)).scalar() == built["rows"]
        rows = conn.execute(select(Score)).all()
    engine.dispose()
    assert len(rows) == 15 and all(0 <= r.p <= 1 for r in rows)
    assert all(d["feature"] in FEATURE_LABELS for r in rows for d in json.loads(r.drivers))
    assert json.loads(rows[0].data_vintage)["br_ibge_population"] == "2021-08-31"
