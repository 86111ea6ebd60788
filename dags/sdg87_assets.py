"""Shared Airflow wiring for the sdg87 DAGs: assets that chain the stages, and default task arguments.

Assets are how a stage says "I published": the features DAG runs when the Brazil warehouse asset updates,
training when features update, scoring when a champion may have changed, alerts when scores update.
A stage that fails publishes no asset event, so nothing downstream runs on stale data.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from airflow.sdk import Asset

START = datetime(2026, 1, 1, tzinfo=UTC)

WAREHOUSE_BRAZIL = Asset("sdg87://warehouse/brazil")
WAREHOUSE_WORLD = Asset("sdg87://warehouse/world")
FEATURES_BRAZIL = Asset("sdg87://features/brazil_v1")
MODEL_BRAZIL = Asset("sdg87://models/brazil-forced-labour")
SCORES_BRAZIL = Asset("sdg87://scores/brazil")
MODEL_WORLD = Asset("sdg87://models/world-child-labour")
ESTIMATES_WORLD = Asset("sdg87://estimates/world")

DEFAULT_ARGS = {
    "owner": "sdg87",
    # SDG87_TASK_RETRIES lets `sdg87 run` fail fast; scheduled runs keep the default of 2.
    "retries": int(os.environ.get("SDG87_TASK_RETRIES", "2")),
    # SDG87_TASK_RETRY_DELAY_S shortens the first retry delay (tests of the scheduled chain); default 2 min.
    "retry_delay": timedelta(seconds=int(os.environ.get("SDG87_TASK_RETRY_DELAY_S", "120"))),
    "retry_exponential_backoff": True,
}
