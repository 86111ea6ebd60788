"""The Brazil training inputs as frames, and their rebuild "as published" on a date (pure; the warehouse
reads are in ``pipelines.brazil.inputs``).

Frames: ``panel`` one row per (``area_id``, feature ``year``), features of ``features.catalog``; ``labels``
one row per (``area_id``, label ``year``) with ``y`` 0/1 for every labelled year. Cases an officer
confirmed through alert feedback add positives inside the label years (never negatives; features never
read feedback): docs/adr/0027-feedback-as-training-labels.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from features.asof import known_on, with_years
from features.brazil import build_feature_panel
from features.errors import MissingInputError
from features.events import (
    EMPLOYER_LIST_PREFIX,
    EVENTS_CODE,
    FEEDBACK_COLUMNS,
    WORKERS_CODE,
    event_table,
    feedback_positives,
    label_frame,
    with_feedback,
)
from features.inspections import INSPECTION_CODES


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


@dataclass(frozen=True)
class RawInputs:
    """Every yearly observation of the municipalities, the municipalities, their neighbour pairs and the
    alert feedback (labels only)."""

    observations: pd.DataFrame
    areas: pd.DataFrame
    pairs: pd.DataFrame
    feedback: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FEEDBACK_COLUMNS))


def labels_for(observations: pd.DataFrame, area_ids, first: int, last: int) -> pd.DataFrame:
    """``area_id, year, y`` for every area of ``area_ids`` and label year ``first``..``last`` (y = 1 when
    ``observations`` record an event in that area and year)."""
    events = event_table(with_years(observations))
    return label_frame(events, list(area_ids), list(range(first, last + 1)))


def as_published_inputs(raw: RawInputs, as_of: date, last_feature_year: int | None = None) -> TrainingInputs:
    """Features and labels rebuilt keeping only employer-list and inspection-record rows whose edition
    (``vintage``) was published on or before ``as_of`` (every ``fl_employer_list_*`` indicator); other sources keep their own as-of rules (features.asof). Feedback
    adds a positive label only when its confirmation was known on or before ``as_of``.

    Feature years run from the first label year + 1 to ``last_feature_year`` (default: last label + 1).
    Raises :class:`MissingInputError` when no edition was published by ``as_of``.
    """
    observations = raw.observations
    # every indicator the employer list publishes (events, workers, activity flags) and the inspection record
    codes = observations["indicator_code"].astype(str)
    by_edition = codes.str.startswith(EMPLOYER_LIST_PREFIX) | codes.isin(INSPECTION_CODES)
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
    labels = labels_for(label_rows, raw.areas["area_id"], first, last)
    labels, added = with_feedback(labels, feedback_positives(raw.feedback, as_of))
    edition = pd.to_datetime(label_rows["vintage"]).max().date().isoformat()
    return TrainingInputs(panel, labels, first, last, edition, added)
