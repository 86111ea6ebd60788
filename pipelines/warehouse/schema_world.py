"""World-study tables: the child-labour prevalence estimate and intervention type per country and year.

Declared on the same ``Base`` as :mod:`pipelines.warehouse.schema`; created by migration ``0005``, evidence columns by ``0007``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pipelines.warehouse.schema import Base

INTERVENTION_TYPES = ("catalyst", "momentum", "inception")


class CountryEstimate(Base):
    """One country's estimate for one reference year by one registered model version.

    Key (``area_id`` ISO3, ``period`` = 1 January of the reference year, ``model_name``, ``model_version``).
    ``prevalence``, ``p_lo``, ``p_hi``: percent of children in economic activity in ``age_band`` (the SDG
    reference band ``5_17``), with the 90 % conformal interval. ``observed``: the latest published survey
    value known at ``as_of`` (any band, ``observed_band``), NULL without a survey. ``commitment`` in [0, 1].
    ``covariates_known``: how many of the model's covariates were known (the others are imputed medians;
    a country with none gets no row). ``intervention_type`` is NULL when no government-response data exist; ``reasons`` (JSON, never NULL)
    then says so: ``{"type_reason": str, "drivers": [{"feature", "label", "contribution"}]}``, drivers
    in logits. ``data_vintage`` is JSON ``{source: latest vintage used}``. ``evidence``: ``survey`` when
    the value rests on the country's own surveys (the latest is ``evidence_series``, e.g. ``wdi:7_14``,
    of ``evidence_year``), ``covariates`` when on the covariate prior alone (migration ``0007``).
    """

    __tablename__ = "country_estimate"
    area_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    model_name: Mapped[str] = mapped_column(String(80), primary_key=True)
    model_version: Mapped[str] = mapped_column(String(16), primary_key=True)
    age_band: Mapped[str] = mapped_column(String(8))
    prevalence: Mapped[float] = mapped_column(Float)
    p_lo: Mapped[float] = mapped_column(Float)
    p_hi: Mapped[float] = mapped_column(Float)
    observed: Mapped[float | None] = mapped_column(Float)
    observed_band: Mapped[str | None] = mapped_column(String(8))
    commitment: Mapped[float | None] = mapped_column(Float)
    intervention_type: Mapped[str | None] = mapped_column(String(12))
    covariates_known: Mapped[int] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(String(12), server_default="covariates")
    evidence_series: Mapped[str | None] = mapped_column(String(16))
    evidence_year: Mapped[int | None] = mapped_column(Integer)
    reasons: Mapped[str] = mapped_column(Text)
    mlflow_run_id: Mapped[str | None] = mapped_column(String(64))
    data_vintage: Mapped[str | None] = mapped_column(Text)
    as_of: Mapped[date] = mapped_column(Date)
    scored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("prevalence >= 0 AND prevalence <= 100", name="prevalence_percent"),
        CheckConstraint("p_lo >= 0 AND p_lo <= prevalence", name="p_lo_range"),
        CheckConstraint("p_hi <= 100 AND p_hi >= prevalence", name="p_hi_range"),
        CheckConstraint("observed IS NULL OR (observed >= 0 AND observed <= 100)", name="observed_percent"),
        CheckConstraint(
            "commitment IS NULL OR (commitment >= 0 AND commitment <= 1)", name="commitment_range"
        ),
        CheckConstraint(
            "intervention_type IS NULL OR intervention_type IN ('catalyst', 'momentum', 'inception')",
            name="intervention_type_known",
        ),
        CheckConstraint("covariates_known >= 1", name="covariates_known_positive"),
        CheckConstraint("evidence IN ('survey', 'covariates')", name="evidence_known"),
    )
