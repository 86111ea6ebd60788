"""The planner's rule of thumb as a model: "past events + population".

Score = rank of the municipality's count of past employer-list events (``events_past``) + rank of its log
population (``log_population``), ranks as fractions of the rows ranked together (ties share their mean
rank; a missing population ranks lowest). Ranks are taken within each ``year`` of the frame when it has
that column (training rows of several label years), else over the whole frame (one scored year).
Probabilities come from a monotone map of the score fitted on the training labels, so the rule can be
calibrated, compared on log-loss and registered like any other model; its ranking stays the rule's. The map
is binned isotonic regression on the log-odds scale: the training rows sorted by score are cut into bins of
at least ``min_rows`` rows (a logistic line when that gives fewer than ten bins), each bin's event rate is
smoothed ((events + 0.5) / (rows + 1)), made non-decreasing by pool-adjacent-violators, and the log-odds
are interpolated linearly between the bins' mean scores (flat beyond them) plus a tiny slope that keeps the order strict. A straight logistic line in
the score cannot do this: the score's top half-percent carries event rates ten times the next percent, and
a line through all of them understates the top (its highest probability was under half the rate observed
there). See ADR 0045.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

RULE_INPUTS = ["events_past", "log_population"]
TIE_SLOPE = 1e-6  # log-odds per unit of score added everywhere, so equal bins never tie distinct scores


def input_ranks(frame: pd.DataFrame, columns: list[str] = RULE_INPUTS) -> pd.DataFrame:
    """The columns' fractional ranks (0-1 each; ties share their mean, missing ranks lowest), within
    ``year`` when the frame has it."""
    parts = frame.loc[:, columns].astype("float64").fillna(-np.inf)
    if "year" in frame.columns:
        return parts.groupby(frame["year"].to_numpy()).rank(pct=True)
    return parts.rank(pct=True)


def rule_score(frame: pd.DataFrame, columns: list[str] = RULE_INPUTS) -> np.ndarray:
    """Sum of the columns' fractional ranks (:func:`input_ranks`, 0-1 each)."""
    return input_ranks(frame, columns).sum(axis=1).to_numpy(dtype="float64")


MIN_BINS = 10  # fewer bins than this (under 2,500 training rows at 250 a bin): the logistic line instead


def fit_monotone_logit(score, y, min_rows: int = 250, max_bins: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """``(knots, logits)`` of the binned isotonic map: bin mean scores and their non-decreasing log-odds.

    ``score`` and ``y`` (0/1) are the training rows; bins hold at least ``min_rows`` rows each, at most
    ``max_bins`` bins. With fewer than :data:`MIN_BINS` bins (a regional slice) a handful of bins would
    flatten the ranking's top, so the map is the logistic line through the rule's whole range (knots 0
    and 2), fitted nearly unpenalised and never decreasing."""
    score = np.asarray(score, dtype="float64")
    y = np.asarray(y, dtype="float64")
    n_bins = int(np.clip(len(score) // max(min_rows, 1), 1, max_bins))
    if n_bins < MIN_BINS:
        lr = LogisticRegression(C=1e6, max_iter=1000).fit(score.reshape(-1, 1), y.astype("int64"))
        w, c = max(float(lr.coef_[0, 0]), 0.0), float(lr.intercept_[0])
        return np.array([0.0, 2.0]), np.array([c, c + 2.0 * w])
    order = np.argsort(score, kind="stable")
    chunks = np.array_split(order, n_bins)
    knots = np.array([score[c].mean() for c in chunks])
    rows = np.array([len(c) for c in chunks], dtype="float64")
    rates = np.array([(y[c].sum() + 0.5) / (len(c) + 1.0) for c in chunks])
    rates = IsotonicRegression(increasing=True).fit_transform(knots, rates, sample_weight=rows)
    rates = np.clip(rates, 1e-6, 1 - 1e-6)
    return knots, np.log(rates / (1.0 - rates))


class MonotoneScoreClassifier(ClassifierMixin, BaseEstimator):
    """A classifier whose ranking is a score of its own (:meth:`rank_score`) and whose probabilities are
    expit(g(score)), ``g`` the binned isotonic log-odds map fitted on the training rows
    (:func:`fit_monotone_logit`). ``coef_`` is the map's mean slope (log-odds per unit of score),
    ``intercept_`` its value at score 0. Subclasses define :meth:`rank_score` and may fit what it needs
    in :meth:`fit_inputs`."""

    min_rows: int

    def rank_score(self, X: pd.DataFrame) -> np.ndarray:
        raise NotImplementedError

    def fit_inputs(self, X: pd.DataFrame, y: np.ndarray) -> None:
        """Fit what :meth:`rank_score` reads (nothing by default)."""

    def fit(self, X: pd.DataFrame, y) -> MonotoneScoreClassifier:
        y = np.asarray(y, dtype="int64")
        self.classes_ = np.array([0, 1])
        self.fit_inputs(X, y)
        score = self.rank_score(X)
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
        """Log-odds of the scores ``score``."""
        score = np.asarray(score, dtype="float64")
        return np.interp(score, self.knots_, self.logits_) + TIE_SLOPE * score

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        return self.margin(self.rank_score(X))

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype("int64")


class PastEventsPopulationRule(MonotoneScoreClassifier):
    """The rule: :func:`rule_score` of ``columns`` (0-2) through the monotone map."""

    def __init__(self, columns: tuple[str, ...] = tuple(RULE_INPUTS), min_rows: int = 250):
        self.columns = columns
        self.min_rows = min_rows

    def rank_score(self, X: pd.DataFrame) -> np.ndarray:
        return rule_score(X, list(self.columns))
