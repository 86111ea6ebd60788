"""Build the Brazil feature panel from the warehouse and store it in ``feature_value``.

Reads municipalities (``area``, study ``brazil``, level 2) and their yearly observations, computes the
``brazil_v1`` panel (``features.brazil``) for every target year from the first label year + 1 through the
last label year + 1 (the year to score) — bounded by the as-of date: only observations known on it
(``features.asof.known_on``) and no target year after the as-of year + 1 — and replaces each (feature_set, period) partition in one
transaction. Re-running with the same inputs writes the same rows.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import Connection, Date, Engine, bindparam

from features.activities import ACTIVITY_FEATURES
from features.asof import known_on
from features.brazil import build_feature_panel, to_long, to_wide
from features.catalog import FEATURE_LABELS, FEATURE_SET
from features.errors import MissingInputError
from features.events import EVENTS_CODE
from features.inspections import INSPECTION_FEATURES
from features.spatial import neighbour_pairs
from pipelines.quality import DataQualityError, SuiteSpec, validate_frame
from pipelines.settings import Settings, get_settings
from pipelines.sql_files import query
from pipelines.warehouse.engine import warehouse_engine
from pipelines.warehouse.frames import read_frame
from pipelines.warehouse.schema import FeatureValue
from pipelines.warehouse.writes import replace_partition

STUDY = {"study": "brazil", "level": "2"}


def load_observations(conn: Connection) -> pd.DataFrame:
    """Yearly observations of the Brazil municipalities (``area_id``, ``period``, ``indicator_code``,
    ``source``, ``value``, ``vintage``)."""
    # Dates stay as returned (ISO strings on SQLite): features.asof converts them in one vectorised pass.
    return read_frame(conn, query("features_brazil_observations"), STUDY)


def load_areas(conn: Connection) -> gpd.GeoDataFrame:
    """The municipalities with state (``parent_id``), centroid, ``area_km2`` and polygon (EPSG:4326)."""
    rows = read_frame(conn, query("features_brazil_areas"), STUDY)
    geoms = [shapely.from_wkb(b) if b is not None else None for b in rows["geometry_wkb"]]
    return gpd.GeoDataFrame(rows.drop(columns="geometry_wkb"), geometry=geoms, crs="EPSG:4326")


def label_years(conn: Connection) -> tuple[int, int]:
    """First and last inspection year with an employer-list event; raises if there is none."""
    stmt = query("features_label_years").columns(first_period=Date, last_period=Date)
    row = conn.execute(stmt, {**STUDY, "events_code": EVENTS_CODE}).one()
    if row.first_period is None:
        raise MissingInputError(
            f"no {EVENTS_CODE} observations in the warehouse: ingest the Brazil family first"
        )
    return row.first_period.year, row.last_period.year


# Always computable from the event history and the area table: never NULL.
ALWAYS_KNOWN = (
    "event_lag1",
    "event_lag2",
    "events_3y",
    "workers_3y",
    "ever_listed",
    "event_years_past",
    "history_years",
    "n_neighbours",
    "nbr_with_event_3y",
    "nbr_events_3y",
    "events_past",
    "nbr_events_past",
    *INSPECTION_FEATURES,
    *ACTIVITY_FEATURES,
)
PERCENT = (
    "census_extreme_poverty",
    "census_poverty",
    "census_child_extreme_poverty",
    "census_agriculture_share",
    "census_mining_share",
    "census_informal_share",
    "census_illiteracy",
    "census_children_low_education_home",
    "census_rural_share",
)


def feature_suite(n_rows: int) -> SuiteSpec:
    """The gate on the wide panel: one row per (area, target year), counts non-negative, shares in range."""
    unit = dict.fromkeys(
        (
            "event_lag1",
            "event_lag2",
            "ever_listed",
            "nbr_event_share_1y",
            "state_event_rate_3y",
            "census_idhm",
            "census_gini",
        ),
        (0.0, 1.0),
    )
    counts = dict.fromkeys(
        (
            "events_3y",
            "workers_3y",
            "event_years_past",
            "history_years",
            "n_neighbours",
            "nbr_with_event_3y",
            "nbr_events_3y",
            "census_income_pc",
            "events_past",
            "nbr_events_past",
            "insp_total",
            "insp_rescue",
            "insp_no_rescue",
            "insp_rescued_workers",
            "nbr_insp_total",
            "nbr_insp_rescue",
            "nbr_insp_rescued_workers",
            *ACTIVITY_FEATURES,
        ),
        (0.0, None),
    )
    return SuiteSpec(
        name=f"features_{FEATURE_SET}",
        columns=("area_id", "period", *FEATURE_LABELS),
        key=("area_id", "period"),
        not_null=("area_id", "period", *ALWAYS_KNOWN),
        ranges={
            **unit,
            **counts,
            **dict.fromkeys(PERCENT, (0.0, 100.0)),
            "years_since_event": (1.0, None),
            "years_since_inspection": (1.0, 25.0),
            "years_since_rescue": (1.0, 25.0),
        },
        row_count=(n_rows, n_rows),
    )


def gate(frame: pd.DataFrame, spec: SuiteSpec) -> None:
    """Validate ``frame``; on failure raise ``DataQualityError`` naming every failed rule (nothing is written)."""
    report = validate_frame(frame, spec)
    if not report.success:
        rules = "; ".join(f"{f.rule} on {f.column}: {f.detail}" for f in report.failed)
        raise DataQualityError(f"{spec.name} failed {len(report.failed)} expectation(s): {rules}", report)


def _rows(long: pd.DataFrame) -> list[dict]:
    """Row dicts for ``feature_value``; NaN becomes NULL. Plain lists: pandas' ``to_dict`` is 5x slower."""
    values = [None if v != v else v for v in long["value"].to_numpy(dtype="float64").tolist()]
    return [
        {"feature_set": FEATURE_SET, "area_id": a, "period": p, "name": n, "value": v}
        for a, p, n, v in zip(
            long["area_id"].tolist(), long["period"].tolist(), long["name"].tolist(), values, strict=True
        )
    ]


def write_features(engine: Engine, long: pd.DataFrame) -> int:
    """Replace every (``brazil_v1``, period) partition present in ``long`` in one transaction."""
    table = FeatureValue.__table__
    written = 0
    with engine.begin() as conn:
        for period, part in long.groupby("period", sort=True):
            partition = {"feature_set": FEATURE_SET, "period": period}
            written += replace_partition(conn, table, partition, _rows(part))
    return written


def load_feature_panel(conn: Connection, period: date | None = None) -> pd.DataFrame:
    """Wide ``brazil_v1`` features (``area_id``, ``period`` as date, one column per feature).

    All periods, or only ``period``. Empty frame when nothing is stored.
    """
    if period is None:
        long = read_frame(conn, query("features_values"), {"feature_set": FEATURE_SET})
    else:
        params = {"feature_set": FEATURE_SET, "period": period}
        stmt = query("scores_feature_values_for_period").bindparams(bindparam("period", type_=Date))
        long = read_frame(conn, stmt, params)
    if long.empty:
        return pd.DataFrame(columns=["area_id", "period"])
    wide = to_wide(long.assign(value=pd.to_numeric(long["value"], errors="coerce").astype("float64")))
    # Periods come back as ISO strings (SQLite) or dates (PostgreSQL): convert once, after the pivot.
    return wide.assign(period=pd.to_datetime(wide["period"]).dt.date)


def last_label_year(conn: Connection, as_of: date | None) -> tuple[int, int]:
    """:func:`label_years`, the last one capped at the year of ``as_of`` (uncapped when None)."""
    first, last = label_years(conn)
    return first, last if as_of is None else min(last, as_of.year)


def build_brazil_features(settings: Settings | None = None, as_of: date | None = None) -> dict:
    """Compute and store the Brazil panel from what was known on ``as_of`` (None: everything stored).
    Returns ``feature_set``, ``periods`` (ISO dates), ``areas``, ``rows``."""
    settings = settings or get_settings()
    with warehouse_engine(settings) as engine:
        with engine.connect() as conn:
            first, last = last_label_year(conn, as_of)
            observations = load_observations(conn)
            areas = load_areas(conn)
        if as_of is not None:
            observations = known_on(observations, as_of)
        if areas.empty:
            raise MissingInputError(
                "no Brazil municipalities in the area table: ingest the Brazil family first"
            )
        years = list(range(first + 1, last + 2))
        pairs = neighbour_pairs(areas)
        panel = build_feature_panel(observations, areas, pairs, years, first_year=first)
        gate(panel, feature_suite(len(areas) * len(years)))
        rows = write_features(engine, to_long(panel))
    return {
        "feature_set": FEATURE_SET,
        "periods": [date(y, 1, 1).isoformat() for y in years],
        "areas": int(len(areas)),
        "rows": int(rows),
    }
