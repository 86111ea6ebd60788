"""The planner's rule, moved by what the inspection record adds: a rank blend of the rule and the
inspection-effort logistic.

Score = ``(1 − weight) × rule score / 2 + weight × effort rank``: the rule score (:func:`models.rule.rule_score`,
0-2) halved to 0-1, and the effort logistic's log-odds (:func:`models.effort.effort_logistic`) as a
fractional rank (0-1), both within each ``year`` of the frame when it has that column (training rows of
several label years), else over the whole frame (one scored year). Probabilities come from the rule's
monotone map of the score (:func:`models.rule.fit_monotone_logit`), fitted on the training labels.

Why a blend and not the effort model alone: the effort model orders the many municipalities with no
listed past better (higher AUROC), the rule is hard to beat at the very top of the list; averaging the two
ranks keeps most of each, and its difference with the rule varies less from municipality to municipality
than a free model's, so a real gain is told from noise with fewer years. ``weight`` is chosen inside each
training window like any other hyperparameter (``models.selection``); ``weight = 0`` is the rule itself.
See ADR 0071.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

from models.effort import EFFORT_FEATURES, effort_logistic
from models.rule import RULE_INPUTS, TIE_SLOPE, fit_monotone_logit, input_ranks, rule_score

BLEND_INPUTS = list(dict.fromkeys([*RULE_INPUTS, *EFFORT_FEATURES]))


class RuleEffortBlend(ClassifierMixin, BaseEstimator):
    """``predict_proba`` = expit(g(blend score)); ``g`` is the rule's binned isotonic log-odds map.

    Learned state: ``effort_`` (the fitted effort pipeline), ``knots_``/``logits_`` (the map), ``coef_``
    (the map's mean slope, log-odds per unit of score) and ``intercept_`` (its value at score 0).
    """

    def __init__(self, weight: float = 0.5, C: float = 0.03, random_state: int = 0, min_rows: int = 250):
        self.weight = weight
        self.C = C
        self.random_state = random_state
        self.min_rows = min_rows

    def parts(self, X: pd.DataFrame) -> pd.DataFrame:
        """The two halves of the score per row: ``rule`` ((1 − weight) × rule score / 2) and ``effort``
        (weight × the effort model's rank)."""
        effort = np.asarray(self.effort_.decision_function(X.loc[:, EFFORT_FEATURES]), dtype="float64")
        return pd.DataFrame(
            {
                "rule": (1.0 - self.weight) * rule_score(X, list(RULE_INPUTS)) / 2.0,
                "effort": self.weight * input_ranks(X.assign(effort=effort), ["effort"])["effort"].to_numpy(),
            },
            index=X.index,
        )

    def score(self, X: pd.DataFrame) -> np.ndarray:  # type: ignore[override]
        """The blend score (0-1) per row."""
        return self.parts(X).sum(axis=1).to_numpy(dtype="float64")

    def fit(self, X: pd.DataFrame, y) -> RuleEffortBlend:
        y = np.asarray(y, dtype="int64")
        self.classes_ = np.array([0, 1])
        self.effort_ = effort_logistic(self.random_state, C=self.C).fit(X.loc[:, EFFORT_FEATURES], y)
        score = self.score(X)
        if len(np.unique(y)) < 2:
            rate = float(np.clip(y.mean() if len(y) else 0.0, 1e-6, 1 - 1e-6))
            self.knots_, self.logits_ = np.array([0.0]), np.array([np.log(rate / (1 - rate))])
        else:
            self.knots_, self.logits_ = fit_monotone_logit(score, y, self.min_rows)
        span = float(self.knots_[-1] - self.knots_[0])
        self.coef_ = float(self.logits_[-1] - self.logits_[0]) / span + TIE_SLOPE if span > 0 else TIE_SLOPE
        self.intercept_ = float(self.margin(np.array([0.0]))[0])
        return self

    def margin(self, score) -> np.ndarray:
        """Log-odds of blend scores ``score`` (0-1)."""
        score = np.asarray(score, dtype="float64")
        return np.interp(score, self.knots_, self.logits_) + TIE_SLOPE * score

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        return self.margin(self.score(X))

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype("int64")
