"""The rule as a model, nested selection, the paired bootstrap gate, intercept refit and count intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from models.calibration import expit, level_spread, logit, refit_intercept
from models.count_intervals import count_interval, state_count_intervals
from models.effort import EFFORT_FEATURES
from models.paired_bootstrap import paired_difference
from models.risk_model import RiskModel
from models.rule import PastEventsPopulationRule, rule_score
from models.selection import CANDIDATES, NestedSelection


def _panel(seed: int, years=(2017, 2018, 2019), n: int = 600) -> pd.DataFrame:
    """SYNTHETIC: events follow past events, population and (strongly) inspections that found workers."""
    rng = np.random.default_rng(seed)
    frames = []
    for year in years:
        f = pd.DataFrame(
            {
                "area_id": [f"BRA.{1100000 + i}" for i in range(n)],
                "year": year,
                "events_past": rng.poisson(0.2, n).astype(float),
                "log_population": rng.normal(9.5, 1.0, n),
                "insp_total": rng.poisson(0.6, n).astype(float),
                "insp_rescue": rng.poisson(0.4, n).astype(float),
            }
        )
        for col in (
            "insp_rescued_workers",
            "nbr_events_past",
            "nbr_insp_total",
            "nbr_insp_rescue",
            "nbr_insp_rescued_workers",
        ):
            f[col] = rng.poisson(1.0, n).astype(float)
        f["n_neighbours"] = 5.0
        f["years_since_inspection"] = rng.integers(1, 25, n).astype(float)
        f["years_since_rescue"] = 25.0
        m = -4.5 + 0.4 * f["events_past"] + 0.3 * (f["log_population"] - 9.5) + 1.5 * f["insp_rescue"]
        f["y"] = (rng.random(n) < expit(m)).astype(int)
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


def test_rule_score_is_the_sum_of_ranks_within_each_year():
    frame = pd.DataFrame({"events_past": [0.0, 2.0, 1.0], "log_population": [3.0, 1.0, 2.0]})
    assert rule_score(frame).tolist() == [1 / 3 + 1.0, 1.0 + 1 / 3, 2 / 3 + 2 / 3]
    two_years = pd.concat([frame.assign(year=1), frame.assign(year=2)], ignore_index=True)
    assert rule_score(two_years).tolist() == rule_score(frame).tolist() * 2


def test_rule_probabilities_keep_the_rule_ranking():
    train, test = _panel(1), _panel(2, years=(2020,))
    rule = PastEventsPopulationRule().fit(train, train["y"])
    p = rule.predict_proba(test)[:, 1]
    assert rule.coef_ > 0
    assert (np.argsort(p, kind="stable") == np.argsort(rule_score(test), kind="stable")).all()
    model = RiskModel("rule", ["events_past", "log_population"]).fit(train, train["y"])
    contrib = model.contributions(test)
    np.testing.assert_allclose(
        contrib.sum(axis=1), np.log(model.predict_proba(test) / (1 - model.predict_proba(test)))
    )


def test_nested_selection_sees_only_its_training_years_and_beats_the_rule_when_it_should():
    train = _panel(3)
    chosen = NestedSelection(EFFORT_FEATURES, random_state=0).fit(train, train["y"].to_numpy())
    assert set(chosen.inner_) <= {c.name for c in CANDIDATES}
    assert chosen.chosen_.family != "rule"  # inspections carry the signal the rule ignores
    one_year = train.loc[train["year"] == 2017]
    assert (
        NestedSelection(EFFORT_FEATURES, 0).fit(one_year, one_year["y"].to_numpy()).chosen_.family == "rule"
    )


def test_paired_bootstrap_gate():
    rng = np.random.default_rng(4)
    rows = []
    for year in (2019, 2020, 2021):
        y = (rng.random(3000) < 0.03).astype(int)
        rows.append(
            pd.DataFrame(
                {
                    "target_year": year,
                    "y": y,
                    "good": np.clip(0.03 + 0.2 * y + rng.normal(0, 0.02, 3000), 1e-3, 0.99),
                    "rule": np.clip(0.03 + 0.02 * y + rng.normal(0, 0.02, 3000), 1e-3, 0.99),
                }
            )
        )
    preds = pd.concat(rows, ignore_index=True)
    better = paired_difference(preds, "good", "rule", n_boot=200)
    assert better["gate"] == 1.0 and better["aupr_lo"] > 0 and better["aupr_lo"] <= better["aupr_diff"]
    same = paired_difference(preds.assign(copy=preds["rule"]), "copy", "rule", n_boot=50)
    assert same["gate"] == 0.0 and same["aupr_diff"] == 0.0


def test_intercept_refit_matches_the_rate():
    margin = np.random.default_rng(5).normal(-4, 1, 5000)
    d = refit_intercept(margin, 0.05)
    assert abs(expit(margin + d).mean() - 0.05) < 1e-8
    assert refit_intercept(margin, 0.0) == 0.0


def test_level_spread_is_the_error_of_last_years_rate():
    rates = [0.01, 0.02, 0.01]
    steps = np.diff(logit(rates))
    # the latest change weighs 1, the one before 2**-0.5 (half-life 2 years)
    assert level_spread(rates) == pytest.approx(np.sqrt(np.average(steps**2, weights=[2**-0.5, 1.0])))
    assert level_spread(rates, half_life=1e9) == pytest.approx(np.sqrt(np.mean(steps**2)))
    # an old jump of a register filling in fades; a recent one does not
    assert level_spread([0.001, 0.01, 0.0101, 0.0102, 0.0103]) < level_spread([0.0101, 0.0102, 0.0103, 0.001])
    assert level_spread(rates, horizon=2) == pytest.approx(np.sqrt(2) * level_spread(rates))
    assert level_spread([0.01, 0.0, 0.02]) == pytest.approx(
        abs(np.diff(logit([0.01, 0.02]))[0])
    )  # 0 left out
    assert level_spread([0.01]) == 0.0 and level_spread([]) == 0.0


def test_count_interval_covers_binomial_outcomes_at_its_level():
    # SYNTHETIC: outcomes drawn from the very probabilities; coverage must be near 90 %, binomial noise allowed
    rng = np.random.default_rng(6)
    p = rng.beta(0.5, 20, 3000)
    _, lo, hi = count_interval(p, n_draws=4000, seed=1)
    counts = (rng.random((400, len(p))) < p).sum(axis=1)
    coverage = np.mean((counts >= lo) & (counts <= hi))
    assert 0.85 <= coverage <= 0.97  # 400 trials: 2 binomial standard errors ≈ ±0.03 around 0.90
    table = state_count_intervals(
        pd.DataFrame({"area_id": ["BRA.1100015", "BRA.1500107"], "p": [0.5, 0.5], "y": [1, 0]})
    )
    assert table["state"].tolist() == ["BRA", "11", "15"] and table.loc[0, "covered"] == 1.0


def test_size_effects_are_never_the_headline_driver():
    from models.drivers import top_drivers

    contrib = pd.DataFrame(
        {
            "log_population": [2.0, 1.0],
            "insp_rescue": [0.5, 0.0],
            "events_past": [0.0, 0.0],
            "expected_value": -4.0,
        }
    )
    first, second = top_drivers(contrib, {"insp_rescue": "Inspections here found workers"}, n=3)
    assert [d["feature"] for d in first] == ["insp_rescue", "log_population"]
    assert first[0]["label"] == "Inspections here found workers"
    assert [d["feature"] for d in second] == ["log_population"]  # nothing else moved this score


def test_calibration_never_reverses_a_ranking():
    from models.calibration import fit_platt

    # SYNTHETIC: a fold where the few events sit at the low margins would fit a negative slope
    margin = np.r_[np.zeros(90), np.ones(10)]
    y = np.r_[np.ones(5), np.zeros(95)]
    a, b = fit_platt(margin, y)
    assert a == 1.0 and expit(margin + b).mean() > 0
    assert fit_platt(np.r_[np.zeros(90), np.ones(10)], np.r_[np.zeros(90), np.ones(10)])[0] > 1.0


def test_rule_probabilities_follow_a_steep_top_instead_of_a_line():
    """The top 1 % of scores carries 30 % events, the rest 1 %: the binned map gets the top right, where
    a straight logistic line in the score would pull it down toward the bulk."""
    rng = np.random.default_rng(7)
    n = 30_000
    frame = pd.DataFrame({"events_past": rng.random(n), "log_population": rng.random(n)})
    top = rule_score(frame) >= np.quantile(rule_score(frame), 0.99)
    y = (rng.random(n) < np.where(top, 0.30, 0.01)).astype(int)
    rule = PastEventsPopulationRule().fit(frame, y)
    p = rule.predict_proba(frame)[:, 1]
    line = LogisticRegression(C=1e6).fit(rule_score(frame).reshape(-1, 1), y)
    p_line = line.predict_proba(rule_score(frame).reshape(-1, 1))[:, 1]
    gap, gap_line = abs(p[top].mean() - y[top].mean()), abs(p_line[top].mean() - y[top].mean())
    assert gap < 0.5 * gap_line and p.max() > 0.25
    assert abs(p[~top].mean() - y[~top].mean()) < 0.005
    assert np.all(np.diff(p[np.argsort(rule_score(frame), kind="stable")]) >= 0)


def test_rule_on_few_rows_is_the_logistic_line():
    """Under ten bins of training rows the map is a straight line over the score's range: a few wide bins
    would flatten the top of a regional slice's ranking."""
    rng = np.random.default_rng(8)
    frame = pd.DataFrame({"events_past": rng.random(1200), "log_population": rng.random(1200)})
    score = rule_score(frame)
    y = (rng.random(1200) < 0.01 + 0.1 * (score / 2) ** 4).astype(int)
    rule = PastEventsPopulationRule().fit(frame, y)
    assert rule.knots_.tolist() == [0.0, 2.0] and rule.coef_ > 0
    line = LogisticRegression(C=1e6, max_iter=1000).fit(score.reshape(-1, 1), y)
    np.testing.assert_allclose(
        rule.predict_proba(frame)[:, 1], line.predict_proba(score.reshape(-1, 1))[:, 1], rtol=1e-4
    )


def test_a_resample_weighs_its_rows_the_same_as_scikit_learn_scores_the_resampled_rows():
    from sklearn.metrics import average_precision_score

    from models.paired_bootstrap import _Ranked

    rng = np.random.default_rng(4)  # SYNTHETIC: rare events, scores rounded to make many ties
    for _ in range(100):
        y = (rng.random(400) < 0.04).astype(float)
        p = np.round(rng.random(400), 2)
        rows = rng.integers(0, 400, 400)
        ranked = _Ranked(y, p)
        w = np.bincount(rows, minlength=400).astype(float)
        if 0 < y[rows].sum() < 400:
            assert ranked.aupr(w) == pytest.approx(average_precision_score(y[rows], p[rows]), abs=1e-12)
        else:
            assert np.isnan(ranked.aupr(w))
        clipped = np.clip(p[rows], 1e-6, 1 - 1e-6)
        loss = -np.mean(y[rows] * np.log(clipped) + (1 - y[rows]) * np.log(1 - clipped))
        assert ranked.log_loss(w) == pytest.approx(loss, abs=1e-12)
