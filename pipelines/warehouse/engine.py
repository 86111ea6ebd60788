"""Engines and migrations for the warehouse.

``make_engine(url)`` returns a SQLAlchemy 2 engine; SQLite gets foreign keys on and a WAL journal so a
reader never sees a half-written load. ``warehouse_engine(settings)`` is the one way a step opens the
warehouse of its settings: ``with warehouse_engine(settings) as engine:``, disposed on the way out. ``migrate(url)`` upgrades the schema to the newest Alembic revision;
it is safe to call before every step.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event

from pipelines.settings import Settings

MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(url: str) -> Engine:
    """Create an engine for ``url``; the parent folder of a SQLite file is created."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # pragma: no cover - exercised by every SQLite test
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


@contextmanager
def warehouse_engine(settings: Settings) -> Iterator[Engine]:
    """An engine on ``settings.warehouse_url`` (``SDG87_WAREHOUSE_URL``), disposed when the block ends,
    whether it returns or raises."""
    engine = make_engine(settings.warehouse_url)
    try:
        yield engine
    finally:
        engine.dispose()


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str, revision: str = "heads") -> None:
    """Upgrade the warehouse at ``url`` to ``revision`` (default: every head, so independent migration branches all apply)."""
    command.upgrade(alembic_config(url), revision)
