"""Merge the migration branches into one head: world estimates' evidence (0007) and the link pages' and
delivery leases' tables (0007_web). Schema changes nothing; later migrations build on this one.

Revision ID: 0008
Revises: 0007, 0007_web
"""

revision = "0008"
down_revision = ("0007", "0007_web")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
