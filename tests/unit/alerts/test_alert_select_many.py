"""Many subscriptions in one ``select_alerts`` call decide exactly what one call per subscription decides
(the area tree, scope rows and history are shared across subscriptions, never their results).

SYNTHETIC: a made-up tree of 6 regions × 30 cells, seeded scores, earlier alerts and open states."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from alerts.select import HISTORY_COLUMNS, STATE_COLUMNS, select_alerts
from models.risk import risk_class

TODAY = date(2026, 3, 1)


def _inputs():
    rng = np.random.default_rng(87)
    cells = [f"X.{r}.{c}" for r in range(6) for c in range(30)]
    areas = pd.DataFrame(
        {
            "area_id": ["X", *[f"X.{r}" for r in range(6)], *cells],
            "parent_id": [None, *["X"] * 6, *[c.rsplit(".", 1)[0] for c in cells]],
        }
    )
    p = rng.beta(0.6, 4, len(cells))
    p[::17] = np.nan
    scores = pd.DataFrame(
        {"area_id": cells, "period": date(2026, 1, 1), "horizon": 1, "model_name": "m", "model_version": "2",
         "p": p, "risk_class": np.where(np.isnan(p), "low", risk_class(np.nan_to_num(p), 0.15, 0.3))}
    )  # fmt: skip
    subs = pd.DataFrame(
        {
            "subscription_id": range(1, 25),
            "scope_area_id": [
                ["X", "X.0", "X.1", "X.2", "X.3", "X.4", "X.5", "X.9"][i % 8] for i in range(24)
            ],
            "min_class": [["high", "medium", None][i % 3] for i in range(24)],
            "cadence": [["immediate", "weekly", "monthly", "immediate"][i % 4] for i in range(24)],
        }
    )
    picked = rng.choice(np.flatnonzero(np.nan_to_num(p) >= 0.15), 60)  # earlier alerts on areas in class now
    history = pd.DataFrame(
        {"subscription_id": rng.choice([1, 9, 17, 2, 4], 60), "area_id": np.array(cells)[picked],
         "period": [date(2025, 1, 1), date(2026, 1, 1)] * 30, "horizon": 1, "model_name": "m",
         "model_version": ["1", "2"] * 30, "risk_class": "high", "p": rng.uniform(0.2, 0.6, 60)}
    )[HISTORY_COLUMNS]  # fmt: skip
    states = history.drop_duplicates(["subscription_id", "area_id"])
    states = states.assign(
        state=np.where(np.arange(len(states)) % 2 == 0, "open", "closed"), alerted_on=date(2026, 1, 10)
    )[STATE_COLUMNS]
    return scores, areas, subs, history, states


RULES = [
    {"top_n": 25, "leave_p": 0.2},
    {"top_n": 4, "leave_p": 0.1, "cooldown_days": 30, "today": TODAY},
    {"top_n": 3, "leave_p": 0.1, "skilled": False},
]


@pytest.mark.parametrize("rules", RULES)
def test_one_call_equals_one_call_per_subscription(rules):
    scores, areas, subs, history, states = _inputs()
    together = select_alerts(scores, areas, subs, history, states=states, **rules)
    alone = [
        select_alerts(scores, areas, subs.iloc[[i]], history, states=states, **rules)
        for i in range(len(subs))
    ]
    for part in ("alerts", "summary", "states"):
        expected = pd.concat([getattr(a, part) for a in alone], ignore_index=True)
        got = getattr(together, part).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected.astype(got.dtypes.to_dict()), check_exact=True)
    if rules is RULES[0]:  # every rule has work to do here
        counts = together.summary[["n_selected", "n_more", "n_left", "n_still_high", "n_already_alerted"]]
        assert (counts.sum() > 0).all(), counts.sum()
