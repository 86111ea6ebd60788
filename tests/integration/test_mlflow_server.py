"""Training, promotion and scoring against a real MLflow tracking server (``mlflow server`` over HTTP),
with its backend store on SQLite and on PostgreSQL — the production shape, not the embedded default.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pipelines.ingest import SOURCE_FAMILIES, run_source
from tests.support import use_sliced_home


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "mlflow server exited during start-up"
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(1)
    pytest.fail(f"mlflow server at {url} not healthy after {timeout} s")


@pytest.fixture(params=["sqlite", "postgresql"])
def mlflow_server(request, tmp_path):
    store = (
        f"sqlite:///{tmp_path / 'mlflow-server.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("pg_url")
    )
    port = _free_port()
    artifacts = tmp_path / "server-artifacts"
    cmd = [
        str(Path(sys.executable).with_name("mlflow")), "server",
        "--backend-store-uri", store,
        "--default-artifact-root", artifacts.as_uri(),
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
    ]  # fmt: skip
    log = (tmp_path / "mlflow-server.log").open("w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url, artifacts
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.mark.slow
def test_train_promote_and_score_through_a_tracking_server(mlflow_server, tmp_path, monkeypatch):
    from pipelines.brazil.features import build_brazil_features
    from pipelines.brazil.score import score_brazil
    from pipelines.brazil.train import promote_brazil, train_brazil
    from pipelines.settings import get_settings
    from pipelines.warehouse.engine import migrate

    url, artifacts = mlflow_server
    use_sliced_home(
        monkeypatch, tmp_path, backtest="quick"
    )  # clears SDG87_MLFLOW_*: point them at the server after it
    monkeypatch.setenv("SDG87_MLFLOW_TRACKING_URI", url)
    monkeypatch.setenv("SDG87_MLFLOW_ARTIFACT_ROOT", artifacts.as_uri())
    settings = get_settings()
    migrate(settings.warehouse_url)
    for source in SOURCE_FAMILIES["brazil"]:
        run_source(source, settings=settings)
    build_brazil_features(settings)

    trained = train_brazil(settings)
    decision = promote_brazil(trained["model_version"], settings)
    scored = score_brazil(settings)

    import mlflow

    client = mlflow.MlflowClient(tracking_uri=url, registry_uri=url)
    champion = client.get_model_version_by_alias(settings.brazil_model_name, "champion")
    assert decision["champion_version"] == champion.version
    assert client.get_run(trained["run_id"]).info.status == "FINISHED"
    assert any(artifacts.rglob("MLmodel")), "the model's files were not written to the server's artifact root"
    assert scored["areas"] > 200
    assert not (tmp_path / "var" / "mlflow.db").exists(), "the embedded store was used instead of the server"
