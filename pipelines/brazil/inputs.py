"""What the Brazil training reads from the warehouse: the stored feature panel and labels as published by
the latest list edition, and the raw inputs that ``features.training_inputs.as_published_inputs`` rebuilds
features and labels from for a date ``as_of`` (frames and keys: :mod:`features.training_inputs`).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Connection, Date, DateTime

from features.asof import known_on
from features.catalog import FEATURE_SET
from features.events import (
    EVENTS_CODE,
    FEEDBACK_COLUMNS,
    WORKERS_CODE,
    feedback_positives,
    with_feedback,
)
from features.spatial import neighbour_pairs
from features.training_inputs import RawInputs, TrainingInputs, labels_for
from pipelines.brazil.features import (
    STUDY,
    MissingInputError,
    last_label_year,
    load_areas,
    load_feature_panel,
    load_observations,
)
from pipelines.sql_files import query
from pipelines.warehouse.frames import read_frame


def _label_observations(conn: Connection) -> pd.DataFrame:
    stmt = query("train_events").columns(period=Date, vintage=Date)
    return read_frame(conn, stmt, {**STUDY, "events_code": EVENTS_CODE, "workers_code": WORKERS_CODE})


def load_feedback(conn: Connection) -> pd.DataFrame:
    """Confirmed-case and false-alarm feedback per alert (:data:`features.events.FEEDBACK_COLUMNS`)."""
    stmt = query("train_feedback").columns(period=Date, action_date=Date, recorded_at=DateTime)
    return read_frame(conn, stmt).reindex(columns=FEEDBACK_COLUMNS)


def latest_edition_inputs(conn: Connection, as_of: date | None = None) -> TrainingInputs:
    """The stored panel and labels as published by the latest edition known on ``as_of`` (None: the
    latest stored), with the feedback known by then; raises when features are missing."""
    first, last = last_label_year(conn, as_of)
    panel = load_feature_panel(conn)
    if panel.empty:
        raise MissingInputError(f"no {FEATURE_SET} features stored: run build_brazil_features first")
    panel = panel.assign(year=pd.to_datetime(panel["period"]).dt.year).drop(columns="period")
    missing = sorted(set(range(first + 1, last + 2)) - set(panel["year"]))
    if missing:
        raise MissingInputError(f"no {FEATURE_SET} features for target years {missing}: rebuild the features")
    observations = _label_observations(conn)
    if as_of is not None:
        panel = panel.loc[panel["year"] <= last + 1]
        observations = known_on(observations, as_of)
    labels = labels_for(observations, panel["area_id"].unique(), first, last)
    labels, added = with_feedback(labels, feedback_positives(load_feedback(conn), as_of))
    return TrainingInputs(panel, labels, first, last, max(observations["vintage"]).isoformat(), added)


def load_raw_inputs(conn: Connection) -> RawInputs:
    """Read what :func:`features.training_inputs.as_published_inputs` rebuilds features from (once per training)."""
    areas = load_areas(conn)
    return RawInputs(load_observations(conn), areas, neighbour_pairs(areas), load_feedback(conn))
