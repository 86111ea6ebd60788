"""Airflow must be configured before it is imported: a private AIRFLOW_HOME and this project's dags/ folder."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

DAGS = Path(__file__).resolve().parents[2] / "dags"
os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="sdg87-airflow-")
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ.pop("SDG87_TASK_RETRIES", None)
# Airflow's processes put the DAGs folder on sys.path; a bare DagBag in a test does not.
if str(DAGS) not in sys.path:
    sys.path.insert(0, str(DAGS))
