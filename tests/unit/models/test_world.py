"""World intervention typology and commitment score on SYNTHETIC values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.world import commitment_score, intervention_type


@pytest.mark.parametrize(
    ("prevalence", "commitment", "kind"),
    [(5.0, 0.8, "catalyst"), (15.0, 0.5, "momentum"), (25.0, 0.2, "inception"), (25.0, 0.8, "momentum")],
)
def test_intervention_type(prevalence, commitment, kind):
    got, why = intervention_type(prevalence, commitment)
    assert got == kind and f"{prevalence:.1f} %" in why


def test_unknown_commitment_gives_no_type():
    kind, why = intervention_type(12.0, float("nan"))
    assert kind is None and "no government-response data" in why


def test_commitment_score_bounds():
    parts = pd.DataFrame(
        {
            "advancement": [1.0, 0.0, np.nan],
            "ratifications": [1.0, 0.0, np.nan],
            "enforcement": [1.0, np.nan, np.nan],
            "supervisory": [0.1, -0.1, np.nan],
        }
    )
    score = commitment_score(parts)
    assert score.iloc[0] == 1.0 and score.iloc[1] == 0.0 and np.isnan(score.iloc[2])
