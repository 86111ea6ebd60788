"""Evaluation windows: no overlap, no look-ahead, clear failure when there is too little history."""

from __future__ import annotations

import pytest

from models.windows import holdout_windows


def test_brazil_windows():
    w = holdout_windows(2011, 2023)
    assert w.train_years == tuple(range(2012, 2023))
    assert w.heldout_year == 2023 and w.score_year == 2024
    assert w.refit_years == (*range(2012, 2023), 2023)
    assert max(w.train_years) < w.heldout_year < w.score_year
    assert w.heldout_year not in w.train_years


def test_minimum_span():
    assert holdout_windows(2020, 2022).train_years == (2021,)
    with pytest.raises(ValueError, match="at least 3 years"):
        holdout_windows(2021, 2022)
