"""The planner's rule of thumb as a model: "past events + population".

Score = rank of the municipality's count of past employer-list events (``events_past``) + rank of its log
population (``log_population``), ranks as fractions of the rows ranked together (ties share their mean
rank; a missing population ranks lowest). Ranks are taken within each ``year`` of the frame when it has
that column (training rows of several label years), else over the whole frame (one scored year).
Probabilities come from a one-variable logistic fit of the training labels on the training scores, so the
rule can be calibrated, compared on log-loss and registered like any other model; its ranking is the rule's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

RULE_INPUTS = ["events_past", "log_population"]


def rule_score(frame: pd.DataFrame, columns: list[str] = RULE_INPUTS) -> np.ndarray:
    """Sum of the columns' fractional ranks (0-1 each), within ``year`` when the frame has it."""
    parts = frame.loc[:, columns].astype("float64").fillna(-np.inf)
    if "year" in frame.columns:
        ranks = parts.groupby(frame["year"].to_numpy()).rank(pct=True)
    else:
        ranks = parts.rank(pct=True)
    return ranks.sum(axis=1).to_numpy(dtype="float64")


class PastEventsPopulationRule(ClassifierMixin, BaseEstimator):
    """``predict_proba`` = expit(w · rule score + c), ``w``/``c`` fitted on the training rows."""

    def __init__(self, columns: tuple[str, ...] = tuple(RULE_INPUTS)):
        self.columns = columns

    def fit(self, X: pd.DataFrame, y) -> PastEventsPopulationRule:
        y = np.asarray(y, dtype="int64")
        score = rule_score(X, list(self.columns)).reshape(-1, 1)
        self.classes_ = np.array([0, 1])
        if len(np.unique(y)) < 2:
            rate = float(np.clip(y.mean() if len(y) else 0.0, 1e-6, 1 - 1e-6))
            self.coef_, self.intercept_ = 0.0, float(np.log(rate / (1 - rate)))
            return self
        lr = LogisticRegression(C=1e6, max_iter=1000).fit(score, y)
        self.coef_, self.intercept_ = float(lr.coef_[0, 0]), float(lr.intercept_[0])
        return self

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        return self.coef_ * rule_score(X, list(self.columns)) + self.intercept_

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype("int64")
