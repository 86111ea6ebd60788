"""The rank blend of the rule and the inspection-effort logistic: its score, its probabilities, its drivers."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

from models.recipes import model_lineup
from models.risk_model import FAMILY_INPUTS, RiskModel
from models.rule import rule_score
from models.rule_blend import BLEND_INPUTS, RuleEffortBlend
from tests.unit.models.test_rule_and_selection import _panel


def _inputs(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.loc[:, BLEND_INPUTS].assign(year=frame["year"].to_numpy())


def test_weight_zero_is_the_rule_and_the_score_halves_add_up():
    train = _panel(1)
    rule_only = RuleEffortBlend(weight=0.0).fit(_inputs(train), train["y"])
    np.testing.assert_allclose(rule_only.rank_score(_inputs(train)), rule_score(train) / 2)
    blend = RuleEffortBlend(weight=0.5).fit(_inputs(train), train["y"])
    parts = blend.parts(_inputs(train))
    assert parts["rule"].between(0, 0.5).all() and parts["effort"].between(0, 0.5).all()
    np.testing.assert_allclose(parts.sum(axis=1), blend.rank_score(_inputs(train)))


def test_ranks_are_taken_within_each_training_year():
    train = _panel(2)
    blend = RuleEffortBlend().fit(_inputs(train), train["y"])
    one_year = _inputs(train.loc[train["year"] == 2018]).drop(columns="year")
    # a year scored alone ranks exactly as it did among the training rows of its year
    np.testing.assert_allclose(
        blend.rank_score(one_year), blend.rank_score(_inputs(train))[(train["year"] == 2018).to_numpy()]
    )


def test_probabilities_follow_the_score_and_the_inspections_move_the_rule():
    train, test = _panel(3), _panel(4, years=(2020,))
    blend = RuleEffortBlend().fit(_inputs(train), train["y"])
    p = blend.predict_proba(_inputs(test).drop(columns="year"))[:, 1]
    assert (np.diff(p[np.argsort(blend.rank_score(_inputs(test)), kind="stable")]) >= 0).all()
    # SYNTHETIC events follow inspections that found workers, which the rule does not read
    rule = average_precision_score(test["y"], rule_score(test))
    assert average_precision_score(test["y"], p) > rule


def test_as_a_registered_family_its_drivers_sum_to_its_log_odds():
    train, test = _panel(5), _panel(6, years=(2020,))
    model = model_lineup(list(BLEND_INPUTS), 0, n_bootstrap=3)["rule_blend"]().fit(train, train["y"])
    assert model.family == "rule_blend" and model.features == FAMILY_INPUTS["rule_blend"]
    p = model.predict_proba(test)
    lo, hi = model.interval(test)
    assert ((lo <= p) & (p <= hi)).all()
    contrib = model.contributions(test)
    assert set(contrib.columns) == {*BLEND_INPUTS, "expected_value"}
    np.testing.assert_allclose(contrib.sum(axis=1), np.log(p / (1 - p)), atol=1e-9)
    # the rule half reaches only its own inputs; the effort half only inputs that raise the effort model
    top = contrib.drop(columns="expected_value").loc[p.argmax()]
    assert top["events_past"] >= 0 and (contrib.drop(columns="expected_value") >= -1e-12).all().all()


def test_an_unknown_family_still_names_the_blend_among_the_choices():
    try:
        RiskModel("blend", ["events_past"]).fit(_panel(7), _panel(7)["y"])
    except ValueError as err:
        assert "rule_blend" in str(err)
    else:
        raise AssertionError("an unknown family must be refused")
