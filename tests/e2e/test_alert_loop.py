"""The alert loop on a two-state slice of the real data, without Airflow: ingest, features, train, score,
then subscribe (double opt-in through the web app), alert, record feedback, report — and re-run.

Uses the real SQLite warehouse, MLflow store, SMTP session and FastAPI app; no synthetic data. The
example subscriptions (pre-confirmed, fictitious example.org addresses) watch `high`; the slice has few or
no `high` municipalities, so they hear an all-clear, while a new `medium` subscription gets an alert.
When the training gate refuses the slice's model, the test forces the alias and checks that the alert
stage withholds the cycle instead (its skill gate), which is the other real outcome.
"""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.support import run_date

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def _messages(settings) -> list:
    parse = BytesParser(policy=policy.default).parsebytes
    return [parse(p.read_bytes()) for p in sorted(settings.outbox_dir.glob("*.eml"))]


@pytest.mark.slow
def test_subscribe_alert_feedback_report(tmp_path, monkeypatch, capsys):
    from pipelines.alerting.run import AssessmentWithheldError, seed_example_subscriptions, send_alerts
    from pipelines.brazil.features import build_brazil_features
    from pipelines.brazil.score import score_brazil
    from pipelines.brazil.train import promote_brazil, train_brazil
    from pipelines.cli import main
    from pipelines.ingest import SOURCE_FAMILIES, run_source, slice_sample
    from pipelines.settings import get_settings
    from pipelines.tracking import use_tracking
    from pipelines.web.app import create_app
    from tests.support import submit

    data = tmp_path / "data"
    slice_sample(SAMPLE, data, ["PA", "MT"])
    monkeypatch.setenv("SDG87_HOME", str(tmp_path / "var"))
    monkeypatch.setenv("SDG87_DATA_DIR", str(data))
    for var in (
        "SDG87_WAREHOUSE_URL",
        "SDG87_MLFLOW_TRACKING_URI",
        "SDG87_MLFLOW_ARTIFACT_ROOT",
        "SDG87_SMTP_HOST",
    ):
        monkeypatch.delenv(var, raising=False)
    settings = get_settings()
    settings.ensure_dirs()
    for name in SOURCE_FAMILIES["brazil"]:
        assert run_source(name, settings=settings)["status"] == "published"
    build_brazil_features(settings)
    trained = train_brazil(settings)
    promoted = promote_brazil(trained["model_version"], settings)
    if not promoted["promoted"]:
        # The trainer's gate refused this slice's model. An operator can still force the alias; the alert
        # stage must then refuse to send scores without skill: notices and an operator e-mail, no alerts.
        use_tracking(settings).set_registered_model_alias(
            trained["model_name"], "champion", trained["model_version"]
        )
    score_brazil(settings)
    seed_example_subscriptions(settings)
    if not promoted["promoted"]:
        with pytest.raises(AssessmentWithheldError, match="does not beat"):
            send_alerts(settings, today=run_date())
        subjects = sorted(m["Subject"] for m in _messages(settings))
        assert (
            len(subjects) == 4 and sum(s.startswith("Sem avaliação neste ciclo") for s in subjects) == 3
        )  # examples: pt
        return

    add = ["subscriptions", "add", "--email", "pa-medium@example.org", "--name", "Pará office, medium (example)",
           "--role", "state labour office", "--scope", "BRA.PA", "--min-class", "medium"]  # fmt: skip
    assert main(add) == 0
    (confirmation,) = _messages(settings)
    link = confirmation.get_body(("plain",)).get_content().split("/confirm?token=")[1].split()[0]
    client = TestClient(create_app(settings))
    assert submit(client, client.get("/confirm", params={"token": link}).text).status_code == 200

    first = send_alerts(settings, today=run_date())
    assert first["sent"] >= 1 and first["all_clear"] + first["sent"] == 4
    alert = next(m for m in _messages(settings) if m["To"].addresses[0].addr_spec == "pa-medium@example.org"
                 and "Medium or high" in m["Subject"])  # fmt: skip
    text = alert.get_body(("plain",)).get_content()
    feedback = text.split("Record what was done: ")[1].split()[0].split("token=")[1]
    page = client.get("/feedback", params={"token": feedback}).text
    assert submit(client, page, outcome="inspection").status_code == 200

    n_files = len(_messages(settings))
    again = send_alerts(settings, today=run_date())
    assert again["sent"] == 0 and again["all_clear"] == 0 and len(_messages(settings)) == n_files
    capsys.readouterr()
    assert main(["report"]) == 0
    out = capsys.readouterr().out
    assert "with feedback: 1" in out and (settings.reports_dir / "alerts-report.html").exists()
