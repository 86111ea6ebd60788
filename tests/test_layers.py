"""The layering rules of docs/ARCHITECTURE.md, enforced: Airflow only in dags/, pure packages free of I/O, DAG files thin."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PURE = ["features", "models", "alerts"]
HEAVY = {"pandas", "geopandas", "sklearn", "lightgbm", "mlflow", "great_expectations", "numpy", "sqlalchemy"}
IO_MODULES = {
    "airflow",
    "sqlalchemy",
    "mlflow",
    "great_expectations",
    "smtplib",
    "socket",
    "requests",
    "psycopg",
    "pipelines",
}


def _imports(path: Path, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    nodes = tree.body if top_level_only else ast.walk(tree)
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _python_files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))]


@pytest.mark.parametrize("path", _python_files("pipelines", *PURE), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_airflow_outside_dags(path: Path):
    assert "airflow" not in _imports(path), f"{path.relative_to(ROOT)} imports airflow; only dags/ may"


@pytest.mark.parametrize("path", _python_files(*PURE), ids=lambda p: str(p.relative_to(ROOT)))
def test_pure_packages_import_no_io_layer(path: Path):
    bad = _imports(path) & IO_MODULES
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}: features/models/alerts must stay pure"


@pytest.mark.parametrize("path", _python_files("dags"), ids=lambda p: str(p.relative_to(ROOT)))
def test_dag_files_import_no_heavy_library_at_top_level(path: Path):
    bad = _imports(path, top_level_only=True) & HEAVY
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)} at top level: import inside the task"


def test_importing_the_pure_packages_loads_no_io_library():
    """Import purity, checked in a fresh interpreter: no I/O layer ends up in sys.modules.

    (``socket`` is left out here: the standard library and numpy load it themselves; the AST test above
    still forbids the pure packages from importing it.)
    """
    code = (
        "import sys, importlib, pkgutil\n"
        f"for pkg in {PURE!r}:\n"
        "    mod = importlib.import_module(pkg)\n"
        "    for info in pkgutil.walk_packages(mod.__path__, pkg + '.'):\n"
        "        importlib.import_module(info.name)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {sorted(IO_MODULES - {'socket'})!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"importing the pure packages loaded: {out.stdout.strip()}"


def test_the_forecasts_load_neither_mlflow_nor_matplotlib():
    """``sdg87 forecast``'s pure path (inputs as published, fit, predict) in a fresh interpreter: the
    tracking server and the figure code are imported only where the champion is looked up or drawn."""
    code = (
        "import sys\n"
        "import pipelines.brazil.forecast, pipelines.world.forecast\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('mlflow', 'matplotlib'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"importing the forecast loaded: {out.stdout.strip()}"


def test_the_web_app_loads_no_model_or_validation_library():
    """``sdg87 serve`` starts in a fresh interpreter for every deployment and restart: reading a run's gate
    metrics needs the line-up's names (``models.lineup``), not scikit-learn, LightGBM, MLflow or GX."""
    heavy = ("sklearn", "lightgbm", "mlflow", "great_expectations", "matplotlib", "scipy")
    code = (
        "import sys\n"
        "import pipelines.web.app\n"
        f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules if m.split('.')[0] in {heavy!r}}})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"importing the web app loaded: {out.stdout.strip()}"


def test_import_linter_contracts_hold():
    exe = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
