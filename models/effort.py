"""A compact logistic model of what is observed: past listings, inspection effort and its outcome, here
and among neighbours, and size.

Counts enter as ``log1p`` (a tenth inspection adds less than the first), then everything is standardised;
L2 strength ``C`` is chosen inside each training window (``models.selection``). Neighbour sums pool the
rare events of a municipality with those around it. ``years_since_*`` enter as they are.
"""

from __future__ import annotations

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from models.baselines import median_imputer

# Counts (log1p) and the columns that enter as they are.
EFFORT_COUNTS = [
    "events_past",
    "insp_total",
    "insp_rescue",
    "insp_rescued_workers",
    "nbr_events_past",
    "nbr_insp_total",
    "nbr_insp_rescue",
    "nbr_insp_rescued_workers",
    "n_neighbours",
]
EFFORT_AS_IS = ["log_population", "years_since_inspection", "years_since_rescue"]
EFFORT_FEATURES = [*EFFORT_COUNTS, *EFFORT_AS_IS]


def effort_logistic(random_state: int = 0, C: float = 0.1) -> Pipeline:
    """Median-impute, ``log1p`` the :data:`EFFORT_COUNTS`, standardise, L2 logistic (a Pipeline on frames)."""
    log = FunctionTransformer(np.log1p, feature_names_out="one-to-one")
    pipe = Pipeline(
        [
            ("impute", median_imputer()),
            (
                "log",
                ColumnTransformer(
                    [("log1p", log, EFFORT_COUNTS)], remainder="passthrough", verbose_feature_names_out=False
                ),
            ),
            ("scale", StandardScaler()),
            (
                "fit",
                LogisticRegression(C=C, solver="newton-cholesky", max_iter=200, random_state=random_state),
            ),
        ]
    )
    return pipe.set_output(transform="pandas")
