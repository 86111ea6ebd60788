"""What the Brazil training reads: the stored feature panel and labels as published by the latest list
edition, or — for a date ``as_of`` — features and labels rebuilt from only the editions published by then.

Frames: ``panel`` one row per (``area_id``, feature ``year``), features of ``features.catalog``; ``labels``
one row per (``area_id``, label ``year``) with ``y`` 0/1 for every labelled year. Cases an officer
confirmed through alert feedback add positives inside the label years (never negatives; features never
read feedback): docs/adr/0027-feedback-as-training-labels.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import Connection, Date, DateTime

from features.asof import known_on, with_years
from features.brazil import build_feature_panel
from features.catalog import FEATURE_SET
from features.events import (
    EVENTS_CODE,
    FEEDBACK_COLUMNS,
    WORKERS_CODE,
    event_table,
    feedback_positives,
    label_frame,
    with_feedback,
)
from features.inspections import INSPECTION_CODES
from features.spatial import neighbour_pairs
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


@dataclass(frozen=True)
class TrainingInputs:
    """``first``/``last``: first and last label year; ``label_vintage``: newest edition used (ISO);
    ``labels_from_feedback``: labels that are 1 only because an officer confirmed cases."""

    panel: pd.DataFrame
    labels: pd.DataFrame
    first: int
    last: int
    label_vintage: str
    labels_from_feedback: int = 0


def _label_observations(conn: Connection) -> pd.DataFrame:
    stmt = query("train_events").columns(period=Date, vintage=Date)
    return read_frame(conn, stmt, {**STUDY, "events_code": EVENTS_CODE, "workers_code": WORKERS_CODE})


def load_feedback(conn: Connection) -> pd.DataFrame:
    """Confirmed-case and false-alarm feedback per alert (:data:`features.events.FEEDBACK_COLUMNS`)."""
    stmt = query("train_feedback").columns(period=Date, action_date=Date, recorded_at=DateTime)
    return read_frame(conn, stmt).reindex(columns=FEEDBACK_COLUMNS)


def _labels(observations: pd.DataFrame, area_ids, first: int, last: int) -> pd.DataFrame:
    events = event_table(with_years(observations))
    return label_frame(events, list(area_ids), list(range(first, last + 1)))


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
    labels = _labels(observations, panel["area_id"].unique(), first, last)
    labels, added = with_feedback(labels, feedback_positives(load_feedback(conn), as_of))
    return TrainingInputs(panel, labels, first, last, max(observations["vintage"]).isoformat(), added)


@dataclass(frozen=True)
class RawInputs:
    """Every yearly observation of the municipalities, the municipalities, their neighbour pairs and the
    alert feedback (labels only)."""

    observations: pd.DataFrame
    areas: pd.DataFrame
    pairs: pd.DataFrame
    feedback: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FEEDBACK_COLUMNS))


def load_raw_inputs(conn: Connection) -> RawInputs:
    """Read what :func:`as_published_inputs` rebuilds features from (once per training)."""
    areas = load_areas(conn)
    return RawInputs(load_observations(conn), areas, neighbour_pairs(areas), load_feedback(conn))


def as_published_inputs(raw: RawInputs, as_of: date, last_feature_year: int | None = None) -> TrainingInputs:
    """Features and labels rebuilt keeping only employer-list and inspection-record rows whose edition
    (``vintage``) was published on or before ``as_of``; other sources keep their own as-of rules (features.asof). Feedback
    adds a positive label only when its confirmation was known on or before ``as_of``.

    Feature years run from the first label year + 1 to ``last_feature_year`` (default: last label + 1).
    Raises :class:`MissingInputError` when no edition was published by ``as_of``.
    """
    observations = raw.observations
    by_edition = observations["indicator_code"].isin([EVENTS_CODE, WORKERS_CODE, *INSPECTION_CODES])
    kept = pd.concat(
        [observations.loc[~by_edition], known_on(observations.loc[by_edition], as_of)]
    ).sort_index()
    events = kept.loc[(kept["indicator_code"] == EVENTS_CODE) & (pd.to_numeric(kept["value"]) > 0)]
    if events.empty:
        raise MissingInputError(f"no employer-list edition was published by {as_of.isoformat()}")
    years = pd.to_datetime(events["period"]).dt.year
    first, last = int(years.min()), int(years.max())
    end = last_feature_year or last + 1
    feature_years = list(range(first + 1, end + 1))
    panel = build_feature_panel(kept, raw.areas, raw.pairs, feature_years, first)
    panel = panel.assign(year=pd.to_datetime(panel["period"]).dt.year).drop(columns="period")
    label_rows = kept.loc[kept["indicator_code"].isin([EVENTS_CODE, WORKERS_CODE])]
    labels = _labels(label_rows, raw.areas["area_id"], first, last)
    labels, added = with_feedback(labels, feedback_positives(raw.feedback, as_of))
    edition = pd.to_datetime(label_rows["vintage"]).max().date().isoformat()
    return TrainingInputs(panel, labels, first, last, edition, added)
