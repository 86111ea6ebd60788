"""Subscription scopes: what an area id or an area's name may stand for, and which areas are alerted.

Two feeds exist (docs/adr/0067-country-level-alerts.md):

- **area alerts** (municipalities at high risk) for Brazil only: the scope is ``BRA``, a state
  (``BRA.PA``) or a municipality (``BRA.1500107``);
- **country-level alerts** (a country's child-labour estimate or intervention type changed between
  world-estimate runs) for any country (``NER``, ``BRA``) or UN SDG region (``SDG.SSA``, "Sub-Saharan
  Africa": every country under it): the scope is the country's ISO3 id or the region's id.

Anything else — a province outside Brazil (``NER.2207``) — is refused, naming what to subscribe to
instead. A scope may be written as an id or as the area's published name (``Pará``, ``Niger``); a name
shared by several areas ("Rio de Janeiro": a state and a municipality) is refused, listing their ids.
``sdg87 areas --search TEXT`` lists the ids.
"""

from __future__ import annotations

import unicodedata

import pandas as pd
from sqlalchemy import Connection, select

from pipelines.warehouse.schema import Area

AREA_ALERT_COUNTRY = "BRA"  # the only country whose areas below country level are alerted
AREA_COLUMNS = ["area_id", "name", "level", "parent_id", "study"]


class ScopeError(ValueError):
    """A scope that names no alerted area, or several; the message says which ids to use."""


def load_areas(conn: Connection) -> pd.DataFrame:
    """Every area: :data:`AREA_COLUMNS`, ordered by ``area_id``."""
    t = Area.__table__
    rows = conn.execute(select(*(t.c[c] for c in AREA_COLUMNS)).order_by(t.c.area_id)).all()
    return pd.DataFrame(rows, columns=AREA_COLUMNS)


def alerted(areas: pd.DataFrame) -> pd.Series:
    """Which rows of ``areas`` a subscription may name: Brazil and its areas, every country and every
    region (a UN SDG region, ``SDG.LAC``: its countries' country-level alerts)."""
    ids = areas["area_id"].astype(str)
    brazil = (ids == AREA_ALERT_COUNTRY) | ids.str.startswith(AREA_ALERT_COUNTRY + ".")
    return brazil | areas["level"].isin(["0", "region"])


def feed(area_id: str) -> str:
    """``area+country`` for ``BRA``, ``area`` for an area inside Brazil, ``country`` for another country
    or a region."""
    if area_id == AREA_ALERT_COUNTRY:
        return "area+country"
    return "area" if area_id.startswith(AREA_ALERT_COUNTRY + ".") else "country"


def country_feed(subs: pd.DataFrame) -> pd.DataFrame:
    """The subscriptions that receive country-level alerts (scope a country, ``BRA`` included)."""
    return subs.loc[_feeds(subs).str.contains("country")]


def area_feed(subs: pd.DataFrame) -> pd.DataFrame:
    """The subscriptions that receive Brazil's area alerts (``BRA`` and the areas inside it)."""
    return subs.loc[_feeds(subs).str.startswith("area")]


def _feeds(subs: pd.DataFrame) -> pd.Series:
    """The :func:`feed` of each subscription, as text even when there is none (an empty frame)."""
    return subs["scope_area_id"].map(feed).astype("string")


def _folded(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


def resolve_scope(text: str, areas: pd.DataFrame) -> str:
    """The ``area_id`` that ``text`` (an id or a published name, any case) names, or :class:`ScopeError`."""
    wanted = text.strip()
    ok = alerted(areas)
    by_id = areas.loc[areas["area_id"] == wanted]
    if by_id.empty:
        by_id = areas.loc[areas["area_id"].str.casefold() == wanted.casefold()]
    if not by_id.empty:
        row = by_id.iloc[0]
        if not ok[by_id.index[0]]:
            raise ScopeError(
                f"scope {wanted!r} ({row['name']}) is below country level outside Brazil: only Brazil's "
                f"areas are alerted; subscribe to the country {row['parent_id']!r} for its country-level alerts"
            )
        return str(row["area_id"])
    named = areas.loc[ok & (areas["name"].astype(str).map(_folded) == _folded(wanted))]
    if len(named) == 1:
        return str(named["area_id"].iloc[0])
    if len(named) > 1:
        options = ", ".join(
            f"{n} ({i}, level {lv})" for i, n, lv in named[["area_id", "name", "level"]].to_numpy()
        )
        raise ScopeError(f"scope {wanted!r} names {len(named)} areas: {options}; give the id")
    raise ScopeError(
        f"scope {wanted!r} is neither an area id nor an area's name; `sdg87 areas --search` lists them"
    )


def search_areas(areas: pd.DataFrame, text: str | None = None, level: str | None = None) -> pd.DataFrame:
    """The alerted areas whose id or name contains ``text`` (any case), at ``level`` if given, with the
    ``feed`` each would receive."""
    out = areas.loc[alerted(areas)]
    if level is not None:
        out = out.loc[out["level"] == level]
    if text:
        needle = _folded(text)
        hit = out["name"].astype(str).map(_folded).str.contains(needle, regex=False) | out[
            "area_id"
        ].str.casefold().str.contains(needle, regex=False)
        out = out.loc[hit]
    return out.assign(feed=out["area_id"].map(feed)).reset_index(drop=True)
