"""One risk model with a uniform interface, whatever the estimator: calibrated probabilities, a per-area
interval and signed drivers in log-odds.

``family`` is ``lightgbm`` (SHAP contributions from the booster), ``logistic`` or ``effort_logistic``
(coefficient × standardised value, summed with the feature's missing-value indicator), ``rule`` or
``rule_blend`` (the log-odds the rank score adds, shared by its parts) or one of the rate baselines (their log-odds
above the training base rate, attributed to their input), so the best model can always be registered. Both are calibrated by Platt scaling of the
log-odds margin fitted on out-of-fold predictions of the training window (``models.calibration``), and
carry ``n_bootstrap`` refits on seeded bootstrap resamples of the training municipalities (all label years
of a drawn municipality together).

Uncertainty: ``draws`` gives plausible probabilities for each row — a bootstrap refit picked at random plus
a log-odds shift common to every area, drawn from N(0, ``level_spread_``), the spread of the base rate
``h`` years after the last training year (``models.calibration.level_spread`` on the training years'
rates). ``interval`` returns their ``alpha/2`` and ``1 - alpha/2`` quantiles: the uncertainty of the
probability from the training sample and from the year's level, not from the 0/1 outcome
(``models.intervals`` checks them with the outcome's binomial noise). Input: the wide feature frame with a
``year`` column (label year) at fit, and ``feature_year`` when the horizon is not 1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.baselines import (
    HistoricalFrequencyBaseline,
    NeighbourRateBaseline,
    PersistenceBaseline,
    PopulationRateBaseline,
    logistic_baseline,
)
from models.calibration import expit, fit_platt, level_spread, logit, out_of_fold_margin, refit_intercept
from models.effort import EFFORT_FEATURES, effort_logistic
from models.lightgbm_model import make_classifier
from models.rule import RULE_INPUTS, PastEventsPopulationRule, input_ranks
from models.rule_blend import BLEND_INPUTS, RuleEffortBlend

# A baseline can be the champion when no learned model beats it. Its inputs: the first one carries its
# whole contribution (the others only normalise it, e.g. years of history).
BASELINE_INPUTS: dict[str, list[str]] = {
    "persistence": ["event_lag1"],
    "historical_frequency": ["event_years_past", "history_years"],
    "population_rate": ["log_population"],
    "neighbour_rate": ["nbr_with_event_3y", "n_neighbours"],
    "rule": list(RULE_INPUTS),
}
# Learned families that read a fixed, compact input list rather than every model feature.
FAMILY_INPUTS: dict[str, list[str]] = {
    **BASELINE_INPUTS,
    "effort_logistic": list(EFFORT_FEATURES),
    "rule_blend": list(BLEND_INPUTS),
}
# Families whose estimator ranks within ``year`` at fit (the training rows of several label years).
RANKED_FAMILIES = ("rule", "rule_blend")
BASELINE_CLASSES = {
    "persistence": PersistenceBaseline,
    "historical_frequency": HistoricalFrequencyBaseline,
    "population_rate": PopulationRateBaseline,
    "neighbour_rate": NeighbourRateBaseline,
}
FAMILIES = ("lightgbm", "logistic", "effort_logistic", "rule_blend", "rule", *BASELINE_INPUTS)


class RiskModel:
    """Fit with :meth:`fit`; learned state ends in ``_``. Deterministic for a given ``random_state``."""

    n_draws = 400  # probability draws behind ``interval`` and the coverage checks

    def __init__(
        self,
        family: str,
        features: list[str],
        random_state: int = 0,
        calibrate: bool = True,
        n_bootstrap: int = 0,
        alpha: float = 0.1,
        C: float = 0.1,
        level: str = "latest_year",
    ):
        self.family = family
        self.features = features
        self.random_state = random_state
        self.calibrate = calibrate
        self.n_bootstrap = n_bootstrap
        self.alpha = alpha
        self.C = C
        self.level = level

    def _estimator(self, seed: int):
        if self.family == "lightgbm":
            return make_classifier(seed)
        if self.family == "logistic":
            return logistic_baseline(seed, C=self.C)
        if self.family == "effort_logistic":
            return effort_logistic(seed, C=self.C)
        if self.family == "rule":
            return PastEventsPopulationRule()
        if self.family == "rule_blend":
            return RuleEffortBlend(random_state=seed)
        if self.family in BASELINE_CLASSES:
            return BASELINE_CLASSES[self.family]()
        raise ValueError(f"unknown model family {self.family!r}; expected one of {FAMILIES}")

    def _margin(self, estimator, X: pd.DataFrame) -> np.ndarray:
        if self.family == "lightgbm":
            return np.asarray(estimator.predict_proba(X, raw_score=True), dtype="float64")
        if self.family in ("logistic", "effort_logistic", "rule", "rule_blend"):
            return np.asarray(estimator.decision_function(X), dtype="float64")
        return logit(estimator.predict_proba(X)[:, 1])

    def _inputs(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The estimator's input columns; the ranked families also rank within ``year`` when the frame
        has it."""
        X = frame[self.features].astype("float64")
        if self.family in RANKED_FAMILIES and "year" in frame.columns:
            X = X.assign(year=frame["year"].to_numpy())
        return X

    def fit(self, frame: pd.DataFrame, y) -> RiskModel:
        """Fit on ``frame`` (features + ``year``); ``y`` is 0/1 per row.

        With ``level="latest_year"`` the calibrated intercept is then shifted so that the mean probability
        over the last training label year equals that year's event rate (the base rate moves from year to
        year; the Platt slope is kept). ``level="pooled"`` keeps the Platt intercept.
        """
        X = self._inputs(frame)
        y = np.asarray(y, dtype="int64")
        self.estimator_ = self._estimator(self.random_state).fit(X, y)
        self.prior_ = float(logit(max(min(y.mean(), 1 - 1e-6), 1e-6))) if len(y) else 0.0
        self.platt_ = (1.0, 0.0)
        if self.calibrate:
            years = frame["year"].to_numpy()

            def fold(train: np.ndarray, test: np.ndarray) -> np.ndarray:
                if y[train].sum() == 0:
                    return np.full(int(test.sum()), logit(max(y[train].mean(), 1e-6)))
                est = self._estimator(self.random_state).fit(X.loc[train], y[train])
                return self._margin(est, X.loc[test])

            oof = out_of_fold_margin(years, fold)
            if oof is not None:
                self.platt_ = fit_platt(oof, y)
        self.shift_ = 0.0
        if self.level == "latest_year" and "year" in frame.columns and len(y):
            last = frame["year"].to_numpy() == frame["year"].max()
            a, b = self.platt_
            margin = a * self._margin(self.estimator_, X.loc[last]) + b
            self.shift_ = refit_intercept(margin, float(y[last].mean()))
        self.level_spread_ = _level_spread(frame, y)
        rng = np.random.default_rng(self.random_state)
        self.bootstrap_ = []
        clusters = _cluster_rows(frame)
        for b in range(self.n_bootstrap):
            picked = rng.integers(0, len(clusters), len(clusters))
            rows = np.concatenate([clusters[i] for i in picked]) if len(clusters) else np.array([], int)
            if y[rows].sum() == 0:
                continue
            self.bootstrap_.append(self._estimator(self.random_state + 1 + b).fit(X.iloc[rows], y[rows]))
        return self

    def _calibrated(self, margin: np.ndarray) -> np.ndarray:
        a, b = self.platt_
        return expit(a * margin + b + getattr(self, "shift_", 0.0))

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        """Calibrated P(event) per row, shape (n,)."""
        return self._calibrated(self._margin(self.estimator_, self._inputs(frame)))

    def draws(self, frame: pd.DataFrame) -> np.ndarray:
        """Plausible calibrated probabilities, shape (:attr:`n_draws`, n): each draw is one fit (the model
        or a bootstrap refit, picked at random) with one level shift for every row (see module doc).
        Seeded by ``random_state``; every row equals ``predict_proba`` when there is neither bootstrap nor
        level spread."""
        X = self._inputs(frame)
        fits = [self.estimator_, *self.bootstrap_]
        margins = np.vstack([self._margin(est, X) for est in fits])
        rng = np.random.default_rng(self.random_state + 7919)
        pick = rng.integers(0, len(fits), self.n_draws)
        shift = rng.normal(0.0, getattr(self, "level_spread_", 0.0), self.n_draws)
        return self._calibrated(margins[pick] + shift[:, None] / self.platt_[0])

    def interval(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """``(p_lo, p_hi)``: the ``alpha/2`` and ``1 - alpha/2`` quantiles of :meth:`draws`, widened to
        contain ``p``; ``(p, p)`` when there is neither bootstrap nor level spread."""
        p = self.predict_proba(frame)
        if not self.bootstrap_ and not getattr(self, "level_spread_", 0.0):
            return p, p
        draws = self.draws(frame)
        lo = np.quantile(draws, self.alpha / 2, axis=0)
        hi = np.quantile(draws, 1 - self.alpha / 2, axis=0)
        return np.minimum(lo, p), np.maximum(hi, p)

    def contributions(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Signed contributions in calibrated log-odds: one column per feature plus ``expected_value``;
        per row they sum to the calibrated log-odds of ``predict_proba``."""
        X = self._inputs(frame)
        a, b = self.platt_
        if self.family == "lightgbm":
            raw = np.asarray(self.estimator_.booster_.predict(X, pred_contrib=True))
            out = pd.DataFrame(raw, index=frame.index, columns=[*self.features, "expected_value"])
        elif self.family in ("logistic", "effort_logistic"):
            out = _linear_contributions(self.estimator_, X)
        elif self.family == "rule":
            out = _rule_contributions(self.estimator_, X, list(self.features))
        elif self.family == "rule_blend":
            out = _blend_contributions(self.estimator_, X)
        else:  # a rate baseline: everything above the training base rate comes from its input
            out = pd.DataFrame(0.0, index=frame.index, columns=[*self.features, "expected_value"])
            out[self.features[0]] = self._margin(self.estimator_, X) - self.prior_
            out["expected_value"] = self.prior_
        out = out * a
        out["expected_value"] = out["expected_value"] + b + getattr(self, "shift_", 0.0)
        return out


def _level_spread(frame: pd.DataFrame, y: np.ndarray) -> float:
    """:func:`models.calibration.level_spread` of the training label years' event rates, at the
    horizon the rows were built for (label year − feature year + 1; 1 without ``feature_year``)."""
    if "year" not in frame.columns or not len(y):
        return 0.0
    years = frame["year"].to_numpy()
    rates = pd.Series(y, dtype="float64").groupby(years).mean().sort_index()
    horizon = int((frame["year"] - frame["feature_year"]).iloc[0]) + 1 if "feature_year" in frame else 1
    return level_spread(rates.to_list(), horizon)


def _cluster_rows(frame: pd.DataFrame) -> list[np.ndarray]:
    """Row positions per municipality (``area_id``), the unit a bootstrap resamples; one row each
    without ``area_id``."""
    if "area_id" not in frame.columns:
        return [np.array([i]) for i in range(len(frame))]
    codes = pd.factorize(frame["area_id"])[0]
    order = np.argsort(codes, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(codes[order])) + 1)


def _rule_contributions(rule: PastEventsPopulationRule, X: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Each input's share of the rule score times the log-odds the score adds over a score of 0:
    ``rank_i / score × (g(score) − g(0))``; ``g(0)`` is the expected value, so a row sums to ``g(score)``."""
    ranks = input_ranks(X, columns)
    score = ranks.sum(axis=1).to_numpy(dtype="float64")
    base = float(rule.margin(np.array([0.0]))[0])
    gain = rule.margin(score) - base
    share = np.divide(gain, score, out=np.zeros_like(score), where=score > 0)
    out = ranks.mul(share, axis=0)
    out["expected_value"] = base
    return out


def _blend_contributions(blend: RuleEffortBlend, X: pd.DataFrame) -> pd.DataFrame:
    """The log-odds the blend score adds over a score of 0, ``g(score) − g(0)``, shared by the score's
    parts: the rule half between its inputs by their ranks (as :func:`_rule_contributions`), the effort
    half between the effort inputs that raise the effort model's log-odds (coefficient × standardised
    value above zero), in proportion to those terms; ``g(0)`` is the expected value, so a row sums to
    ``g(score)``. An effort half with no raising input goes to its largest term."""
    parts = blend.parts(X)
    score = parts.sum(axis=1).to_numpy(dtype="float64")
    base = float(blend.margin(np.array([0.0]))[0])
    gain = blend.margin(score) - base
    per_score = np.divide(gain, score, out=np.zeros_like(score), where=score > 0)
    rule_part = input_ranks(X, list(RULE_INPUTS)).mul((1.0 - blend.weight) / 2.0 * per_score, axis=0)
    terms = _linear_contributions(blend.effort_, X.loc[:, list(EFFORT_FEATURES)]).drop(
        columns="expected_value"
    )
    raising = terms.clip(lower=0.0).to_numpy()
    top = terms.to_numpy().argmax(axis=1)
    none = raising.sum(axis=1) <= 0
    raising[none, top[none]] = 1.0
    share = raising / raising.sum(axis=1, keepdims=True)
    effort_part = pd.DataFrame(
        share * (parts["effort"].to_numpy() * per_score)[:, None], index=X.index, columns=terms.columns
    )
    out = pd.DataFrame(0.0, index=X.index, columns=[c for c in X.columns if c != "year"])
    out = out.add(rule_part, fill_value=0.0).add(effort_part, fill_value=0.0)
    out = out.loc[:, [c for c in X.columns if c != "year"]]
    out["expected_value"] = base
    return out


def _linear_contributions(pipeline, X: pd.DataFrame) -> pd.DataFrame:
    """coef × standardised value per input column, missing-value indicators folded into their feature."""
    z = pipeline[:-1].transform(X)
    names = pipeline[:-1].get_feature_names_out(list(X.columns))
    lr = pipeline[-1]
    z = z.reindex(columns=names) if isinstance(z, pd.DataFrame) else z
    terms = pd.DataFrame(np.asarray(z) * lr.coef_[0], index=X.index, columns=names)
    out = pd.DataFrame(0.0, index=X.index, columns=list(X.columns))
    for name in names:
        base = name.removeprefix("missingindicator_")
        out[base] = out[base] + terms[name]
    out["expected_value"] = float(lr.intercept_[0])
    return out
