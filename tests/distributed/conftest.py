"""Tests marked ``distributed`` start a whole multi-process stack (minutes of CPU): they run only when asked
for with ``-m distributed`` (``make test-distributed``), not in ``make test``."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "distributed" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="starts the distributed stack: run with `make test-distributed`")
    for item in items:
        if item.get_closest_marker("distributed"):
            item.add_marker(skip)
