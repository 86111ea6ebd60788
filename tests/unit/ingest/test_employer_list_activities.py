"""The employer list's CNAE divisions become one activity flag per group (features.activities)."""

from __future__ import annotations

import pandas as pd

from features.activities import ACTIVITY_GROUPS
from pipelines.ingest.sources.brazil.employer_list import ACTIVITY_DIVISIONS, activity_flags


def test_divisions_fall_in_their_groups_and_others_add_no_flag():
    assert tuple(ACTIVITY_DIVISIONS) == ACTIVITY_GROUPS
    flags = activity_flags(pd.Series(["01", "02|08", "97", "41|01"]))
    assert flags.to_dict("list") == {
        "agriculture": [1.0, 0.0, 0.0, 1.0],
        "forestry_charcoal": [0.0, 1.0, 0.0, 0.0],
        "mining": [0.0, 1.0, 0.0, 0.0],
        "construction": [0.0, 0.0, 0.0, 1.0],
    }
