"""Nested choice of model family and hyperparameters, inside one training window.

:class:`NestedSelection` scores every candidate of :data:`CANDIDATES` by rolling origin over the training
label years only: for each training year ``v`` after the first, fit on the years before ``v`` and compute
the AUPR on ``v``; the candidate with the best mean wins (ties go to the earlier, simpler candidate — the
rule is first) and is refitted on every training year. With a single training year there is nothing to
validate on and the rule is kept. Nothing outside the training years is read, so a backtest window that
uses it reports an honest outer score.
"""

from __future__ import annotations

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


def inner_scores(
    frame: pd.DataFrame,
    y: np.ndarray,
    candidates: tuple[Candidate, ...],
    features: list[str],
    random_state: int,
) -> dict[str, float]:
    """Mean inner AUPR per candidate name over the validation years of ``frame`` (see module doc); empty
    when no training year after the first has an event and events before it."""
    years = frame["year"].to_numpy()
    out: dict[str, list[float]] = {c.name: [] for c in candidates}
    for v in np.unique(years)[1:]:
        train, valid = years < v, years == v
        if y[train].sum() == 0 or y[valid].sum() == 0:
            continue
        for c in candidates:
            # AUPR reads the ranking only: the inner fits skip calibration
            model = make_model(c, features, random_state, calibrate=False).fit(frame.loc[train], y[train])
            out[c.name].append(
                float(average_precision_score(y[valid], model.predict_proba(frame.loc[valid])))
            )
    return {k: float(np.mean(v)) for k, v in out.items() if v}


class NestedSelection:
    """Fit chooses a candidate inside the training years, then refits it; the rest delegates to it.

    Learned state: ``inner_`` (candidate name → inner AUPR), ``chosen_`` (:class:`Candidate`), ``model_``
    (the refitted :class:`RiskModel`).
    """

    def __init__(
        self,
        features: list[str],
        random_state: int = 0,
        n_bootstrap: int = 0,
        candidates: tuple[Candidate, ...] = CANDIDATES,
    ):
        self.features = features
        self.random_state = random_state
        self.n_bootstrap = n_bootstrap
        self.candidates = candidates

    def fit(self, frame: pd.DataFrame, y) -> NestedSelection:
        y = np.asarray(y, dtype="int64")
        self.inner_ = inner_scores(frame, y, self.candidates, self.features, self.random_state)
        if self.inner_:
            best = max(self.inner_.values())
            self.chosen_ = next(c for c in self.candidates if self.inner_.get(c.name) == best)
        else:
            self.chosen_ = self.candidates[0]
        self.model_ = make_model(self.chosen_, self.features, self.random_state, self.n_bootstrap).fit(
            frame, y
        )
        return self

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        return self.model_.predict_proba(frame)

    def interval(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        return self.model_.interval(frame)

    def contributions(self, frame: pd.DataFrame) -> pd.DataFrame:
        return self.model_.contributions(frame)
