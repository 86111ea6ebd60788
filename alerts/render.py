"""Turn one subscription's selected alerts into an e-mail: subject, plain text and HTML (pure).

``items`` is the subscription's slice of :func:`alerts.select.select_alerts` output: one row per area with
``area_id, period, horizon, model_name, model_version, p, risk_class, reason, rank`` and optionally ``p_lo,
p_hi`` (probabilities in [0, 1]), ``previous_p`` (``p`` at the last alert, for "what changed"),
``drivers`` (JSON list of ``{"feature", "label", "contribution"}``, signed log-odds; positive raises
risk), ``mlflow_run_id`` and ``data_vintage`` (JSON ``{source: date}``). ``period`` is the first day of
the target year. ``areas`` gives ``area_id, parent_id, name, level`` for names and the noun in the
subject. Words come from :mod:`alerts.i18n` in the subscription's language; HTML is autoescaped.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from alerts.i18n import plural, texts
from alerts.place_names import in_place, local_name
from alerts.select import CLASS_RANK

_UNSAFE = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class RenderedEmail:
    """Subject (one line, no control characters), plain-text body and HTML body."""

    subject: str
    text: str
    html: str


@cache
def environment() -> Environment:
    """The Jinja2 environment of ``alerts/templates`` (HTML autoescaped, undefined names are errors)."""
    return Environment(
        loader=PackageLoader("alerts", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def one_line(value: object) -> str:
    """Collapse control characters and runs of spaces, so a value is safe in a header or a list line."""
    return " ".join(_UNSAFE.sub(" ", str(value)).split())


def percent(p: float | None) -> str:
    """A probability in [0, 1] as a rounded percent, e.g. ``0.234`` -> ``23%``; tiny values read ``<1%``."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "unknown"
    if 0 < p < 0.005:
        return "<1%"
    return f"{math.floor(p * 100 + 0.5)}%"  # half up: 0.5% reads 1%, not banker's 0%


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _json(value: object, what: str, area_id: str) -> object:
    if _missing(value):
        return None
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{what} of area {area_id} is not valid JSON: {exc}") from exc


def _contribution(driver: dict) -> float:
    try:
        value = float(driver.get("contribution", 0.0))
    except (TypeError, ValueError):
        return 0.0
    return value if math.isfinite(value) else 0.0


def top_drivers(drivers: object, area_id: str, n: int = 3, language: str = "en") -> list[dict[str, str]]:
    """The ``n`` largest drivers by |contribution| as ``{"label", "direction"}`` in plain words.

    A driver's label is the catalogue's ``driver_<feature>`` in ``language`` (the model's own English
    ``label`` only for a feature the catalogue does not know).
    Drivers with a zero, missing or non-finite contribution say nothing about direction and are skipped.
    """
    t = texts(language)
    parsed = _json(drivers, "drivers", area_id) or []
    usable = [d for d in parsed if isinstance(d, dict) and _contribution(d) != 0]
    ranked = sorted(usable, key=lambda d: abs(_contribution(d)), reverse=True)
    return [
        {
            "label": one_line(
                t.get(f"driver_{d.get('feature')}") or d.get("label") or d.get("feature") or "?"
            ),
            "direction": t["raises"] if _contribution(d) > 0 else t["lowers"],
        }
        for d in ranked[:n]
    ]


def noun(levels: set[str], count: int, language: str = "en") -> str:
    """``municipality``/``municipalities`` etc. for one area level; ``area(s)`` for mixed levels."""
    key = f"noun_{next(iter(levels))}" if len(levels) == 1 else "noun_area"
    t = texts(language)
    return plural(t, key if key in t else "noun_area", count)


def subject_line(
    count: int, levels: set[str], scope_name: str, min_class: str, year: int, language: str = "en",
    in_scope: str | None = None,
) -> str:  # fmt: skip
    """E.g. ``High forced-labour risk: 12 municipalities in Pará (2025)``; at most 300 characters.
    ``in_scope`` is the "in <place>" phrase (:func:`alerts.place_names.in_place`); without it, the
    language's plain preposition before ``scope_name``."""
    t = texts(language)
    subject = t["subject_alert"].format(
        in_scope=one_line(in_scope or t["in_place_1"].format(name=scope_name)),
        headline=t.get(f"headline_{min_class}", t["headline_high"]),
        count=count,
        noun=noun(set(levels), count, language),
        scope=one_line(scope_name),
        year=year,
    )
    return one_line(subject)[:300]


def _area_rows(
    items: pd.DataFrame, names: dict, parents: dict, language: str, links: Mapping, refs: Mapping
) -> list[dict]:
    t = texts(language)
    rows = []
    for item in items.sort_values("rank").to_dict("records"):
        area_id = item["area_id"]
        p_lo, p_hi, before = item.get("p_lo"), item.get("p_hi"), item.get("previous_p")
        has_range = not (_missing(p_lo) or _missing(p_hi))
        rows.append(
            {
                "rank": int(item["rank"]),
                "name": one_line(names.get(area_id, area_id)),
                "parent": one_line(names.get(parents.get(area_id), "") or ""),
                "percent": percent(item["p"]),
                "range": t["likely"].format(lo=percent(p_lo), hi=percent(p_hi)) if has_range else "",
                "risk_class": t.get(f"class_{item['risk_class']}", item["risk_class"]),
                "reason": t.get(f"reason_{item['reason']}", item["reason"]),
                "change": "" if _missing(before) else t["was"].format(p=percent(before)),
                "drivers": top_drivers(item.get("drivers"), area_id, language=language),
                "feedback_url": links.get(area_id, ""),
                "ref": str(refs.get(area_id, "")),
            }
        )
    return rows


def provenance(first: dict, language: str = "en", checks: Sequence[str] = ()) -> dict:
    """Model, run, data vintages and data-check ids of a cycle, as lines in ``language``."""
    t = texts(language)
    vintage = _json(first.get("data_vintage"), "data_vintage", first["area_id"]) or {}
    run_id = first.get("mlflow_run_id")
    run = run_id if isinstance(run_id, str) and run_id else t["not_recorded"]
    return {
        "model": t["model"].format(name=first["model_name"], version=first["model_version"], run=run),
        "target": t["target"].format(year=pd.Timestamp(first["period"]).year, horizon=int(first["horizon"])),
        "vintages": [{"source": one_line(k), "date": one_line(v)} for k, v in sorted(vintage.items())],
        "checks": [one_line(c) for c in checks],
    }


def greeting(recipient_name: str, language: str) -> str:
    t = texts(language)
    name = one_line(recipient_name)
    return t["hello"].format(name=name) if name else t["hello_anon"]


def render_alert_email(
    items: pd.DataFrame,
    areas: pd.DataFrame,
    *,
    scope_area_id: str,
    min_class: str = "high",
    n_more: int = 0,
    n_still_high: int = 0,
    n_left: int = 0,
    unsubscribe_url: str,
    recipient_name: str = "",
    language: str = "en",
    cadence: str = "immediate",
    feedback_urls: Mapping[str, str] | None = None,
    freshness: Mapping[str, str] | None = None,
    checks: Sequence[str] = (),
    map_cid: str | None = None,
    csv_name: str | None = None,
    today: date | None = None,
    alert_refs: Mapping[str, int] | None = None,
    dashboard_url: str = "",
) -> RenderedEmail:
    """Render the alert (or digest, by ``cadence``) e-mail for one subscription.

    ``n_more`` counts new or risen areas not listed (beyond the top N); ``n_still_high`` counts open areas
    not repeated; ``n_left`` counts areas that closed. ``feedback_urls`` maps ``area_id`` to its signed
    feedback link and ``alert_refs`` to its alert id (shown as the alert reference, also in the CSV);
    ``freshness`` maps a source to the date of its newest data; ``checks`` are the ids of
    the data-quality results behind the scores; ``map_cid`` / ``csv_name`` name the inline map and the
    attached CSV when the message carries them. ``today`` is the day the e-mail is made: when the
    target year is already past, the e-mail says why (the employer list lags the inspections).
    ``dashboard_url`` is the recipient's signed dashboard link ("Open the map for Pará"), left out when
    empty.
    """
    if items.empty:
        raise ValueError("no alerts to render: an empty selection sends nothing")
    if min_class not in CLASS_RANK:
        raise ValueError(f"unknown min_class {min_class!r}")
    t = texts(language)
    names = dict(zip(areas["area_id"], areas["name"], strict=True))
    parents = dict(zip(areas["area_id"], areas["parent_id"], strict=True))
    levels = dict(zip(areas["area_id"], areas["level"], strict=True))
    first = items.iloc[0].to_dict()
    year = pd.Timestamp(first["period"]).year
    total = len(items) + n_more
    scope = one_line(local_name(scope_area_id, names.get(scope_area_id, scope_area_id), language))
    in_scope = one_line(in_place(scope_area_id, scope, levels.get(scope_area_id, ""), language))
    item_levels = {levels.get(a, "") for a in items["area_id"]}
    risk = t[f"risk_{min_class}"]
    digest = cadence in ("weekly", "monthly")
    rows = _area_rows(items, names, parents, language, feedback_urls or {}, alert_refs or {})
    lines = {
        "intro": t["intro"].format(count=total, noun=noun(item_levels, total, language), scope=scope, in_scope=in_scope, risk=risk, year=year),
        "n_more": t["n_more"].format(listed=len(items), more=n_more) if n_more else "",
        "n_still_high": t["n_still_high"].format(n=n_still_high, risk=risk) if n_still_high else "",
        "n_left": t["n_left"].format(n=n_left) if n_left else "",
        "map_caption": t["map_caption"].format(scope=scope, in_scope=in_scope) if map_cid else "",
        "csv_note": t["csv_note"].format(scope=scope, in_scope=in_scope, risk=risk, file=csv_name) if csv_name else "",
        "footer": t["footer"].format(scope=scope),
        "dashboard": t["dash_open_map"].format(scope=scope) if dashboard_url else "",
        "chance": t["chance"].format(year=year),
        "target_year_why": t["target_year_why"].format(year=year) if today is not None and year < today.year else "",
        "interval_note": t["interval_note"] if any(row["range"] for row in rows) else "",
    }  # fmt: skip
    context = {
        "t": t,
        "lang": language if language in ("en", "pt", "es", "fr") else "en",
        "greeting": greeting(recipient_name, language),
        "lines": lines,
        "areas": rows,
        "provenance": provenance(first, language, checks),
        "freshness": [t["freshness"].format(source=one_line(k), date=one_line(v)) for k, v in sorted((freshness or {}).items())],
        "map_cid": map_cid or "",
        "unsubscribe_url": unsubscribe_url,
        "dashboard_url": dashboard_url,
    }  # fmt: skip
    if digest:
        subject = t["subject_digest"].format(
            cadence=t[f"cadence_{cadence}"], count=total, noun=noun(item_levels, total, language),
            risk=risk, scope=scope, in_scope=in_scope, year=year,
        )  # fmt: skip
    else:
        subject = subject_line(total, item_levels, scope, min_class, year, language, in_scope)
    env = environment()
    return RenderedEmail(
        subject=one_line(subject)[:300],
        text=env.get_template("alert.txt").render(context),
        html=env.get_template("alert.html").render(context),
    )
