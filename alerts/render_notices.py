"""Short messages that carry no area list (pure): confirmation, all-clear, no-assessment, operator error.

Each returns a :class:`alerts.render.RenderedEmail` in the subscription's language (operator mail is in
English). ``scope_area_id`` / ``scope_level`` let a scope be named as the language says it (a country in
its own word, "no Maranhão"; :mod:`alerts.place_names`). Dates are passed in (``run_date``: the day the system ran; ``data_date``: the newest data the
scores used); nothing here reads a clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from alerts.i18n import LANGUAGES, texts
from alerts.place_names import in_place, local_name
from alerts.render import RenderedEmail, environment, greeting, one_line


def place_words(scope_name: str, scope_area_id: str, scope_level: str, language: str) -> dict[str, str]:
    """``scope`` (the area's name in ``language``) and ``in_scope`` ("in <place>") for the texts."""
    area_id = scope_area_id or scope_name
    name = one_line(local_name(area_id, scope_name, language))
    return {"scope": name, "in_scope": one_line(in_place(area_id, name, scope_level, language))}


def _render(language: str, subject: str, paragraphs: list[str], **extra: str) -> RenderedEmail:
    context = {
        "lang": language if language in LANGUAGES else "en",
        "greeting": extra.get("greeting", ""),
        "paragraphs": paragraphs,
        "action_url": extra.get("action_url", ""),
        "action_label": extra.get("action_label", ""),
        "footer": extra.get("footer", ""),
        "unsubscribe_url": extra.get("unsubscribe_url", ""),
        "unsubscribe_label": texts(language)["unsubscribe"],
        "title": one_line(subject),
    }
    env = environment()
    return RenderedEmail(
        subject=one_line(subject)[:300],
        text=env.get_template("notice.txt").render(context),
        html=env.get_template("notice.html").render(context),
    )


def render_confirmation(
    *, recipient_name: str, scope_name: str, role: str, min_class: str, cadence: str, language: str,
    confirm_url: str, scope_area_id: str = "", scope_level: str = "",
) -> RenderedEmail:  # fmt: skip
    """The double opt-in message: what was asked for and the signed link that confirms it."""
    t = texts(language)
    place = place_words(scope_name, scope_area_id, scope_level, language)
    intro = t["confirm_intro"].format(
        **place,
        role=one_line(role),
        min_class=t[f"risk_{min_class}"],
        cadence=t[f"cadence_word_{cadence}"],
    )
    return _render(
        language,
        t["subject_confirm"].format(**place),
        [intro, t["confirm_ignore"]],
        greeting=greeting(recipient_name, language),
        action_url=confirm_url,
        action_label=t["confirm_action"],
    )


def render_all_clear(
    *, recipient_name: str, scope_name: str, min_class: str, language: str, run_date: date,
    data_date: date | None, n_open: int, unsubscribe_url: str, scope_area_id: str = "", scope_level: str = "",
    dashboard_url: str = "",
) -> RenderedEmail:  # fmt: skip
    """ "No new high-risk areas; the system ran on D with data up to E" — silence is never ambiguous.
    ``dashboard_url``, when given, is the recipient's signed dashboard link ("Open the map for Pará")."""
    t = texts(language)
    place = place_words(scope_name, scope_area_id, scope_level, language)
    body = t["all_clear"].format(
        **place, risk=t[f"risk_{min_class}"], run_date=run_date.isoformat(),
        data_date=data_date.isoformat() if data_date else t["not_recorded"], n_open=n_open,
    )  # fmt: skip
    return _render(
        language,
        t["subject_all_clear"].format(**place, run_date=run_date.isoformat()),
        [body, t["all_clear_why"]],
        greeting=greeting(recipient_name, language),
        footer=t["footer"].format(**place),
        unsubscribe_url=unsubscribe_url,
        action_url=dashboard_url,
        action_label=t["dash_open_map"].format(scope=place["scope"]) if dashboard_url else "",
    )


def render_no_assessment(
    *, recipient_name: str, scope_name: str, language: str, run_date: date, unsubscribe_url: str,
    scope_area_id: str = "", scope_level: str = "",
) -> RenderedEmail:  # fmt: skip
    """The notice sent instead of scores when a data gate failed or input is stale."""
    t = texts(language)
    place = place_words(scope_name, scope_area_id, scope_level, language)
    return _render(
        language,
        t["subject_no_assessment"].format(**place, run_date=run_date.isoformat()),
        [t["no_assessment"].format(**place, run_date=run_date.isoformat())],
        greeting=greeting(recipient_name, language),
        footer=t["footer"].format(**place),
        unsubscribe_url=unsubscribe_url,
    )


def render_operator_error(*, title: str, problems: Sequence[str], run_date: date) -> RenderedEmail:
    """Operator mail (English): what went wrong, one line per problem, and what recipients were told."""
    lines = [f"- {one_line(p)}" for p in problems] or ["- (no detail recorded)"]
    return _render(
        "en",
        f"[sdg87] {one_line(title)} ({run_date.isoformat()})",
        [f"sdg87 ran on {run_date.isoformat()} and found:", *lines],
    )
