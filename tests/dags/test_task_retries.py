"""The DAGs' retry count is the `task_retries` setting (SDG87_TASK_RETRIES), 2 unless set."""

from __future__ import annotations

import importlib

import sdg87_assets


def test_the_dags_read_the_task_retries_setting(monkeypatch):
    assert sdg87_assets.DEFAULT_ARGS["retries"] == 2
    monkeypatch.setenv("SDG87_TASK_RETRIES", "0")
    try:
        assert importlib.reload(sdg87_assets).DEFAULT_ARGS["retries"] == 0
    finally:
        monkeypatch.delenv("SDG87_TASK_RETRIES")
        importlib.reload(sdg87_assets)
    assert sdg87_assets.DEFAULT_ARGS["retries"] == 2
