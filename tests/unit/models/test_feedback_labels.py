"""Alert feedback as training labels (features.events): confirmed cases add positives inside the label
grid, known by the as-of date; false alarms never remove an employer-list event. Every frame is SYNTHETIC."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest

from features.events import FEEDBACK_COLUMNS, empty_events, feedback_positives, label_frame, with_feedback

AREAS = ["BRA.0000001", "BRA.0000002", "BRA.0000003"]


def _labels() -> pd.DataFrame:
    """SYNTHETIC: one employer-list event, area 1 in 2022."""
    events = pd.DataFrame({"area_id": ["BRA.0000001"], "year": [2022], "events": [1.0], "workers": [4.0]})
    return label_frame(events, AREAS, [2021, 2022])


def _feedback(*rows) -> pd.DataFrame:
    """SYNTHETIC rows: (area_id, target year, outcome, cases, action_date, recorded_at)."""
    frame = pd.DataFrame(
        [(a, date(y, 1, 1), o, c, d, r) for a, y, o, c, d, r in rows], columns=FEEDBACK_COLUMNS
    )
    return frame if rows else pd.DataFrame(columns=FEEDBACK_COLUMNS)


RECORDED = datetime(2023, 6, 1, 12, tzinfo=UTC)


def _y(labels: pd.DataFrame, area: str, year: int) -> int:
    return int(labels.set_index(["area_id", "year"]).loc[(area, year), "y"])


def test_confirmed_cases_add_a_positive_for_their_area_year():
    labels = _labels()
    feedback = _feedback(("BRA.0000002", 2022, "confirmed", 3, date(2023, 2, 1), RECORDED))
    out, added = with_feedback(labels, feedback_positives(feedback))
    assert added == 1 and _y(out, "BRA.0000002", 2022) == 1
    assert out.drop(columns="y").equals(labels.drop(columns="y"))  # same grid, same order
    assert int(out["y"].sum()) == int(labels["y"].sum()) + 1 and out["y"].dtype == np.int64
    assert _y(labels, "BRA.0000002", 2022) == 0  # the argument is not mutated


def test_feedback_known_after_the_as_of_date_adds_nothing():
    feedback = _feedback(
        ("BRA.0000002", 2022, "confirmed", 3, date(2023, 5, 18), RECORDED),  # confirmed the day after
        ("BRA.0000003", 2022, "confirmed", 2, None, RECORDED),  # no date: known when recorded
    )
    as_of = date(2023, 5, 17)
    assert feedback_positives(feedback, as_of).empty
    out, added = with_feedback(_labels(), feedback_positives(feedback, as_of))
    assert added == 0 and out.equals(_labels())
    later = feedback_positives(feedback, date(2023, 6, 1))  # the recording day itself counts
    assert sorted(later["area_id"]) == ["BRA.0000002", "BRA.0000003"]


def test_a_false_alarm_does_not_remove_an_employer_list_event():
    feedback = _feedback(
        ("BRA.0000001", 2022, "false_alarm", None, None, RECORDED),
        ("BRA.0000001", 2022, "confirmed", 0, date(2023, 2, 1), RECORDED),
    )
    out, added = with_feedback(_labels(), feedback_positives(feedback))
    assert added == 0 and _y(out, "BRA.0000001", 2022) == 1 and out.equals(_labels())


def test_no_feedback_changes_nothing():
    for positives in (feedback_positives(_feedback()), feedback_positives(_feedback(), date(2023, 1, 1))):
        assert list(positives.columns) == ["area_id", "year"] and positives.empty
        out, added = with_feedback(_labels(), positives)
        assert added == 0 and out.equals(_labels())


def test_feedback_outside_the_grid_or_on_a_positive_counts_nothing():
    feedback = _feedback(
        ("BRA.0000009", 2022, "confirmed", 5, date(2023, 2, 1), RECORDED),  # another area
        ("BRA.0000002", 2024, "confirmed", 5, date(2024, 2, 1), RECORDED),  # a year the list does not cover
        ("BRA.0000001", 2022, "confirmed", 1, date(2023, 2, 1), RECORDED),  # already an event
    )
    out, added = with_feedback(_labels(), feedback_positives(feedback))
    assert added == 0 and out.equals(_labels())


def test_one_area_year_confirmed_twice_counts_once_and_nan_cases_count_nothing():
    feedback = _feedback(
        ("BRA.0000002", 2021, "confirmed", 1, date(2022, 3, 1), RECORDED),
        ("BRA.0000002", 2021, "confirmed", 2, date(2022, 4, 1), RECORDED),
        ("BRA.0000003", 2021, "confirmed", np.nan, date(2022, 4, 1), RECORDED),
    )
    positives = feedback_positives(feedback)
    assert positives.to_dict("list") == {"area_id": ["BRA.0000002"], "year": [2021]}
    assert with_feedback(_labels(), positives)[1] == 1


@pytest.mark.parametrize(
    "recorded", [datetime(2023, 5, 17, 23, 59), datetime(2023, 5, 17, 23, 59, tzinfo=UTC)]
)
def test_recorded_time_is_read_as_a_utc_day_naive_or_aware(recorded):
    feedback = _feedback(("BRA.0000002", 2022, "confirmed", 1, None, recorded))
    assert len(feedback_positives(feedback, date(2023, 5, 17))) == 1
    assert feedback_positives(feedback, date(2023, 5, 16)).empty


def test_empty_labels_stay_empty():
    labels = label_frame(empty_events(), [], [2022])
    feedback = _feedback(("BRA.0000002", 2022, "confirmed", 1, date(2023, 2, 1), RECORDED))
    out, added = with_feedback(labels, feedback_positives(feedback))
    assert added == 0 and out.empty
