"""Shared fixtures. Every test gets its own ``SDG87_HOME`` under ``tmp_path``; nothing touches ``./var``."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "true")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DATA = PROJECT_ROOT / "data" / "sample"


class BuildOnce:
    """Folders built once per test run and shared by every worker (pytest-xdist): the first test that asks
    builds one under a file lock, every test then gets its own copy, so no test sees another's writes.

    For inputs that cost seconds and that several modules only read as a starting point (a slice of the
    shipped data ingested, its features built). The folder holds the warehouse and the data it came from.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def copy(self, name: str, build: Callable[[Path], None], dest: Path) -> Path:
        """Copy the folder ``name`` into ``dest`` (created), running ``build(folder)`` first if no worker has."""
        self.root.mkdir(parents=True, exist_ok=True)
        master, done = self.root / name, self.root / f"{name}.built"
        with open(self.root / f"{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if build raises
            if not done.exists():
                shutil.rmtree(master, ignore_errors=True)
                build(master)
                done.touch()
        shutil.copytree(master, dest, dirs_exist_ok=True)
        return dest


@pytest.fixture(scope="session")
def build_once(tmp_path_factory) -> BuildOnce:
    """The run's :class:`BuildOnce`, in the temporary folder every worker of this run shares."""
    base = tmp_path_factory.getbasetemp()  # a worker's is a folder of the run's own
    return BuildOnce((base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "built-once")


def point_home(monkeypatch: pytest.MonkeyPatch, home: Path) -> Path:
    """Set SDG87_HOME to ``home`` and clear the variables that would point the state elsewhere; the
    default SQLite warehouse and MLflow store then live in ``home``."""
    monkeypatch.setenv("SDG87_HOME", str(home))
    for var in (
        "SDG87_WAREHOUSE_URL",
        "SDG87_MLFLOW_TRACKING_URI",
        "SDG87_MLFLOW_ARTIFACT_ROOT",
        "SDG87_SMTP_HOST",
        "SDG87_SEED_EXAMPLES",
    ):
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture
def sdg87_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point SDG87_HOME at a fresh folder (:func:`point_home`)."""
    return point_home(monkeypatch, tmp_path / "var")


def migrated_settings():
    """Settings from the environment, their folders created and the warehouse migrated."""
    from pipelines.settings import get_settings
    from pipelines.warehouse.engine import migrate

    s = get_settings()
    s.ensure_dirs()
    migrate(s.warehouse_url)
    return s


@pytest.fixture
def settings(sdg87_env: Path):
    """Settings for a fresh home with a migrated SQLite warehouse."""
    return migrated_settings()


@pytest.fixture
def engine(settings):
    from pipelines.warehouse.engine import make_engine

    eng = make_engine(settings.warehouse_url)
    yield eng
    eng.dispose()


def _postgres_admin_url() -> str | None:
    return os.environ.get("SDG87_TEST_POSTGRES_URL")


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database for one test; its URL (``postgresql+psycopg://``).

    Needs ``SDG87_TEST_POSTGRES_URL`` (set by ``.ci/run``; ``source .ci/postgres.sh && start_postgres`` by hand).
    Skips when no server is configured or reachable, unless ``SDG87_REQUIRE_POSTGRES=1``: then it fails.
    """
    import uuid

    import psycopg

    required = os.environ.get("SDG87_REQUIRE_POSTGRES") == "1"
    admin = _postgres_admin_url()
    if not admin:
        if required:
            pytest.fail("SDG87_REQUIRE_POSTGRES=1 but SDG87_TEST_POSTGRES_URL is not set")
        pytest.skip("no PostgreSQL server configured (SDG87_TEST_POSTGRES_URL)")
    dsn = admin.replace("postgresql+psycopg://", "postgresql://")
    try:
        admin_conn = psycopg.connect(dsn, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if required:
            pytest.fail(f"SDG87_REQUIRE_POSTGRES=1 but PostgreSQL is unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    name = f"sdg87_t_{uuid.uuid4().hex[:12]}"
    with admin_conn:
        admin_conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def backend_settings(request, sdg87_env: Path, monkeypatch: pytest.MonkeyPatch):
    """Settings on a migrated warehouse, once on SQLite and once on PostgreSQL."""
    from pipelines.settings import get_settings
    from pipelines.warehouse.engine import migrate

    if request.param == "postgresql":
        monkeypatch.setenv("SDG87_WAREHOUSE_URL", request.getfixturevalue("pg_url"))
    s = get_settings()
    s.ensure_dirs()
    migrate(s.warehouse_url)
    return s


def pytest_collection_modifyitems(config, items):
    """Run the modules that hold a ``slow`` test first, each module's tests kept together and in order.

    With several workers (``pytest -n``) the long chains then start at once instead of ending the run
    alone on one worker; module-scoped fixtures still set up once per module and worker."""
    slow_modules = {item.module.__name__ for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.module.__name__ not in slow_modules)  # stable: order kept within
