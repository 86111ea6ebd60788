"""World intervention typology (``catalyst`` / ``momentum`` / ``inception``) from a country's estimated
child-labour prevalence (percent, 5-17) and its commitment score (ADR 0042). The prevalence model is
:mod:`models.world_prevalence`."""

from __future__ import annotations

import numpy as np
import pandas as pd

RISK_CUTS = (10.0, 20.0)  # percent of children 5-17 in economic activity: some / significant / highly
COMMITMENT_CUTS = (0.4, 0.7)  # commitment score: low / medium / high


def intervention_type(
    prevalence: float,
    commitment: float,
    risk_cuts: tuple[float, float] = RISK_CUTS,
    commitment_cuts: tuple[float, float] = COMMITMENT_CUTS,
) -> tuple[str | None, str]:
    """The strategy's type and a one-line reason. Risk tier 1-3 from :data:`RISK_CUTS`, commitment tier
    1-3 from :data:`COMMITMENT_CUTS`; gap = risk tier + (4 − commitment tier): ≤ 3 ``catalyst``, 4
    ``momentum``, ≥ 5 ``inception``. ``None`` when commitment is unknown."""
    risk = 1 + int(prevalence >= risk_cuts[0]) + int(prevalence >= risk_cuts[1])
    words = {1: "some", 2: "significant", 3: "highly significant"}
    if not np.isfinite(commitment):
        return None, f"{words[risk]} risk ({prevalence:.1f} %); no government-response data"
    level = 1 + int(commitment >= commitment_cuts[0]) + int(commitment >= commitment_cuts[1])
    gap = risk + (4 - level)
    kind = "catalyst" if gap <= 3 else "momentum" if gap == 4 else "inception"
    commit_words = {1: "low", 2: "medium", 3: "high"}
    return (
        kind,
        f"{words[risk]} risk ({prevalence:.1f} %), {commit_words[level]} commitment ({commitment:.2f})",
    )


def commitment_score(components: pd.DataFrame) -> pd.Series:
    """Mean of the available components in [0, 1] (``advancement``, ``ratifications``, ``enforcement``)
    plus ``supervisory`` (−0.1 … +0.1), clipped to [0, 1]; NaN when no component is known."""
    base = components.loc[:, ["advancement", "ratifications", "enforcement"]].mean(axis=1, skipna=True)
    adjust = components["supervisory"].fillna(0.0) if "supervisory" in components else 0.0
    return (base + adjust).clip(0.0, 1.0)
