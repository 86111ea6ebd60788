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
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Connection, delete, insert, select

from alerts.table import header_columns
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
    ``future``, ``before_alert``, ``cases``, ``cases_range``, ``too_long``, ``referral``, ``confirmed``, ``no_action``, ``unknown_alert``, ``combination``,
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


ALONE = ("false_alarm", "no_action")  # outcomes that contradict any other outcome of the same alert


def parse_submission(raw: dict, outcomes: list[str], today: date) -> list[FeedbackEntry]:
    """One submission with several outcomes (e.g. ``referred`` and ``confirmed``) sharing the fields of
    ``raw``: one entry per outcome, each checked by :func:`parse_entry` (the case count kept on
    ``confirmed``, the service on ``referred``). ``false_alarm`` and
    ``no_action`` stand alone; no outcome at all is refused (code ``outcome``)."""
    chosen = list(dict.fromkeys(o.strip() for o in outcomes if o.strip()))
    if not chosen:
        raise FeedbackError("choose at least one outcome", "outcome")
    if len(chosen) > 1 and set(chosen) & set(ALONE):
        raise FeedbackError(f"{' and '.join(sorted(set(chosen) & set(ALONE)))} cannot go with another outcome",
                            "combination")  # fmt: skip
    entries = [parse_entry({**raw, "outcome": outcome}, today) for outcome in chosen]
    # The case count belongs to ``confirmed`` and the service to ``referred`` only, so nothing counts twice.
    return [replace(e, confirmed_cases=e.confirmed_cases if e.outcome == "confirmed" else None,
                    service=e.service if e.outcome == "referred" else None) for e in entries]  # fmt: skip


def entry_problems(conn: Connection, entries: list[FeedbackEntry]) -> list[tuple[int, FeedbackError]]:
    """``(index, error)`` for every entry whose alert is unknown or whose action date is before the day
    its alert was sent, all at once (the caller names the line or field)."""
    ids = {e.alert_id for e in entries}
    a = Alert.__table__
    sent_on = dict(conn.execute(select(a.c.alert_id, a.c.created_at).where(a.c.alert_id.in_(ids))).all())
    problems = []
    for index, e in enumerate(entries):
        if e.alert_id not in sent_on:
            problems.append((index, FeedbackError(f"unknown alert id {e.alert_id}", "unknown_alert")))
            continue
        alerted = sent_on[e.alert_id].date() if sent_on[e.alert_id] else None
        if e.action_date and alerted and e.action_date < alerted:
            message = (
                f"alert {e.alert_id}: action_date {e.action_date} is before the alert was sent ({alerted})"
            )
            problems.append((index, FeedbackError(message, "before_alert")))
    return problems


def record_feedback(
    conn: Connection, entries: list[FeedbackEntry], source: str, submitted_by: str = "csv import"
) -> int:
    """Record ``entries`` in the caller's transaction: per alert, one submission (module docstring) kept as
    revisions and made current; several outcomes of one alert (referred and cases confirmed) are one
    submission. Unknown alerts and action dates before the alert are refused (the first problem of
    :func:`entry_problems` is raised; nothing is written)."""
    problems = entry_problems(conn, entries)
    if problems:
        raise problems[0][1]
    ids = {e.alert_id for e in entries}
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


def _column(header: str, email_columns: dict[str, str]) -> str:
    """A header of :data:`CSV_COLUMNS`, or a column of the e-mail's CSV in any language (its alert
    reference is ``alert_id``; its other columns are kept only to be ignored, as ``email:<column>``)."""
    name = header.strip()
    if name in CSV_COLUMNS:
        return name
    if name in email_columns:
        column = email_columns[name]
        return "alert_id" if column == "alert_ref" else f"email:{column}"
    return name


def read_feedback_rows(path: Path, today: date) -> tuple[list[FeedbackEntry], list[int], list[str]]:
    """Entries, their line numbers and the errors of every bad row of a feedback CSV (see
    :func:`read_feedback_csv`)."""
    email_columns = header_columns()
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [_column(h, email_columns) for h in next(reader, [])]
        missing = [c for c in ("alert_id", "outcome") if c not in header]
        unknown = sorted({h for h in header if h not in CSV_COLUMNS and not h.startswith("email:")})
        if missing or unknown:
            raise FeedbackError(f"{path}: missing columns {missing}, unknown columns {unknown}")
        entries, lines, errors = [], [], []
        for line, cells in enumerate(reader, start=2):
            raw = {h: c for h, c in zip(header, cells, strict=False) if not h.startswith("email:")}
            if not any(str(v).strip() for h, v in raw.items() if h != "alert_id"):
                continue  # a row (of the e-mail's CSV) with no outcome written in it
            try:
                if not str(raw.get("alert_id") or "").strip():
                    raise FeedbackError(
                        "no alert reference: only areas listed in an e-mail can take an outcome"
                    )
                entries.append(parse_entry(raw, today))
                lines.append(line)
            except FeedbackError as exc:
                errors.append(f"{path}:{line}: {exc}")
    return entries, lines, errors


def read_feedback_csv(path: Path, today: date) -> list[FeedbackEntry]:
    """Rows of a UTF-8 CSV headed with :data:`CSV_COLUMNS`, or the CSV attached to an alert e-mail (any
    language) with ``outcome`` and the other columns added: its alert reference is the alert id, its own
    columns are ignored and rows with nothing written in them are skipped. Every bad row is reported at
    once by line; nothing is imported then."""
    entries, _, errors = read_feedback_rows(path, today)
    if errors:
        raise FeedbackError(f"{len(errors)} bad row(s), nothing imported:\n" + "\n".join(errors))
    return entries


def import_feedback(path: Path, settings: Settings | None = None, *, today: date) -> dict:
    """Import a feedback CSV in one transaction (all rows or none): format errors, unknown alerts and
    action dates before the alert of every row are reported together. Returns ``rows`` and ``alerts``.
    ``today``: the date action dates are checked against (no date in the future), chosen by the caller."""
    settings = settings or get_settings()
    migrate(settings.warehouse_url)
    entries, lines, errors = read_feedback_rows(path, today)
    with warehouse_engine(settings) as engine:
        with engine.begin() as conn:
            errors += [f"{path}:{lines[i]}: {exc}" for i, exc in entry_problems(conn, entries)]
            if errors:  # every problem of the file in one report, nothing imported
                errors.sort(key=lambda e: int(e.removeprefix(f"{path}:").split(":")[0]))
                raise FeedbackError(f"{len(errors)} bad row(s), nothing imported:\n" + "\n".join(errors))
            record_feedback(conn, entries, "csv")
    return {"rows": len(entries), "alerts": len({e.alert_id for e in entries})}
