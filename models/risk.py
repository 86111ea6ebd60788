"""Risk classes from probabilities (CLRIM vocabulary): ``high`` if p >= high cut, ``medium`` if p >= medium
cut, else ``low``. Cut-points are probabilities in [0, 1] with medium < high."""

from __future__ import annotations

import numpy as np
import pandas as pd

RISK_CLASSES = ("low", "medium", "high")


def risk_class(p, medium: float, high: float) -> np.ndarray:
    """Class label per probability; a value exactly on a cut-point belongs to the higher class."""
    if not 0.0 <= medium < high <= 1.0:
        raise ValueError(f"need 0 <= medium < high <= 1, got medium={medium}, high={high}")
    p = np.asarray(p, dtype="float64")
    if np.isnan(p).any():
        raise ValueError("cannot classify NaN probabilities")
    return np.where(p >= high, "high", np.where(p >= medium, "medium", "low"))


def class_counts(classes) -> dict[str, int]:
    """Count of each risk class (all three keys present)."""
    counts = pd.Series(np.asarray(classes)).value_counts()
    return {name: int(counts.get(name, 0)) for name in RISK_CLASSES}
