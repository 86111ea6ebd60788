"""``country_estimate`` says what each value rests on: the country's own survey or the covariates alone.

Revision ID: 0007
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None

EVIDENCE = "evidence IN ('survey', 'covariates')"


def upgrade() -> None:
    with op.batch_alter_table("country_estimate") as batch:
        batch.add_column(
            sa.Column("evidence", sa.String(length=12), nullable=False, server_default="covariates")
        )
        batch.add_column(sa.Column("evidence_series", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("evidence_year", sa.Integer(), nullable=True))
        batch.create_check_constraint("evidence_known", EVIDENCE)


def downgrade() -> None:
    with op.batch_alter_table("country_estimate") as batch:
        batch.drop_constraint(op.f("ck_country_estimate_evidence_known"), type_="check")
        batch.drop_column("evidence_year")
        batch.drop_column("evidence_series")
        batch.drop_column("evidence")
