"""World estimates: child-labour prevalence and intervention type per country, year and model version.

Revision ID: 0005
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "country_estimate",
        sa.Column("area_id", sa.String(length=32), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("model_name", sa.String(length=80), nullable=False),
        sa.Column("model_version", sa.String(length=16), nullable=False),
        sa.Column("age_band", sa.String(length=8), nullable=False),
        sa.Column("prevalence", sa.Float(), nullable=False),
        sa.Column("p_lo", sa.Float(), nullable=False),
        sa.Column("p_hi", sa.Float(), nullable=False),
        sa.Column("observed", sa.Float(), nullable=True),
        sa.Column("observed_band", sa.String(length=8), nullable=True),
        sa.Column("commitment", sa.Float(), nullable=True),
        sa.Column("intervention_type", sa.String(length=12), nullable=True),
        sa.Column("covariates_known", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("mlflow_run_id", sa.String(length=64), nullable=True),
        sa.Column("data_vintage", sa.Text(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "prevalence >= 0 AND prevalence <= 100", name=op.f("ck_country_estimate_prevalence_percent")
        ),
        sa.CheckConstraint("p_lo >= 0 AND p_lo <= prevalence", name=op.f("ck_country_estimate_p_lo_range")),
        sa.CheckConstraint("p_hi <= 100 AND p_hi >= prevalence", name=op.f("ck_country_estimate_p_hi_range")),
        sa.CheckConstraint(
            "observed IS NULL OR (observed >= 0 AND observed <= 100)",
            name=op.f("ck_country_estimate_observed_percent"),
        ),
        sa.CheckConstraint(
            "commitment IS NULL OR (commitment >= 0 AND commitment <= 1)",
            name=op.f("ck_country_estimate_commitment_range"),
        ),
        sa.CheckConstraint(
            "intervention_type IS NULL OR intervention_type IN ('catalyst', 'momentum', 'inception')",
            name=op.f("ck_country_estimate_intervention_type_known"),
        ),
        sa.CheckConstraint(
            "covariates_known >= 1", name=op.f("ck_country_estimate_covariates_known_positive")
        ),
        sa.PrimaryKeyConstraint(
            "area_id", "period", "model_name", "model_version", name=op.f("pk_country_estimate")
        ),
    )


def downgrade() -> None:
    op.drop_table("country_estimate")
