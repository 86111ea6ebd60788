"""Shared Airflow wiring for the sdg87 DAGs: assets that chain the stages, and default task arguments.

Assets are how a stage says "I published": the features DAG runs when the Brazil warehouse asset updates,
training when features update, scoring when a champion may have changed, alerts when scores update.
A stage that fails publishes no asset event, so nothing downstream runs on stale data.
"""

from __future__ import annotations

import os
import tomllib
from datetime import UTC, datetime, timedelta

from airflow.sdk import Asset

from pipelines.settings import PROJECT_ROOT, get_settings

START = datetime(2026, 1, 1, tzinfo=UTC)

WAREHOUSE_BRAZIL = Asset("sdg87://warehouse/brazil")
WAREHOUSE_WORLD = Asset("sdg87://warehouse/world")
FEATURES_BRAZIL = Asset("sdg87://features/brazil_v1")
MODEL_BRAZIL = Asset("sdg87://models/brazil-forced-labour")
SCORES_BRAZIL = Asset("sdg87://scores/brazil")
MODEL_WORLD = Asset("sdg87://models/world-child-labour")
ESTIMATES_WORLD = Asset("sdg87://estimates/world")


def source_family(family: str) -> list[str]:
    """The sources of ``family`` in load order, from the one source list (pipelines/ingest/sources.toml),
    read without importing the ingest code at parse time."""
    path = PROJECT_ROOT / "pipelines" / "ingest" / "sources.toml"
    return list(tomllib.loads(path.read_text(encoding="utf-8"))[family])


DEFAULT_ARGS = {
    "owner": "sdg87",
    # The `task_retries` setting (SDG87_TASK_RETRIES): `sdg87 run` sets 0 to fail fast; scheduled runs keep 2.
    "retries": get_settings().task_retries,
    # SDG87_TASK_RETRY_DELAY_S shortens the first retry delay (tests of the scheduled chain); default 2 min.
    "retry_delay": timedelta(seconds=int(os.environ.get("SDG87_TASK_RETRY_DELAY_S", "120"))),
    "retry_exponential_backoff": True,
}
