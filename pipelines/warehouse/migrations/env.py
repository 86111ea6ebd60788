"""Alembic environment: runs migrations on the URL set by ``pipelines.warehouse.engine.alembic_config``."""

from alembic import context

from pipelines.warehouse.engine import make_engine
from pipelines.warehouse.schema import Base
from pipelines.warehouse.schema_alerts import AlertState  # noqa: F401 - registers its table
from pipelines.warehouse.schema_links import FeedbackRevision  # noqa: F401 - registers its tables
from pipelines.warehouse.schema_world import CountryEstimate  # noqa: F401 - registers its table

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
