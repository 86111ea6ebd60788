"""Helpers shared by the end-to-end tests: a fresh SDG87_HOME on a slice of the real data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
STATE_VARS = (
    "SDG87_WAREHOUSE_URL",
    "SDG87_MLFLOW_TRACKING_URI",
    "SDG87_MLFLOW_ARTIFACT_ROOT",
    "SDG87_SMTP_HOST",
)


def use_sliced_home(
    monkeypatch: pytest.MonkeyPatch,
    root: Path,
    states=("PA", "MT"),
    lower_cuts: bool = False,
    backtest: str = "full",
):
    """Point SDG87_HOME at ``root/var`` and SDG87_DATA_DIR at a slice of the shipped data for ``states``.

    ``backtest`` is ``SDG87_BACKTEST``. ``quick`` (3 of the 12 windows) suits a test of the wiring that
    sets its own champion; a chain that alerts keeps ``full``, because the champion the quick backtest
    picks on two states does not pass the alert skill gate (nothing would be sent).

    ``lower_cuts`` lowers the risk cut-points (configuration, see ``pipelines/settings.py``): a model trained
    on two states is less sure of itself than the national one, and the slice must have ``high`` areas for
    an alert to be sent. Returns fresh settings with the folders created.
    """
    from pipelines.ingest import slice_sample
    from pipelines.settings import get_settings

    data = root / "data"
    slice_sample(SAMPLE, data, list(states))
    monkeypatch.setenv("SDG87_HOME", str(root / "var"))
    monkeypatch.setenv("SDG87_DATA_DIR", str(data))
    monkeypatch.setenv("SDG87_SEED_EXAMPLES", "true")  # the slice is the demo: its example subscriptions
    monkeypatch.setenv("SDG87_BACKTEST", backtest)
    for var in STATE_VARS:
        monkeypatch.delenv(var, raising=False)
    if lower_cuts:
        monkeypatch.setenv("SDG87_RISK_HIGH", "0.10")
        monkeypatch.setenv("SDG87_RISK_MEDIUM", "0.03")
    settings = get_settings()
    settings.ensure_dirs()
    return settings


def chromium_or_skip() -> str:
    """The path of Debian's headless Chromium; skip the test without it, fail if SDG87_REQUIRE_CHROMIUM=1."""
    import os
    import shutil

    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("SDG87_REQUIRE_CHROMIUM") == "1":
            pytest.fail("SDG87_REQUIRE_CHROMIUM=1 but no chromium on PATH (apt-get install -y chromium)")
        pytest.skip("headless Chromium not installed (apt-get install -y chromium)")
    return found


def form_of(page_html: str) -> tuple[str, dict[str, str]]:
    """The ``action`` and hidden fields (token, CSRF token) of the first form of a served page."""
    import html as html_lib
    import re

    action = re.search(r'<form method="post" action="([^"]*)"', page_html)
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page_html)
    assert action, "the page has no form"
    return html_lib.unescape(action.group(1)), {k: html_lib.unescape(v) for k, v in hidden}


def submit(client, page_html: str, **fields: str):
    """POST the page's first form as a browser would: its hidden fields plus ``fields``."""
    action, hidden = form_of(page_html)
    return client.post(action, data={**hidden, **fields})


def run_date() -> date:
    """Today in UTC: the run date a test passes to the alert and feedback entry points, as the DAG run or
    the command would."""
    return datetime.now(UTC).date()
