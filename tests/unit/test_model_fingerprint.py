"""The registry's fingerprint: an identical model is the same version, a model whose probabilities or
intervals differ is a new one (SYNTHETIC data)."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from models.risk_model import RiskModel
from pipelines.brazil.registry import model_fingerprint


def _frame(n: int = 600) -> pd.DataFrame:
    rng = np.random.default_rng(4)
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "year": np.repeat([2019, 2020, 2021], n // 3),
            "area_id": np.tile([f"BRA.{1100000 + i}" for i in range(n // 3)], 3),
        }
    )
    frame["y"] = (rng.uniform(size=n) < 1 / (1 + np.exp(-(frame["x"] - 2.5)))).astype(int)
    return frame


def test_intervals_are_part_of_what_makes_a_version():
    frame = _frame()
    model = RiskModel("logistic", ["x"], random_state=0, n_bootstrap=2).fit(frame, frame["y"])
    same = RiskModel("logistic", ["x"], random_state=0, n_bootstrap=2).fit(frame, frame["y"])
    identity = {"train_years": "2019-2021"}
    assert model_fingerprint(model, frame, identity) == model_fingerprint(same, frame, identity)
    wider = copy.deepcopy(model)
    wider.level_spread_ = model.level_spread_ + 0.5  # same probabilities, wider intervals
    assert np.array_equal(wider.predict_proba(frame), model.predict_proba(frame))
    assert model_fingerprint(wider, frame, identity) != model_fingerprint(model, frame, identity)
    assert model_fingerprint(model, frame, {"train_years": "2019-2020"}) != model_fingerprint(
        model, frame, identity
    )
