"""Every area a message carries is an alert; ``delivery_alert.in_body`` says whether the body listed it
(the top N) or only the attached CSV. Links recorded before this were all listed (true).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("delivery_alert") as batch:
        batch.add_column(sa.Column("in_body", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("delivery_alert") as batch:
        batch.drop_column("in_body")
