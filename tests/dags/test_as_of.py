"""The as-of date comes from the DAG run (data interval, else logical date) and reaches `pipelines/`."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from tests.dags.conftest import DAGS

INTERVAL_END = datetime(2021, 5, 1, 3, 0, tzinfo=UTC)


def test_the_data_interval_end_wins_then_the_logical_date_then_run_after():
    from sdg87_as_of import as_of_date

    logical = datetime(2020, 12, 31, 23, 0, tzinfo=UTC)
    assert as_of_date({"data_interval_end": INTERVAL_END, "logical_date": logical}) == "2021-05-01"
    assert as_of_date({"data_interval_end": None, "logical_date": logical}) == "2020-12-31"
    run = SimpleNamespace(run_after=datetime(2022, 2, 2, 8, 0, tzinfo=UTC))
    assert as_of_date({"data_interval_end": None, "logical_date": None, "dag_run": run}) == "2022-02-02"
    with pytest.raises(ValueError, match="no as-of date"):
        as_of_date({"data_interval_end": None, "logical_date": None})


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


@pytest.fixture
def para_warehouse(tmp_path, settings, monkeypatch):
    """The Pará slice of the shipped data with areas and the employer list ingested."""
    from pipelines.ingest import run_source, slice_sample
    from tests.conftest import SAMPLE_DATA

    data = tmp_path / "data"
    slice_sample(SAMPLE_DATA, data, ["PA"])
    monkeypatch.setenv("SDG87_DATA_DIR", str(data))
    settings = settings.model_copy(update={"data_dir": data})
    for name in ("brazil_areas", "brazil_employer_list"):
        run_source(name, settings=settings)
    return settings


def test_build_features_task_builds_what_was_known_at_the_interval_end(dagbag, para_warehouse):
    from pipelines.brazil.features import build_brazil_features

    task = dagbag.dags["build_features"].get_task("build_brazil")
    bounded = task.python_callable(data_interval_end=INTERVAL_END, logical_date=None)
    assert bounded["periods"][-1] == "2022-01-01"  # the year after the as-of year, nothing later
    assert all(p <= "2022-01-01" for p in bounded["periods"])

    unbounded = build_brazil_features(para_warehouse)
    assert unbounded["periods"][-1] > bounded["periods"][-1]
    today = datetime.now(UTC)
    assert task.python_callable(data_interval_end=today, logical_date=today) == unbounded


@pytest.mark.parametrize(
    ("dag_id", "task_id"),
    [
        ("build_features", "build_brazil"),
        ("train_models", "train_brazil"),
        ("score_areas", "score_brazil"),
        ("send_alerts", "send"),
        ("world_estimates", "train_world"),
        ("world_estimates", "publish_estimates"),
    ],
)
def test_every_as_of_task_reads_the_run_context(dagbag, dag_id, task_id):
    """The callable takes the Airflow context (``**context``), from which it reads the as-of date."""
    import inspect

    callable_ = dagbag.dags[dag_id].get_task(task_id).python_callable
    kinds = [p.kind for p in inspect.signature(callable_).parameters.values()]
    assert inspect.Parameter.VAR_KEYWORD in kinds
    assert "as_of(context)" in inspect.getsource(callable_)
