"""Rolling-origin backtest on a SYNTHETIC panel: no window ever trains on its target year or later."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from models.backtest import horizon_examples, rolling_origin, window_frames
from models.windows import BRAZIL_BACKTEST, backtest_windows

# SYNTHETIC: 4 areas, feature years 2016-2021, labels 2015-2020; area "a" has an event every year.
PANEL = pd.DataFrame(
    [{"area_id": a, "year": y, "x": float(a == "a")} for a in "abcd" for y in range(2016, 2022)]
)
LABELS = pd.DataFrame(
    [{"area_id": a, "year": y, "y": int(a == "a")} for a in "abcd" for y in range(2015, 2021)]
)
CONFIG = replace(
    BRAZIL_BACKTEST, first_train_label_year=2016, first_eval_year=2018, gate_years=(2018,), editions=()
)


class Spy:
    """Records the label years it was trained on; predicts x."""

    seen: list[tuple[int, ...]] = []

    def fit(self, frame, y):
        Spy.seen.append(tuple(sorted(set(frame["year"]))))
        return self

    def predict_proba(self, frame):
        return np.where(frame["x"] > 0, 0.9, 0.1)


def test_horizon_examples_pair_features_with_later_labels():
    h2 = horizon_examples(PANEL, LABELS, 2)
    assert (h2["year"] == h2["feature_year"] + 1).all()
    assert h2["year"].max() == 2020 and h2["feature_year"].max() == 2019


def test_windows_train_only_on_labels_up_to_the_origin():
    Spy.seen = []
    windows = backtest_windows(CONFIG, 2015, 2020)
    table, preds = rolling_origin(windows, lambda w: window_frames(w, PANEL, LABELS, LABELS), {"spy": Spy})
    assert len(table) == len(windows) == 5  # h=1: 2018-2020, h=2: 2019-2020 (2018 has no training year)
    for (_, row), seen in zip(table.iterrows(), Spy.seen, strict=True):
        assert max(seen) <= row["origin"] < row["target_year"]
    assert (table["aupr"] == 1.0).all() and set(preds["model"]) == {"spy"}
    assert {"bss", "ece", "r_at_50", "label_basis"} <= set(table.columns)


def test_windows_without_training_events_are_skipped():
    windows = backtest_windows(CONFIG, 2015, 2020)
    none = LABELS.assign(y=0)
    table, preds = rolling_origin(windows, lambda w: window_frames(w, PANEL, none, LABELS), {"spy": Spy})
    assert table.empty and preds.empty


def test_recipes_may_depend_on_the_window():
    windows = backtest_windows(CONFIG, 2015, 2020)
    chosen = []

    def lineup(window):
        chosen.append(window.horizon)
        return {"spy": Spy}

    rolling_origin(windows, lambda w: window_frames(w, PANEL, LABELS, LABELS), lineup)
    assert chosen == [w.horizon for w in windows]
