"""The expectation suites of the ingest gates, as code.

Observation suites check the generic long shape (columns, compound key, not-null, value ranges by unit,
known area ids and indicator codes, ``vintage`` not before ``period`` starts, row count); area suites
check ids, levels, parents, coordinates and sizes.
"""

from __future__ import annotations

from collections.abc import Iterable

from pipelines.quality.suite_spec import Bounds, SuiteSpec

# Allowed value range of each unit (inclusive). A unit missing here is only checked for not-null.
UNIT_RANGES: dict[str, Bounds] = {
    "percent": (0.0, 100.0),
    "count": (0.0, None),
    "persons": (0.0, None),
    "index_0_1": (0.0, 1.0),
    "flag_0_1": (0.0, 1.0),
    "ordinal_0_4": (0.0, 4.0),
    "years": (0.0, 120.0),
    "per_1000": (0.0, 1000.0),
    "brl_2010": (0.0, None),
    "usd": (0.0, None),
    "usd_2015": (0.0, None),
    "score_-10_10": (-10.0, 10.0),
    "index_0_100": (0.0, 100.0),
    "per_100": (0.0, None),
    "per_100000": (0.0, 100_000.0),
    "percent_gross": (0.0, None),
    "intl_usd_ppp": (0.0, None),
    "persons_million": (0.0, None),
    "usd_ppp_2011_per_day": (0.0, None),
    "age_years": (0.0, 25.0),
}

OBSERVATION_COLUMNS = ("area_id", "period", "indicator_code", "source", "vintage", "freq", "value")
AREA_COLUMNS = (
    "area_id",
    "level",
    "parent_id",
    "name",
    "iso3",
    "study",
    "centroid_lon",
    "centroid_lat",
    "area_km2",
)


def observation_suite(
    name: str,
    area_ids: Iterable[str],
    indicator_codes: Iterable[str],
    sources: Iterable[str],
    row_count: Bounds,
    area_pattern: str | None = None,
) -> SuiteSpec:
    """Suite for a long observation staging frame keyed on (area, period, indicator, source, vintage).

    ``area_ids`` are the areas that exist (in the warehouse); ``area_pattern`` the well-formed id, if given.
    """
    return SuiteSpec(
        name=name,
        columns=OBSERVATION_COLUMNS + ("unit",),
        key=("area_id", "period", "indicator_code", "source", "vintage"),
        not_null=OBSERVATION_COLUMNS + ("unit",),
        ranges_by_unit=dict(UNIT_RANGES),
        allowed={
            "area_id": frozenset(area_ids),
            "indicator_code": frozenset(indicator_codes),
            "source": frozenset(sources),
            "freq": frozenset({"year", "month"}),
        },
        patterns={"area_id": area_pattern} if area_pattern else {},
        ordered_pairs=(("vintage", "period"),),
        row_count=row_count,
    )


def area_suite(
    name: str,
    id_pattern: str,
    levels: Iterable[str],
    row_count: Bounds,
    parent_ids: Iterable[str] | None = None,
) -> SuiteSpec:
    """Suite for an area staging frame: one row per ``area_id``; ``parent_ids`` (if given) are the allowed
    parents, e.g. the frame's own country and state ids."""
    allowed = {"level": frozenset(levels)}
    if parent_ids is not None:
        allowed["parent_id"] = frozenset(parent_ids)
    return SuiteSpec(
        name=name,
        columns=AREA_COLUMNS,
        key=("area_id",),
        not_null=("area_id", "level", "name", "study"),
        ranges={"centroid_lat": (-90.0, 90.0), "centroid_lon": (-180.0, 180.0), "area_km2": (0.0, None)},
        allowed=allowed,
        patterns={"area_id": id_pattern, "parent_id": id_pattern, "iso3": r"^[A-Z]{3}$"},
        row_count=row_count,
    )
