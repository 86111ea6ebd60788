"""How many countries change intervention type when one cut-point moves (ADR 0042): the risk cuts (percent
of children 5-17 in economic activity) and the commitment cuts (score in [0, 1]) of
:func:`models.world.intervention_type`, each moved down and up by a step while the others stay."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.world import COMMITMENT_CUTS, RISK_CUTS, intervention_type

RISK_STEP = 2.5  # percentage points
COMMITMENT_STEP = 0.05


def _types(prevalence, commitment, risk_cuts, commitment_cuts) -> list[str | None]:
    return [
        intervention_type(float(p), float(c), risk_cuts, commitment_cuts)[0]
        for p, c in zip(prevalence, commitment, strict=True)
    ]


def type_sensitivity(
    prevalence: np.ndarray,
    commitment: np.ndarray,
    risk_step: float = RISK_STEP,
    commitment_step: float = COMMITMENT_STEP,
) -> pd.DataFrame:
    """One row per moved cut: ``cut`` (name), ``value`` (moved to), ``changed`` (countries whose type
    differs from the type at the documented cuts), ``catalyst``, ``momentum``, ``inception`` (counts)."""
    base = _types(prevalence, commitment, RISK_CUTS, COMMITMENT_CUTS)
    rows = []
    moves = [("risk", i, risk_step) for i in range(2)] + [
        ("commitment", i, commitment_step) for i in range(2)
    ]
    for kind, i, step in moves:
        for sign in (-1, 1):
            risk, comm = list(RISK_CUTS), list(COMMITMENT_CUTS)
            cuts = risk if kind == "risk" else comm
            cuts[i] = round(cuts[i] + sign * step, 4)
            types = _types(prevalence, commitment, tuple(risk), tuple(comm))
            rows.append(
                {
                    "cut": f"{kind}_{i + 1}",
                    "value": cuts[i],
                    "changed": sum(a != b for a, b in zip(base, types, strict=True)),
                    **{k: types.count(k) for k in ("catalyst", "momentum", "inception")},
                }
            )
    return pd.DataFrame(rows)
