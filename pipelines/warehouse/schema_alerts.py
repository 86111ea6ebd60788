"""Alert-stage tables beyond the first schema: the per-recipient alert state (hysteresis and cooldown).

Declared on the same ``Base`` as :mod:`pipelines.warehouse.schema`; created by migration ``0006``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pipelines.warehouse.schema import Base


class AlertState(Base):
    """Where one area stands for one subscription: one row per (``subscription_id``, ``area_id``).

    ``state`` is ``open`` from the alert that entered the area until its ``p`` falls below the leave cut
    (``SDG87_ALERT_LEAVE_P``), then ``closed``. ``p`` and ``risk_class`` are those of the last alert sent;
    ``alerted_on`` is the date that alert was decided (the cooldown counts from it); ``cycle`` names the
    scoring cycle that last changed the row (``period/horizon/model_version``).
    """

    __tablename__ = "alert_state"
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("subscription.subscription_id", ondelete="CASCADE"), primary_key=True
    )
    area_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    state: Mapped[str] = mapped_column(String(8))
    risk_class: Mapped[str] = mapped_column(String(8))
    p: Mapped[float] = mapped_column(Float)
    alerted_on: Mapped[date] = mapped_column(Date)
    cycle: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("state IN ('open', 'closed')", name="state_known"),
        CheckConstraint("risk_class IN ('low', 'medium', 'high')", name="risk_class_known"),
        CheckConstraint("p >= 0 AND p <= 1", name="p_probability"),
    )
