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

from models.effort import EFFORT_FEATURES, effort_logistic
from models.rule import RULE_INPUTS, MonotoneScoreClassifier, input_ranks, rule_score

BLEND_INPUTS = list(dict.fromkeys([*RULE_INPUTS, *EFFORT_FEATURES]))


class RuleEffortBlend(MonotoneScoreClassifier):
    """The blend score (:meth:`rank_score`, 0-1) through the rule's monotone map. Learned state:
    ``effort_`` (the fitted effort pipeline) and the map's (:class:`models.rule.MonotoneScoreClassifier`).
    """

    def __init__(self, weight: float = 0.5, C: float = 0.03, random_state: int = 0, min_rows: int = 250):
        self.weight = weight
        self.C = C
        self.random_state = random_state
        self.min_rows = min_rows

    def fit_inputs(self, X: pd.DataFrame, y: np.ndarray) -> None:
        self.effort_ = effort_logistic(self.random_state, C=self.C).fit(X.loc[:, EFFORT_FEATURES], y)

    def parts(self, X: pd.DataFrame) -> pd.DataFrame:
        """The two halves of the score per row: ``rule`` ((1 − weight) × rule score / 2) and ``effort``
        (weight × the effort model's rank)."""
        effort = np.asarray(self.effort_.decision_function(X.loc[:, EFFORT_FEATURES]), dtype="float64")
        ranks = input_ranks(X.assign(effort=effort), ["effort"])["effort"].to_numpy()
        return pd.DataFrame(
            {
                "rule": (1.0 - self.weight) * rule_score(X, list(RULE_INPUTS)) / 2.0,
                "effort": self.weight * ranks,
            },
            index=X.index,
        )

    def rank_score(self, X: pd.DataFrame) -> np.ndarray:
        """The blend score (0-1) per row."""
        return self.parts(X).sum(axis=1).to_numpy(dtype="float64")
