"""Which subscriptions hear area alerts and which hear country-level alerts, with and without rows."""

from __future__ import annotations

import pandas as pd

from pipelines.alerting.scopes import area_feed, country_feed


def test_feeds_split_scopes_and_an_empty_frame_is_no_error():
    subs = pd.DataFrame({"subscription_id": [1, 2, 3], "scope_area_id": ["BRA.PA", "BRA", "NER"]})
    assert area_feed(subs)["subscription_id"].tolist() == [1, 2]
    assert country_feed(subs)["subscription_id"].tolist() == [2, 3]
    # A deployment before anyone subscribed: the delivery check still runs. A query with no rows gives
    # columns without a text dtype.
    empty = pd.DataFrame(
        {"subscription_id": pd.Series([], dtype="int64"), "scope_area_id": pd.Series([], dtype="float64")}
    )
    assert area_feed(empty).empty and country_feed(empty).empty
