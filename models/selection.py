"""Nested choice of model family and hyperparameters, inside one training window.

:class:`NestedSelection` scores every candidate of :data:`CANDIDATES` by rolling origin over the training
label years only: for each training year ``v`` after the first, fit on the years before ``v`` and compute
the AUPR on ``v``; the candidate with the best mean wins (ties go to the earlier, simpler candidate — the
rule is first) and is refitted on every training year. With a single training year there is nothing to
validate on and the rule is kept. Nothing outside the training years is read, so a backtest window that
uses it reports an honest outer score.

A :class:`FitCache` shared by the selections of one backtest fits each candidate once per distinct set of
training rows: the inner fit on the years before ``v`` is the same in every outer window that validates
on ``v``, and in both selections of a window (the effort candidates are also the full selection's).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

from models.risk_model import FAMILY_INPUTS, RiskModel


@dataclass(frozen=True)
class Candidate:
    """One family with its hyperparameters; ``name`` as reported (e.g. ``effort_logistic(C=0.03)``)."""

    family: str
    params: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        args = ",".join(f"{k}={v}" for k, v in sorted(self.params.items()))
        return f"{self.family}({args})" if args else self.family


CANDIDATES: tuple[Candidate, ...] = (
    Candidate("rule"),
    Candidate("effort_logistic", {"C": 0.03}),
    Candidate("effort_logistic", {"C": 0.3}),
    Candidate("logistic", {"C": 0.1}),
    Candidate("lightgbm"),
)


def make_model(
    candidate: Candidate,
    features: list[str],
    random_state: int,
    n_bootstrap: int = 0,
    calibrate: bool = True,
) -> RiskModel:
    """The candidate as an unfitted :class:`RiskModel` (its own inputs, or ``features`` for the wide ones)."""
    inputs = FAMILY_INPUTS.get(candidate.family, list(features))
    return RiskModel(
        candidate.family,
        list(inputs),
        random_state=random_state,
        n_bootstrap=n_bootstrap,
        calibrate=calibrate,
        **candidate.params,
    )


def rows_fingerprint(frame: pd.DataFrame, columns: list[str], y: np.ndarray) -> str:
    """A digest of the rows' ``columns`` values, in order, and their labels ``y``."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(pd.util.hash_pandas_object(frame.loc[:, columns], index=False).to_numpy().tobytes())
    digest.update(np.ascontiguousarray(y, dtype="int64").tobytes())
    return digest.hexdigest()


class FitCache:
    """Fitted candidates by what determines the fit: candidate, inputs, seed, bootstrap refits,
    calibration and a fingerprint of the training rows (:func:`rows_fingerprint`). Fitted models are
    only read afterwards (predict, interval, contributions), so one fit can serve several selections."""

    def __init__(self) -> None:
        self._fits: dict[tuple, RiskModel] = {}
        self.hits = 0

    def fit(
        self,
        candidate: Candidate,
        features: list[str],
        random_state: int,
        frame: pd.DataFrame,
        y: np.ndarray,
        n_bootstrap: int = 0,
        calibrate: bool = True,
    ) -> RiskModel:
        model = make_model(candidate, features, random_state, n_bootstrap, calibrate)
        columns = [*model.features, "year"] if "year" in frame.columns else list(model.features)
        key = (candidate.name, tuple(columns), random_state, n_bootstrap, calibrate)
        key = (*key, rows_fingerprint(frame, columns, y))
        if key in self._fits:
            self.hits += 1
            return self._fits[key]
        self._fits[key] = model.fit(frame, y)
        return self._fits[key]


def inner_scores(
    frame: pd.DataFrame,
    y: np.ndarray,
    candidates: tuple[Candidate, ...],
    features: list[str],
    random_state: int,
    cache: FitCache | None = None,
) -> dict[str, float]:
    """Mean inner AUPR per candidate name over the validation years of ``frame`` (see module doc); empty
    when no training year after the first has an event and events before it."""
    cache = cache or FitCache()
    years = frame["year"].to_numpy()
    out: dict[str, list[float]] = {c.name: [] for c in candidates}
    for v in np.unique(years)[1:]:
        train, valid = years < v, years == v
        if y[train].sum() == 0 or y[valid].sum() == 0:
            continue
        for c in candidates:
            # AUPR reads the ranking only: the inner fits skip calibration
            model = cache.fit(c, features, random_state, frame.loc[train], y[train], calibrate=False)
            out[c.name].append(
                float(average_precision_score(y[valid], model.predict_proba(frame.loc[valid])))
            )
    return {k: float(np.mean(v)) for k, v in out.items() if v}


class NestedSelection:
    """Fit chooses a candidate inside the training years, then refits it; the rest delegates to it.

    Learned state: ``inner_`` (candidate name → inner AUPR), ``chosen_`` (:class:`Candidate`), ``model_``
    (the refitted :class:`RiskModel`). ``cache``: a :class:`FitCache` to share fits with other selections
    (None: a private one).
    """

    def __init__(
        self,
        features: list[str],
        random_state: int = 0,
        n_bootstrap: int = 0,
        candidates: tuple[Candidate, ...] = CANDIDATES,
        cache: FitCache | None = None,
    ):
        self.features = features
        self.random_state = random_state
        self.n_bootstrap = n_bootstrap
        self.candidates = candidates
        self.cache = cache

    def fit(self, frame: pd.DataFrame, y) -> NestedSelection:
        y = np.asarray(y, dtype="int64")
        cache = self.cache or FitCache()
        self.inner_ = inner_scores(frame, y, self.candidates, self.features, self.random_state, cache)
        if self.inner_:
            best = max(self.inner_.values())
            self.chosen_ = next(c for c in self.candidates if self.inner_.get(c.name) == best)
        else:
            self.chosen_ = self.candidates[0]
        self.model_ = cache.fit(self.chosen_, self.features, self.random_state, frame, y, self.n_bootstrap)
        return self

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        return self.model_.predict_proba(frame)

    def interval(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        return self.model_.interval(frame)

    def draws(self, frame: pd.DataFrame) -> np.ndarray:
        return self.model_.draws(frame)

    def contributions(self, frame: pd.DataFrame) -> pd.DataFrame:
        return self.model_.contributions(frame)
