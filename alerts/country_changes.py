"""Country-level alerts (pure): which countries' child-labour estimates or intervention types changed
between two world-estimate runs, who hears about which, and the message in the recipient's language.

Inputs are the ``country_estimate`` rows of two runs (columns ``area_id``, ``period``, ``prevalence``,
``p_lo``, ``p_hi`` in percent of children aged 5–17, ``intervention_type`` or None). A country is listed
when its estimate moved by at least ``min_change_pp`` percentage points or its intervention type changed
(None — no government-response data — counts as a type). Countries in only one run are not compared.
Rule and choices: docs/adr/0067-country-level-alerts.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from alerts.i18n import one_decimal, plural, texts
from alerts.place_names import local_name
from alerts.render import RenderedEmail, greeting, one_line
from alerts.render_notices import _render, place_words

COLUMNS = ["area_id", "period", "prevalence", "p_lo", "p_hi", "intervention_type"]


@dataclass(frozen=True)
class CountryChange:
    """One country's change: estimates in percent, ``period`` the new reference year's 1 January."""

    area_id: str
    name: str
    before: float
    after: float
    p_lo: float
    p_hi: float
    period: date
    type_before: str | None
    type_after: str | None
    estimate_moved: bool = True  # moved by the threshold or more (else only the type changed)

    @property
    def type_changed(self) -> bool:
        return self.type_before != self.type_after


def _type(value) -> str | None:
    return None if value is None or (isinstance(value, float) and value != value) else str(value)


def country_changes(
    previous: pd.DataFrame, current: pd.DataFrame, names: Mapping[str, str], min_change_pp: float
) -> list[CountryChange]:
    """The countries whose estimate moved by ``min_change_pp`` points or more, or whose type changed,
    from ``previous`` to ``current`` (one row per ``area_id`` each), ordered by ``area_id``."""
    merged = previous[COLUMNS].merge(current[COLUMNS], on="area_id", suffixes=("_0", "_1"))
    out = []
    for row in merged.sort_values("area_id").itertuples(index=False):
        moved = abs(float(row.prevalence_1) - float(row.prevalence_0)) >= min_change_pp
        before, after = _type(row.intervention_type_0), _type(row.intervention_type_1)
        if moved or before != after:
            out.append(
                CountryChange(
                    area_id=row.area_id, name=names.get(row.area_id, row.area_id),
                    before=float(row.prevalence_0), after=float(row.prevalence_1),
                    p_lo=float(row.p_lo_1), p_hi=float(row.p_hi_1), period=row.period_1,
                    type_before=before, type_after=after, estimate_moved=moved,
                )
            )  # fmt: skip
    return out


def in_scope(
    changes: Sequence[CountryChange], scope: str, parents: Mapping[str, str | None]
) -> list[CountryChange]:
    """The changes a subscription to ``scope`` hears: its own country, or every country ``scope`` is an
    ancestor of in ``parents`` (area id → parent id), e.g. a region."""

    def under(area_id: str | None) -> bool:
        seen = set()
        while area_id is not None and area_id not in seen:
            if area_id == scope:
                return True
            seen.add(area_id)
            area_id = parents.get(area_id)
        return False

    return [c for c in changes if under(c.area_id)]


def changes_digest(changes: Sequence[CountryChange]) -> str:
    """A short hash of a set of changes: the same changes give the same delivery key."""
    parts = [f"{c.area_id}:{c.before:.3f}:{c.after:.3f}:{c.type_before}:{c.type_after}" for c in changes]
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:16]


def _pct(value: float, language: str) -> str:
    """One decimal, with the language's decimal separator (``5.0`` in English, ``5,0`` in pt, es, fr)."""
    return one_decimal(value, language)


def render_country_changes(
    *, recipient_name: str, scope_name: str, language: str, changes: Sequence[CountryChange],
    run_date: date, min_change_pp: float, unsubscribe_url: str, scope_area_id: str = "", scope_level: str = "",
) -> RenderedEmail:  # fmt: skip
    """The e-mail listing ``changes`` (one line per estimate change, one per type change)."""
    t = texts(language)
    place = place_words(scope_name, scope_area_id, scope_level, language)
    noun = plural(t, "country_noun", len(changes))
    fields = {"count": len(changes), "noun": noun, **place, "run_date": run_date.isoformat()}
    lines = []
    for c in changes:
        name = one_line(local_name(c.area_id, c.name, language))
        if c.estimate_moved:
            pct = {
                k: _pct(v, language)
                for k, v in (("before", c.before), ("after", c.after), ("lo", c.p_lo), ("hi", c.p_hi))
            }
            lines.append(t["country_estimate"].format(name=name, year=c.period.year, **pct))
        if c.type_changed:
            kind = {v: t[f"country_type_{v or 'none'}"] for v in (c.type_before, c.type_after)}
            lines.append(
                t["country_type"].format(name=name, before=kind[c.type_before], after=kind[c.type_after])
            )
    return _render(
        language,
        t["country_subject"].format(**fields),
        [t["country_intro"].format(**fields), *[f"- {line}" for line in lines],
         t["country_why"].format(min_pp=f"{min_change_pp:g}")],
        greeting=greeting(recipient_name, language),
        footer=t["footer"].format(scope=place["scope"]),
        unsubscribe_url=unsubscribe_url,
    )  # fmt: skip
