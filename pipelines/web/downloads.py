"""The dashboard's table as data: JSON-ready records, CSV and GeoJSON (the same rows as the page shows).

Columns (:data:`DOWNLOAD_COLUMNS`): ``area_id, name, state_id, state``; ``p, p_lo, p_hi``, ``previous_p``
(probabilities in [0, 1]); ``risk_class``, ``reason`` (alert reason code), ``main_reasons`` (the three
largest drivers, ``label (+|-)`` joined by ``; ``), ``status`` (follow-up code of
:mod:`alerts.dashboard`), ``alerted_on``, ``referred_on`` (ISO dates), ``days_since_alert``,
``delay_days`` (whole days). Missing values are empty in CSV and ``null`` in JSON. GeoJSON features carry
the same properties and the area's simplified geometry (EPSG:4326, RFC 7946); areas without a geometry
get ``"geometry": null``.
"""

from __future__ import annotations

import io
import json
import math
from datetime import date

import pandas as pd
import shapely

from alerts.i18n import texts
from alerts.render import top_drivers

DOWNLOAD_COLUMNS = [
    "area_id", "name", "state_id", "state", "p", "p_lo", "p_hi", "previous_p", "risk_class", "reason",
    "main_reasons", "status", "alerted_on", "days_since_alert", "referred_on", "delay_days",
]  # fmt: skip


def _plain(value: object) -> object:
    if value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp | date):
        return value.isoformat()[:10]
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return value


def records(frame: pd.DataFrame, columns: list[str] | None = None) -> list[dict]:
    """Rows of ``frame`` (``columns``, default all) as dicts of JSON values (NaN -> None, dates -> ISO)."""
    columns = columns or list(frame.columns)
    return [{c: _plain(r[c]) for c in columns} for r in frame.to_dict("records")]


def download_rows(rows: pd.DataFrame) -> list[dict]:
    """:func:`records` of the alerted-area rows with ``main_reasons`` in place of the drivers JSON."""
    raises = texts("en")["raises"]
    reasons = [
        "; ".join(f"{d['label']} ({'+' if d['direction'] == raises else '-'})" for d in top_drivers(r, a))
        for r, a in zip(rows["drivers"], rows["area_id"], strict=True)
    ]
    return records(rows.assign(main_reasons=reasons), DOWNLOAD_COLUMNS)


def to_csv(rows: pd.DataFrame) -> str:
    """CSV text (header :data:`DOWNLOAD_COLUMNS`) of the alerted-area rows."""
    buffer = io.StringIO()
    pd.DataFrame(download_rows(rows), columns=DOWNLOAD_COLUMNS).to_csv(
        buffer, index=False, lineterminator="\n"
    )
    return buffer.getvalue()


def to_geojson(rows: pd.DataFrame, geometries: pd.DataFrame) -> dict:
    """A GeoJSON ``FeatureCollection`` of the alerted-area rows (``id`` = ``area_id``)."""
    wkb = dict(zip(geometries["area_id"], geometries["geometry_wkb"], strict=True))
    features = []
    for row in download_rows(rows):
        raw = wkb.get(row["area_id"])
        geometry = json.loads(shapely.to_geojson(shapely.from_wkb(raw))) if raw is not None else None
        features.append({"type": "Feature", "id": row["area_id"], "geometry": geometry, "properties": row})
    return {"type": "FeatureCollection", "features": features}
