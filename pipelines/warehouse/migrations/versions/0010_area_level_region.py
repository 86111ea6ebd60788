"""Areas may be regions (``level = 'region'``): the UN SDG regions, parents of countries.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

from pipelines.warehouse.migrations.check_swap import swap_check

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

LEVELS_OLD = "level IN ('0', '1', '2', 'grid')"
LEVELS_NEW = "level IN ('region', '0', '1', '2', 'grid')"


def upgrade() -> None:
    swap_check("area", "level_known", LEVELS_NEW)


def downgrade() -> None:
    # Region rows (and the countries' links to them) cannot stay under the old rule.
    op.execute(
        "UPDATE area SET parent_id = NULL WHERE parent_id IN (SELECT area_id FROM area WHERE level = 'region')"
    )
    op.execute("DELETE FROM area WHERE level = 'region'")
    swap_check("area", "level_known", LEVELS_OLD)
