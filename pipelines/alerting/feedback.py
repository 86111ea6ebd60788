"""What happened after an alert, recorded by the officer who received it (web form or CSV import).

Every submission (one web form, or the rows of one alert in a CSV import) is kept as a revision in
``feedback_revision`` with its time and who submitted it (the role and subscription whose link was used,
or ``csv import``; never an IP address). The latest submission wins: ``feedback`` holds, per alert, the
outcome(s) of its latest submission only (one row per (``alert_id``, ``outcome``)), so contradictory
outcomes never stand side by side and a re-imported file never duplicates. Outcomes: ``referred`` (to protection services:
``action_date``, ``service``), ``inspection`` (an inspection was made: ``action_date``), ``confirmed``
(cases confirmed: ``confirmed_cases`` a whole number 0..:data:`MAX_CASES`), ``false_alarm``, ``no_action`` (``note`` says why).
Action dates may not be in the future nor before the alert was sent.
Nothing about a person is stored: counts, dates, the service's name and a free-text note about the area.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Connection, delete, insert, select

from pipelines.settings import Settings, get_settings
from pipelines.warehouse.engine import migrate, warehouse_engine
from pipelines.warehouse.schema import Alert, Area, Feedback, Subscription
from pipelines.warehouse.schema_links import FeedbackRevision

OUTCOMES = ("referred", "inspection", "confirmed", "false_alarm", "no_action")
CSV_COLUMNS = ["alert_id", "outcome", "action_date", "service", "confirmed_cases", "note"]
MAX_CASES = 100_000  # cases confirmed after one alert; more is a typing error
_CASES = re.compile(r"[0-9]{1,7}")  # ASCII digits only ("²".isdigit() is True)


class FeedbackError(ValueError):
    """Feedback that cannot be stored as given; the message names the field and the rule. ``code`` names
    the rule for pages that word it in the officer's language: ``alert_id``, ``outcome``, ``action_date``,
    ``future``, ``before_alert``, ``cases``, ``cases_range``, ``too_long``, ``referral``, ``confirmed``, ``no_action``, ``unknown_alert``,
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
    cases = int(cases_text) if _CASES.fullmatch(cases_text) else None
    if cases_text and cases is None:
        if re.fullmatch(r"[0-9]+", cases_text):
            raise FeedbackError(f"confirmed_cases must be at most {MAX_CASES}", "cases_range")
        raise FeedbackError("confirmed_cases must be a whole number, 0 or more", "cases")
    if cases is not None and cases > MAX_CASES:
        raise FeedbackError(f"confirmed_cases {cases} is more than {MAX_CASES}", "cases_range")
    entry = FeedbackEntry(alert_id, outcome, action_date, _clean_text(raw.get("service"), 200, "service"),
                          cases, _clean_text(raw.get("note"), 2000, "note"))  # fmt: skip
    if outcome == "referred" and not (entry.action_date and entry.service):
        raise FeedbackError("a referral needs its date and the service it went to", "referral")
    if outcome == "confirmed" and entry.confirmed_cases is None:
        raise FeedbackError("confirmed needs the number of cases confirmed", "confirmed")
    if outcome == "no_action" and not entry.note:
        raise FeedbackError("no action needs a short reason", "no_action")
    return entry


def record_feedback(
    conn: Connection, entries: list[FeedbackEntry], source: str, submitted_by: str = "csv import"
) -> int:
    """Record ``entries`` in the caller's transaction: per alert, one submission (module docstring) kept as
    revisions and made current. Unknown alerts and action dates before the alert are refused."""
    ids = {e.alert_id for e in entries}
    a = Alert.__table__
    sent_on = dict(conn.execute(select(a.c.alert_id, a.c.created_at).where(a.c.alert_id.in_(ids))).all())
    if ids - set(sent_on):
        raise FeedbackError(f"unknown alert id(s): {sorted(ids - set(sent_on))[:10]}", "unknown_alert")
    for e in entries:
        alerted = sent_on[e.alert_id].date() if sent_on[e.alert_id] else None
        if e.action_date and alerted and e.action_date < alerted:
            raise FeedbackError(
                f"alert {e.alert_id}: action_date {e.action_date} is before the alert was sent ({alerted})",
                "before_alert",
            )
    now = datetime.now(UTC)
    f = Feedback.__table__
    for alert_id in sorted(ids):
        mine = {e.outcome: e for e in entries if e.alert_id == alert_id}  # one row per outcome
        conn.execute(delete(f).where(f.c.alert_id == alert_id))  # the latest submission wins
        rows = [{**e.__dict__, "recorded_at": now, "source": source} for e in mine.values()]
        conn.execute(insert(f), rows)
        revisions = [{**e.__dict__, "submitted_at": now, "source": source, "submitted_by": submitted_by[:120]}
                     for e in mine.values()]  # fmt: skip
        conn.execute(insert(FeedbackRevision.__table__), revisions)
    return len(entries)


def feedback_history(conn: Connection, alert_id: int) -> list[dict]:
    """Every revision of an alert's feedback, oldest first (``feedback_revision`` rows)."""
    r = FeedbackRevision.__table__
    stmt = select(r).where(r.c.alert_id == alert_id).order_by(r.c.revision_id)
    return [dict(row) for row in conn.execute(stmt).mappings()]


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
            s.c.role,
            s.c.subscription_id,
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


def import_feedback(path: Path, settings: Settings | None = None, *, today: date) -> dict:
    """Import a feedback CSV in one transaction (all rows or none). Returns ``rows`` and ``alerts``.
    ``today``: the date action dates are checked against (no date in the future), chosen by the caller."""
    settings = settings or get_settings()
    migrate(settings.warehouse_url)
    entries = read_feedback_csv(path, today)
    with warehouse_engine(settings) as engine:
        with engine.begin() as conn:
            record_feedback(conn, entries, "csv")
    return {"rows": len(entries), "alerts": len({e.alert_id for e in entries})}
