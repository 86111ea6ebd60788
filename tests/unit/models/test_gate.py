"""models.gate: one "beats the baseline" rule for the registry promotion gates and the alert skill gate."""

from __future__ import annotations

import math

import pytest

from models.gate import alert_skill, beats, brazil_promotion, strongest_naive


@pytest.mark.parametrize(
    ("score", "baseline", "lower", "expected"),
    [
        (0.31, 0.30, False, True),
        (0.30, 0.30, False, False),  # a tie loses
        (0.29, 0.30, False, False),
        (math.nan, 0.30, False, False),
        (0.31, math.nan, False, False),
        (None, 0.30, False, False),
        (0.31, None, False, False),
        (0.31, -math.inf, False, False),  # infinite baselines are not numbers to beat
        (2.1, 2.4, True, True),  # MAE in percentage points: lower is better
        (2.4, 2.4, True, False),
        (2.5, 2.4, True, False),
    ],
)
def test_beats_is_strict_and_fails_closed(score, baseline, lower, expected):
    assert beats(score, baseline, lower_is_better=lower) is expected


def test_strongest_naive_reads_only_naive_baselines_and_leaves_out_the_model_itself():
    gate = {"lightgbm": 0.50, "rule": 0.40, "persistence": 0.20, "neighbour_rate": 0.25}
    assert strongest_naive(gate) == 0.25
    assert strongest_naive(gate, exclude="neighbour_rate") == 0.20
    assert strongest_naive({"lightgbm": 0.5, "rule": 0.4}) is None


def test_rule_champion_that_lost_to_a_learned_candidate_still_has_alert_skill():
    # The rule is champion (no learned model beat it beyond doubt) though a learned model's point AUPR is
    # higher: promotion compared the learned models with the rule; alerts compare with the naive baselines.
    metrics = {
        "aupr": 0.40,
        "best_baseline_aupr": 0.42,
        "gate_lightgbm_aupr": 0.42,
        "gate_persistence_aupr": 0.20,
        "gate_neighbour_rate_aupr": 0.30,
        "gate_pass": 1.0,
    }
    assert alert_skill(metrics).passed and alert_skill(metrics).baseline == 0.30
    assert brazil_promotion(metrics).passed and brazil_promotion(metrics).baseline is None
    assert alert_skill({**metrics, "best_naive_aupr": 0.41}).passed is False  # the logged metric wins


def test_older_runs_fall_back_to_the_strongest_other_model():
    old = {"aupr": 0.40, "best_baseline_aupr": 0.42}
    assert not alert_skill(old).passed and alert_skill(old).baseline == 0.42
    assert not brazil_promotion(old).passed
    assert brazil_promotion({"aupr": 0.43, "best_baseline_aupr": 0.42}).passed
    assert not brazil_promotion({"aupr": 0.43}).passed  # no baseline logged: fails closed
    assert not brazil_promotion({"aupr": math.nan, "gate_pass": 1.0}).passed
    assert alert_skill({}).score is None and not alert_skill({}).passed
