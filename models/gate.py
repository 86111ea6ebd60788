"""Whether a model beats its baseline: the one rule behind the promotion gates and the alert skill gate.

- :func:`beats`: ``score`` strictly better than ``baseline``, both known finite numbers (a tie, a missing
  value or NaN fails: every gate fails closed). Higher is better (AUPR) unless ``lower_is_better`` (MAE).
- :func:`strongest_naive`: the strongest naive baseline of a run (:data:`models.lineup.NAIVE_BASELINES`:
  persistence, historical frequency, population rate, neighbour rate) from its per-model gate AUPRs.
- :func:`brazil_promotion`: the Brazil registry gate on a training run's metrics.
- :func:`alert_skill`: the alert skill gate on the same metrics (naive baselines only).

Metric keys are those the Brazil training run logs (``pipelines.brazil.train``): ``aupr`` (the registered
model's gate AUPR), ``best_baseline_aupr`` (strongest other model of the line-up), ``best_naive_aupr``
(strongest naive baseline), ``gate_<model>_aupr`` (each model) and ``gate_pass`` (1.0 when the run chose
the model against the rule by the paired bootstrap interval). docs/adr/0046-one-beats-the-baseline-rule.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from models.lineup import NAIVE_BASELINES


def beats(score: float | None, baseline: float | None, *, lower_is_better: bool = False) -> bool:
    """True when ``score`` is strictly better than ``baseline`` and both are finite numbers."""
    if score is None or baseline is None or not (math.isfinite(score) and math.isfinite(baseline)):
        return False
    return score < baseline if lower_is_better else score > baseline


def strongest_naive(gate_aupr: Mapping[str, float], exclude: str | None = None) -> float | None:
    """The highest AUPR among the naive baselines in ``gate_aupr`` (model → gate AUPR), leaving out
    ``exclude`` (the registered model itself); None when the run evaluated none."""
    naive = [v for m, v in gate_aupr.items() if m in NAIVE_BASELINES and m != exclude]
    return max(naive) if naive else None


@dataclass(frozen=True)
class GateResult:
    """``passed``; ``score`` the candidate's AUPR; ``baseline`` the AUPR it had to beat (None: the run chose
    it against the rule by its bootstrap interval, nothing further to beat)."""

    passed: bool
    score: float | None
    baseline: float | None


def brazil_promotion(metrics: Mapping[str, float]) -> GateResult:
    """Registry gate: a run that chose its model against the rule by the bootstrap interval
    (``gate_pass`` = 1) passes with a finite AUPR; an older run must beat its strongest other model
    (``best_baseline_aupr``)."""
    aupr = metrics.get("aupr")
    if metrics.get("gate_pass") == 1.0:
        return GateResult(aupr is not None and math.isfinite(aupr), aupr, None)
    best = metrics.get("best_baseline_aupr")
    return GateResult(beats(aupr, best), aupr, best)


def alert_skill(metrics: Mapping[str, float]) -> GateResult:
    """Alert gate: the run's AUPR must beat its strongest *naive* baseline (``best_naive_aupr``, else the
    logged ``gate_<naive>_aupr``, else — runs logged before either — ``best_baseline_aupr``). The learned
    candidates and the rule are weighed against each other by :func:`brazil_promotion`, not here: a rule
    champion that lost to a learned candidate still alerts when it beats the naive baselines."""
    gate = {m: metrics[f"gate_{m}_aupr"] for m in NAIVE_BASELINES if f"gate_{m}_aupr" in metrics}
    best = metrics.get("best_naive_aupr", strongest_naive(gate))
    if best is None:
        best = metrics.get("best_baseline_aupr")
    aupr = metrics.get("aupr")
    return GateResult(beats(aupr, best), aupr, best)
