"""``notebooks/brazil_backtest.ipynb`` runs top to bottom against a small trained state (slice of the
sample: Pará, Maranhão, Tocantins, real ingest, real MLflow store) and reproduces the run's gate numbers."""

from __future__ import annotations

import nbformat
import pytest
from mlflow.tracking import MlflowClient
from nbclient import NotebookClient

from pipelines.brazil.train import promote_brazil, train_brazil
from tests.conftest import PROJECT_ROOT
from tests.integration.test_features_brazil import featured_slice

NOTEBOOK = PROJECT_ROOT / "notebooks" / "brazil_backtest.ipynb"


@pytest.mark.slow  # trains on a slice (~40 s) before running the notebook
def test_notebook_reproduces_the_champion_backtest(tmp_path, monkeypatch, build_once):
    settings = featured_slice(tmp_path, build_once)
    trained = train_brazil(settings)
    if not promote_brazil(trained["model_version"], settings)["promoted"]:
        client = MlflowClient(settings.mlflow_tracking_uri, registry_uri=settings.mlflow_tracking_uri)
        client.set_registered_model_alias(settings.brazil_model_name, "champion", trained["model_version"])
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
    assert f"champion v{trained['model_version']}" in text and trained["run_id"] in text
