"""The warehouse schema: typed SQLAlchemy 2 models, one per table.

Conventions
- ``period`` is the first day of the period (a ``date``); ``freq`` says its length (``year`` or ``month``).
- ``area_id``: ``SDG.<code>`` for the UN SDG regions (``SDG.LAC``, level ``region``, the parents of
  countries), ISO3 for countries (``BRA``), ``BRA.<UF>`` for Brazilian states (``BRA.PA``),
  ``BRA.<7-digit IBGE code>`` for municipalities (``BRA.1500107``).
- ``vintage``: the date a value became known (a list edition, a report year); backtests use only what
  was known at their as-of date.
- Geometries are stored as WKB in EPSG:4326 (portable between SQLite and PostgreSQL without PostGIS).
- Every check constraint is named, so a violation names the rule that failed.
- Nothing here describes a person: scores, alerts and feedback are about areas. A subscription holds the
  work address of an officer who asked for alerts, and nothing else about them.

The schema is created and upgraded only by Alembic migrations (``pipelines/warehouse/migrations``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Area(Base):
    """A unit on the map. One row per ``area_id`` (latest boundary version)."""

    __tablename__ = "area"
    area_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    level: Mapped[str] = mapped_column(
        String(8)
    )  # "region", "0" country, "1" state, "2" municipality, "grid"
    parent_id: Mapped[str | None] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(200))
    iso3: Mapped[str | None] = mapped_column(String(3), index=True)
    study: Mapped[str] = mapped_column(String(16))  # "brazil" or "world"
    boundary_version: Mapped[str | None] = mapped_column(String(64))
    centroid_lon: Mapped[float | None] = mapped_column(Float)
    centroid_lat: Mapped[float | None] = mapped_column(Float)
    area_km2: Mapped[float | None] = mapped_column(Float)
    geometry_wkb: Mapped[bytes | None] = mapped_column(LargeBinary)
    geometry_simplified_wkb: Mapped[bytes | None] = mapped_column(LargeBinary)
    ingest_run_id: Mapped[str | None] = mapped_column(String(36))

    __table_args__ = (
        CheckConstraint("level IN ('region', '0', '1', '2', 'grid')", name="level_known"),
        CheckConstraint("centroid_lat IS NULL OR (centroid_lat BETWEEN -90 AND 90)", name="lat_range"),
        CheckConstraint("centroid_lon IS NULL OR (centroid_lon BETWEEN -180 AND 180)", name="lon_range"),
        CheckConstraint("area_km2 IS NULL OR area_km2 >= 0", name="area_nonneg"),
    )


class Indicator(Base):
    """A named series. ``unit`` e.g. ``percent``, ``count``, ``usd_2015``, ``index_0_1``."""

    __tablename__ = "indicator"
    indicator_code: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(80))
    description: Mapped[str | None] = mapped_column(Text)


class Observation(Base):
    """One value of one indicator for one area and period, as known at ``vintage``."""

    __tablename__ = "observation"
    area_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    indicator_code: Mapped[str] = mapped_column(
        String(80), ForeignKey("indicator.indicator_code"), primary_key=True
    )
    source: Mapped[str] = mapped_column(String(80), primary_key=True)
    vintage: Mapped[date] = mapped_column(Date, primary_key=True)
    freq: Mapped[str] = mapped_column(String(8), default="year")
    value: Mapped[float] = mapped_column(Float)
    ingest_run_id: Mapped[str | None] = mapped_column(String(36), index=True)

    __table_args__ = (
        CheckConstraint("freq IN ('year', 'month')", name="freq_known"),
        CheckConstraint("value = value", name="value_not_nan"),
    )


class IngestRun(Base):
    """Lineage: one row per attempted load of one dataset from one file."""

    __tablename__ = "ingest_run"
    run_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    source: Mapped[str] = mapped_column(String(80), index=True)
    dataset: Mapped[str] = mapped_column(String(120))
    file_path: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    rows_in: Mapped[int] = mapped_column(Integer)
    rows_published: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # published | rejected | unchanged
    validation_success: Mapped[bool | None] = mapped_column(Boolean)
    validation_summary: Mapped[str | None] = mapped_column(Text)  # JSON
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("status IN ('published', 'rejected', 'unchanged')", name="status_known"),
        CheckConstraint("rows_in >= 0 AND rows_published >= 0", name="rows_nonneg"),
        CheckConstraint("finished_at IS NULL OR finished_at >= started_at", name="end_after_start"),
    )


class FeatureValue(Base):
    """Model inputs, long format: one row per (feature set, area, period, feature).

    ``period`` is the target period; every value is computed from data known before it starts.
    """

    __tablename__ = "feature_value"
    feature_set: Mapped[str] = mapped_column(String(40), primary_key=True)
    area_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[float | None] = mapped_column(Float)


class Score(Base):
    """A model's risk estimate for one area, target period and horizon (years ahead of ``as_of``)."""

    __tablename__ = "score"
    area_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    horizon: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_name: Mapped[str] = mapped_column(String(80), primary_key=True)
    model_version: Mapped[str] = mapped_column(String(16), primary_key=True)
    p: Mapped[float] = mapped_column(Float)
    p_lo: Mapped[float | None] = mapped_column(Float)
    p_hi: Mapped[float | None] = mapped_column(Float)
    risk_class: Mapped[str] = mapped_column(String(8))
    drivers: Mapped[str | None] = mapped_column(Text)  # JSON list of {feature, label, contribution}
    mlflow_run_id: Mapped[str | None] = mapped_column(String(64))
    as_of: Mapped[date] = mapped_column(Date)
    data_vintage: Mapped[str | None] = mapped_column(Text)  # JSON {source: latest vintage used}
    scored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("p >= 0 AND p <= 1", name="p_probability"),
        CheckConstraint("p_lo IS NULL OR (p_lo >= 0 AND p_lo <= p)", name="p_lo_range"),
        CheckConstraint("p_hi IS NULL OR (p_hi <= 1 AND p_hi >= p)", name="p_hi_range"),
        CheckConstraint("risk_class IN ('low', 'medium', 'high')", name="risk_class_known"),
        CheckConstraint("horizon >= 1", name="horizon_positive"),
    )


class Subscription(Base):
    """Who receives alerts for which areas. ``scope_area_id`` is an area or a parent area."""

    __tablename__ = "subscription"
    subscription_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recipient_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(60))
    scope_area_id: Mapped[str] = mapped_column(String(32))
    min_class: Mapped[str] = mapped_column(String(8), default="high")
    cadence: Mapped[str] = mapped_column(String(16), default="immediate")
    language: Mapped[str] = mapped_column(String(5), default="en")
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    unsubscribe_token: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Set by ``sdg87 subscriptions erase``: address and name replaced, counts kept (migration 0007_web).
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("email", "scope_area_id", name="uq_subscription_email_scope"),
        CheckConstraint("min_class IN ('low', 'medium', 'high')", name="min_class_known"),
        CheckConstraint("cadence IN ('immediate', 'weekly', 'monthly')", name="cadence_known"),
    )


class Alert(Base):
    """A decision to tell a subscriber about an area, with its provenance."""

    __tablename__ = "alert"
    alert_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscription.subscription_id"), index=True)
    area_id: Mapped[str] = mapped_column(String(32))
    period: Mapped[date] = mapped_column(Date)
    horizon: Mapped[int] = mapped_column(Integer)
    risk_class: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(24))
    p: Mapped[float] = mapped_column(Float)
    model_name: Mapped[str] = mapped_column(String(80))
    model_version: Mapped[str] = mapped_column(String(16))
    mlflow_run_id: Mapped[str | None] = mapped_column(String(64))
    data_vintage: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint(
            "subscription_id",
            "area_id",
            "period",
            "horizon",
            "model_name",
            "model_version",
            name="uq_alert_decision",
        ),
        CheckConstraint(
            "reason IN ('entered_high', 'rose', 'reminder', 'still_high_digest')", name="reason_known"
        ),
        CheckConstraint("p >= 0 AND p <= 1", name="p_probability"),
    )


class Delivery(Base):
    """One message to one recipient. ``delivery_key`` is unique: a message recorded ``sent`` is never sent
    again; one left ``pending`` by a dead run is re-sent with the same Message-ID (at-least-once)."""

    __tablename__ = "delivery"
    delivery_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("subscription.subscription_id"))
    # alert | digest | all_clear | no_assessment | confirmation | operator | self_check
    kind: Mapped[str] = mapped_column(String(24))
    channel: Mapped[str] = mapped_column(String(16), default="email")
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    message_id: Mapped[str | None] = mapped_column(String(200))
    n_areas: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16))  # pending | sent | failed | rejected (permanent)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Who is sending a pending/failed row and until when (pipelines.alerting.leases; migration 0007_web).
    lease_owner: Mapped[str | None] = mapped_column(String(80))
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sent', 'failed', 'rejected')", name="status_known"),
        CheckConstraint("n_areas >= 0", name="n_areas_nonneg"),
    )


class DeliveryAlert(Base):
    """Which alerts a delivery carried; ``in_body``: listed in the message body (true) or only in its
    attached CSV (false: beyond the top N)."""

    __tablename__ = "delivery_alert"
    delivery_key: Mapped[str] = mapped_column(ForeignKey("delivery.delivery_key"), primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.alert_id"), primary_key=True)
    in_body: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class Feedback(Base):
    """What happened after an alert, as recorded by the officer who received it."""

    __tablename__ = "feedback"
    feedback_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.alert_id"), index=True)
    outcome: Mapped[str] = mapped_column(String(24))
    action_date: Mapped[date | None] = mapped_column(Date)
    service: Mapped[str | None] = mapped_column(String(200))
    confirmed_cases: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str | None] = mapped_column(String(8))  # web | csv

    __table_args__ = (
        UniqueConstraint("alert_id", "outcome", name="uq_feedback_alert_outcome"),
        CheckConstraint(
            "outcome IN ('referred', 'inspection', 'confirmed', 'false_alarm', 'no_action')",
            name="outcome_known",
        ),
        CheckConstraint("confirmed_cases IS NULL OR confirmed_cases >= 0", name="cases_nonneg"),
    )
