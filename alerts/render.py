"""Turn one subscription's selected alerts into an e-mail: subject, plain text and HTML (pure).

``items`` is the subscription's slice of :func:`alerts.select.select_alerts` output: one row per area with
``area_id, period, horizon, model_name, model_version, p, risk_class, reason, rank`` and optionally ``p_lo,
p_hi`` (probabilities in [0, 1]), ``drivers`` (JSON list of ``{"feature", "label", "contribution"}``, signed
log-odds; positive raises risk), ``mlflow_run_id`` and ``data_vintage`` (JSON ``{source: date}``).
``period`` is the first day of the target year. ``areas`` gives ``area_id, parent_id, name, level`` for
names and the noun in the subject. Templates live in ``alerts/templates``; HTML is autoescaped.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from alerts.select import CLASS_RANK

TOPIC = "forced-labour"
INTENDED_USE = (
    "These scores are for targeting prevention and inspection resources to areas, never to individuals. "
    "A high score is a reason to look, not evidence that forced labour is happening."
)
NOUNS = {"0": ("country", "countries"), "1": ("state", "states"), "2": ("municipality", "municipalities")}
HEADLINE = {"high": "High", "medium": "Medium or high", "low": "Any"}
RISK_PHRASE = {"high": "high risk", "medium": "medium or high risk", "low": "some risk"}
REASON_TEXT = {"entered_high": "first alert for this area", "rose": "risk rose since the last alert"}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class RenderedEmail:
    """Subject (one line, no control characters), plain-text body and HTML body."""

    subject: str
    text: str
    html: str


@cache
def _environment() -> Environment:
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


def _json(value: object, what: str, area_id: str) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
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


def top_drivers(drivers: object, area_id: str, n: int = 3) -> list[dict[str, str]]:
    """The ``n`` largest drivers by |contribution| as ``{"label", "direction"}`` in plain words.

    Drivers with a zero, missing or non-finite contribution say nothing about direction and are skipped.
    """
    parsed = _json(drivers, "drivers", area_id) or []
    usable = [d for d in parsed if isinstance(d, dict) and _contribution(d) != 0]
    ranked = sorted(usable, key=lambda d: abs(_contribution(d)), reverse=True)
    return [
        {
            "label": one_line(d.get("label") or d.get("feature") or "unnamed factor"),
            "direction": "raises risk" if _contribution(d) > 0 else "lowers risk",
        }
        for d in ranked[:n]
    ]


def _noun(levels: set[str], count: int) -> str:
    singular, plural = NOUNS.get(levels.pop(), ("area", "areas")) if len(levels) == 1 else ("area", "areas")
    return singular if count == 1 else plural


def subject_line(count: int, levels: set[str], scope_name: str, min_class: str, year: int) -> str:
    """E.g. ``High forced-labour risk: 12 municipalities in Pará (2025)``; at most 300 characters."""
    headline = HEADLINE.get(min_class, "High")
    subject = (
        f"{headline} {TOPIC} risk: {count} {_noun(set(levels), count)} in {one_line(scope_name)} ({year})"
    )
    return subject[:300]


def _area_rows(items: pd.DataFrame, names: dict, parents: dict) -> list[dict]:
    rows = []
    for item in items.sort_values("rank").to_dict("records"):
        area_id = item["area_id"]
        p_lo, p_hi = item.get("p_lo"), item.get("p_hi")
        has_range = all(v is not None and not pd.isna(v) for v in (p_lo, p_hi))
        rows.append(
            {
                "rank": int(item["rank"]),
                "name": one_line(names.get(area_id, area_id)),
                "parent": one_line(names.get(parents.get(area_id), "")),
                "percent": percent(item["p"]),
                "range": f"{percent(p_lo)} to {percent(p_hi)}" if has_range else "",
                "risk_class": item["risk_class"],
                "reason": REASON_TEXT.get(item["reason"], item["reason"]),
                "drivers": top_drivers(item.get("drivers"), area_id),
            }
        )
    return rows


def _provenance(first: dict) -> dict:
    vintage = _json(first.get("data_vintage"), "data_vintage", first["area_id"]) or {}
    run_id = first.get("mlflow_run_id")
    return {
        "model_name": first["model_name"],
        "model_version": first["model_version"],
        "run_id": run_id if isinstance(run_id, str) and run_id else "not recorded",
        "vintages": [{"source": one_line(k), "date": one_line(v)} for k, v in sorted(vintage.items())],
    }


def render_alert_email(
    items: pd.DataFrame,
    areas: pd.DataFrame,
    *,
    scope_area_id: str,
    min_class: str = "high",
    n_more: int = 0,
    n_still_high: int = 0,
    unsubscribe_url: str,
    recipient_name: str = "",
) -> RenderedEmail:
    """Render the alert e-mail for one subscription.

    ``n_more`` counts new or risen areas not listed (beyond the top N); ``n_still_high`` counts areas still
    in class that were alerted before and are not repeated. The subject counts listed + ``n_more``.
    """
    if items.empty:
        raise ValueError("no alerts to render: an empty selection sends nothing")
    if min_class not in CLASS_RANK:
        raise ValueError(f"unknown min_class {min_class!r}")
    names = dict(zip(areas["area_id"], areas["name"], strict=True))
    parents = dict(zip(areas["area_id"], areas["parent_id"], strict=True))
    levels = dict(zip(areas["area_id"], areas["level"], strict=True))
    first = items.iloc[0].to_dict()
    year = pd.Timestamp(first["period"]).year
    total = len(items) + n_more
    scope_name = names.get(scope_area_id, scope_area_id)
    context = {
        "recipient_name": one_line(recipient_name),
        "risk_phrase": RISK_PHRASE[min_class],
        "scope_name": one_line(scope_name),
        "total": total,
        "noun": _noun({levels.get(a, "") for a in items["area_id"]}, total),
        "listed": len(items),
        "n_more": n_more,
        "n_still_high": n_still_high,
        "year": year,
        "horizon": int(first["horizon"]),
        "areas": _area_rows(items, names, parents),
        "provenance": _provenance(first),
        "intended_use": INTENDED_USE,
        "unsubscribe_url": unsubscribe_url,
    }
    env = _environment()
    return RenderedEmail(
        subject=subject_line(
            total, {levels.get(a, "") for a in items["area_id"]}, scope_name, min_class, year
        ),
        text=env.get_template("alert.txt").render(context),
        html=env.get_template("alert.html").render(context),
    )
