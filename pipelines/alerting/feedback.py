"""What happened after an alert, recorded by the officer who received it (web form or CSV import).

One row per (``alert_id``, ``outcome``): recording the same outcome again for an alert updates it, so a
corrected form or a re-imported file never duplicates. Outcomes: ``referred`` (to protection services:
``action_date``, ``service``), ``inspection`` (an inspection was made: ``action_date``), ``confirmed``
(cases confirmed: ``confirmed_cases`` >= 0), ``false_alarm``, ``no_action`` (``note`` says why).
Nothing about a person is stored: counts, dates, the service's name and a free-text note about the area.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from pipelines.settings import Settings, get_settings
from pipelines.warehouse.engine import make_engine, migrate
from pipelines.warehouse.schema import Alert, Area, Feedback, Subscription

OUTCOMES = ("referred", "inspection", "confirmed", "false_alarm", "no_action")
CSV_COLUMNS = ["alert_id", "outcome", "action_date", "service", "confirmed_cases", "note"]


class FeedbackError(ValueError):
    """Feedback that cannot be stored as given; the message names the field and the rule. ``code`` names
    the rule for pages that word it in the officer's language: ``alert_id``, ``outcome``, ``action_date``,
    ``future``, ``cases``, ``too_long``, ``referral``, ``confirmed``, ``no_action``, ``unknown_alert``,
    ``file`` (CSV import)."""

    def __init__(self, message: str, code: str = "file") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class FeedbackEntry:
    alert_id: int
    outcome: str
    action_date: date | None = None
    service: str | None = None
    confirmed_cases: int | None = None
    note: str | None = None


def _clean_text(value: object, limit: int, what: str) -> str | None:
    text = " ".join(str(value or "").split())
    if len(text) > limit:
        raise FeedbackError(f"{what} is longer than {limit} characters", "too_long")
    return text or None


def parse_entry(raw: dict, today: date) -> FeedbackEntry:
    """Check one form or CSV row (strings) and return a typed entry; raises :class:`FeedbackError`."""
    try:
        alert_id = int(str(raw.get("alert_id", "")).strip())
    except ValueError as exc:
        raise FeedbackError("alert_id must be a whole number", "alert_id") from exc
    outcome = str(raw.get("outcome") or "").strip()
    if outcome not in OUTCOMES:
        raise FeedbackError(f"outcome {outcome!r} is not one of {list(OUTCOMES)}", "outcome")
    when = str(raw.get("action_date") or "").strip()
    try:
        action_date = date.fromisoformat(when) if when else None
    except ValueError as exc:
        raise FeedbackError(f"action_date {when!r} is not a date (YYYY-MM-DD)", "action_date") from exc
    if action_date and action_date > today:
        raise FeedbackError(f"action_date {action_date} is in the future", "future")
    cases_text = str(raw.get("confirmed_cases") or "").strip()
    cases = int(cases_text) if cases_text.isdigit() else None
    if cases_text and cases is None:
        raise FeedbackError("confirmed_cases must be a whole number, 0 or more", "cases")
    entry = FeedbackEntry(alert_id, outcome, action_date, _clean_text(raw.get("service"), 200, "service"),
                          cases, _clean_text(raw.get("note"), 2000, "note"))  # fmt: skip
    if outcome == "referred" and not (entry.action_date and entry.service):
        raise FeedbackError("a referral needs its date and the service it went to", "referral")
    if outcome == "confirmed" and entry.confirmed_cases is None:
        raise FeedbackError("confirmed needs the number of cases confirmed", "confirmed")
    if outcome == "no_action" and not entry.note:
        raise FeedbackError("no action needs a short reason", "no_action")
    return entry


def record_feedback(conn: Connection, entries: list[FeedbackEntry], source: str) -> int:
    """Upsert ``entries`` on (alert_id, outcome) in the caller's transaction; unknown alerts are refused."""
    ids = {e.alert_id for e in entries}
    a = Alert.__table__
    known = set(conn.execute(select(a.c.alert_id).where(a.c.alert_id.in_(ids))).scalars())
    if ids - known:
        raise FeedbackError(f"unknown alert id(s): {sorted(ids - known)[:10]}", "unknown_alert")
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    now = datetime.now(UTC)
    for e in entries:
        row = {**e.__dict__, "recorded_at": now, "source": source}
        stmt = insert(Feedback.__table__).values(row)
        updates = {k: stmt.excluded[k] for k in row if k not in ("alert_id", "outcome")}
        conn.execute(stmt.on_conflict_do_update(index_elements=["alert_id", "outcome"], set_=updates))
    return len(entries)


def alert_summary(conn: Connection, alert_id: int) -> dict | None:
    """What the feedback page shows about an alert: area name and parent, p, class, period, date, and the
    ``language`` of the subscription it was sent to (the page speaks it)."""
    a, ar, s = Alert.__table__, Area.__table__, Subscription.__table__
    stmt = (
        select(
            a.c.alert_id,
            a.c.area_id,
            a.c.p,
            a.c.risk_class,
            a.c.period,
            a.c.created_at,
            ar.c.name,
            ar.c.parent_id,
            s.c.language,
        )
        .join(ar, ar.c.area_id == a.c.area_id, isouter=True)
        .join(s, s.c.subscription_id == a.c.subscription_id, isouter=True)
        .where(a.c.alert_id == alert_id)
    )
    row = conn.execute(stmt).mappings().first()
    if row is None:
        return None
    recorded = conn.execute(select(Feedback.__table__).where(Feedback.__table__.c.alert_id == alert_id))
    return {**row, "recorded": [dict(r) for r in recorded.mappings()]}


def read_feedback_csv(path: Path, today: date) -> list[FeedbackEntry]:
    """Rows of a UTF-8 CSV with header :data:`CSV_COLUMNS`; every bad row reported at once by line."""
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("alert_id", "outcome") if c not in (reader.fieldnames or [])]
        unknown = sorted(set(reader.fieldnames or []) - set(CSV_COLUMNS))
        if missing or unknown:
            raise FeedbackError(f"{path}: missing columns {missing}, unknown columns {unknown}")
        entries, errors = [], []
        for line, raw in enumerate(reader, start=2):
            try:
                entries.append(parse_entry(raw, today))
            except FeedbackError as exc:
                errors.append(f"{path}:{line}: {exc}")
    if errors:
        raise FeedbackError(f"{len(errors)} bad row(s), nothing imported:\n" + "\n".join(errors))
    return entries


def import_feedback(path: Path, settings: Settings | None = None, today: date | None = None) -> dict:
    """Import a feedback CSV in one transaction (all rows or none). Returns ``rows`` and ``alerts``."""
    settings = settings or get_settings()
    migrate(settings.warehouse_url)
    entries = read_feedback_csv(path, today or datetime.now(UTC).date())
    engine = make_engine(settings.warehouse_url)
    try:
        with engine.begin() as conn:
            record_feedback(conn, entries, "csv")
    finally:
        engine.dispose()
    return {"rows": len(entries), "alerts": len({e.alert_id for e in entries})}
