"""`known_on`: a row is known on D when its vintage is on or before D."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from features.asof import known_on

# One key published in 2020 and revised in 2022, another first published in 2022.
ROWS = pd.DataFrame(
    {
        "area_id": ["XXA", "XXA", "XXB"],
        "period": [date(2019, 1, 1), date(2019, 1, 1), date(2021, 1, 1)],
        "vintage": [date(2020, 6, 1), date(2022, 6, 1), date(2022, 6, 1)],
        "value": [1.0, 2.0, 5.0],
    }
)


def test_nothing_is_known_before_the_first_vintage():
    assert known_on(ROWS, date(2020, 5, 31)).empty


def test_a_later_revision_does_not_leak_backwards():
    known = known_on(ROWS, date(2021, 12, 31))
    assert known[["area_id", "value"]].values.tolist() == [["XXA", 1.0]]


def test_the_day_itself_counts_and_every_vintage_out_by_then_is_kept():
    known = known_on(ROWS, date(2022, 6, 1))
    assert known["value"].tolist() == [1.0, 2.0, 5.0]
    assert known.index.tolist() == [0, 1, 2]


@pytest.mark.parametrize("as_of", ["2021-12-31", pd.Timestamp("2021-12-31")])
def test_iso_strings_and_timestamps_are_the_same_date(as_of):
    as_strings = ROWS.assign(vintage=ROWS["vintage"].astype(str))  # SQLite returns ISO strings
    assert known_on(as_strings, as_of)["value"].tolist() == [1.0]


def test_a_frame_without_vintage_is_an_error():
    with pytest.raises(ValueError, match="vintage"):
        known_on(ROWS.drop(columns="vintage"), date(2022, 1, 1))
