"""Tables of the web links and the feedback history: used single-use links, and every feedback revision.

Declared on the same ``Base`` as :mod:`pipelines.warehouse.schema`; created by migration ``0007_web``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pipelines.warehouse.schema import Base


class LinkUse(Base):
    """A single-use link that was used: ``token_digest`` is the SHA-256 hex of the token (the token itself
    is never stored), ``purpose`` the link's purpose (``confirm``), ``subject`` its subscription id."""

    __tablename__ = "link_use"
    token_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(32))
    used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FeedbackRevision(Base):
    """One outcome of one feedback submission, kept for good. The ``feedback`` table holds the latest
    submission per alert (latest wins); this one the whole history. ``submitted_by`` names the role and
    subscription whose link was used (``"state labour office (subscription 3)"``), or ``csv import``;
    never an IP address or a person's name. ``source`` is ``web``, ``csv`` or ``legacy`` (rows recorded
    before revisions were kept, copied by the migration)."""

    __tablename__ = "feedback_revision"
    revision_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.alert_id"), index=True)
    outcome: Mapped[str] = mapped_column(String(24))
    action_date: Mapped[date | None] = mapped_column(Date)
    service: Mapped[str | None] = mapped_column(String(200))
    confirmed_cases: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(8))
    submitted_by: Mapped[str] = mapped_column(String(120))

    __table_args__ = (
        CheckConstraint("confirmed_cases IS NULL OR confirmed_cases >= 0", name="cases_nonneg"),
    )
