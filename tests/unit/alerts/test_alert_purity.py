"""The alerts package stays pure: no I/O, clock, warehouse, tracking or orchestrator imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ALERTS = Path(__file__).resolve().parents[3] / "alerts"
FORBIDDEN_MODULES = {"airflow", "mlflow", "sqlalchemy", "pipelines", "smtplib", "socket", "requests", "os"}
FORBIDDEN_CALLS = {"open", "now", "today", "utcnow", "time", "read_csv", "to_csv", "random", "seed"}


def _modules() -> list[Path]:
    return sorted(ALERTS.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.name)
def test_module_imports_and_calls_are_pure(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots = {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            roots = {(node.module or "").split(".")[0]}
        else:
            roots = set()
        assert not roots & FORBIDDEN_MODULES, f"{path.name}:{node.lineno} imports {roots & FORBIDDEN_MODULES}"
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            assert name not in FORBIDDEN_CALLS, f"{path.name}:{node.lineno} calls {name}()"


def test_the_check_finds_modules():
    assert {p.name for p in _modules()} >= {"select.py", "render.py"}
