"""Alert state (hysteresis, cooldown), permanent delivery rejections, reminder alerts, keyed feedback.

Revision ID: 0006
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from pipelines.warehouse.migrations.check_swap import swap_check

revision = "0006"
down_revision = "0001"
branch_labels = None
depends_on = None

REASONS_OLD = "reason IN ('entered_high', 'rose', 'still_high_digest')"
REASONS_NEW = "reason IN ('entered_high', 'rose', 'reminder', 'still_high_digest')"
STATUS_OLD = "status IN ('pending', 'sent', 'failed')"
STATUS_NEW = "status IN ('pending', 'sent', 'failed', 'rejected')"


def upgrade() -> None:
    op.create_table(
        "alert_state",
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("risk_class", sa.String(length=8), nullable=False),
        sa.Column("p", sa.Float(), nullable=False),
        sa.Column("alerted_on", sa.Date(), nullable=False),
        sa.Column("cycle", sa.String(length=120), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("state IN ('open', 'closed')", name=op.f("ck_alert_state_state_known")),
        sa.CheckConstraint(
            "risk_class IN ('low', 'medium', 'high')", name=op.f("ck_alert_state_risk_class_known")
        ),
        sa.CheckConstraint("p >= 0 AND p <= 1", name=op.f("ck_alert_state_p_probability")),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscription.subscription_id"],
            name=op.f("fk_alert_state_subscription_id_subscription"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("subscription_id", "area_id", name=op.f("pk_alert_state")),
    )
    swap_check("alert", "reason_known", REASONS_NEW)
    swap_check("delivery", "status_known", STATUS_NEW)
    with op.batch_alter_table("feedback") as batch:
        batch.add_column(sa.Column("source", sa.String(length=8), nullable=True))
        batch.create_unique_constraint("uq_feedback_alert_outcome", ["alert_id", "outcome"])


def downgrade() -> None:
    # The table rebuilds come first: on SQLite the foreign-key pragma only changes outside a transaction,
    # and copying rows (any batch operation) opens one.
    swap_check("delivery", "status_known", STATUS_OLD)
    swap_check("alert", "reason_known", REASONS_OLD)
    with op.batch_alter_table("feedback") as batch:
        batch.drop_constraint("uq_feedback_alert_outcome", type_="unique")
        batch.drop_column("source")
    op.drop_table("alert_state")
