"""Used single-use links, feedback revisions (existing feedback copied in), delivery leases, erasure mark.

Revision ID: 0007_web
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_web"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_use",
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=32), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_digest", name=op.f("pk_link_use")),
    )
    op.create_table(
        "feedback_revision",
        sa.Column("revision_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.Column("action_date", sa.Date(), nullable=True),
        sa.Column("service", sa.String(length=200), nullable=True),
        sa.Column("confirmed_cases", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("submitted_by", sa.String(length=120), nullable=False),
        sa.CheckConstraint(
            "confirmed_cases IS NULL OR confirmed_cases >= 0", name=op.f("ck_feedback_revision_cases_nonneg")
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alert.alert_id"], name=op.f("fk_feedback_revision_alert_id_alert")
        ),
        sa.PrimaryKeyConstraint("revision_id", name=op.f("pk_feedback_revision")),
    )
    op.create_index(op.f("ix_feedback_revision_alert_id"), "feedback_revision", ["alert_id"])
    # Feedback recorded before revisions existed becomes each alert's first revision (nothing is lost).
    op.execute(
        "INSERT INTO feedback_revision (alert_id, outcome, action_date, service, confirmed_cases, note, "
        "submitted_at, source, submitted_by) SELECT alert_id, outcome, action_date, service, confirmed_cases, "
        "note, recorded_at, 'legacy', 'recorded before revisions were kept' FROM feedback ORDER BY feedback_id"
    )
    with op.batch_alter_table("delivery") as batch:
        batch.add_column(sa.Column("lease_owner", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("subscription") as batch:
        batch.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscription") as batch:
        batch.drop_column("erased_at")
    with op.batch_alter_table("delivery") as batch:
        batch.drop_column("lease_expires_at")
        batch.drop_column("lease_owner")
    op.drop_index(op.f("ix_feedback_revision_alert_id"), table_name="feedback_revision")
    op.drop_table("feedback_revision")
    op.drop_table("link_use")
