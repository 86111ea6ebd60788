"""The model card of a world training run (Markdown): intended use, misuse, data limits, leave-country-out
skill against the regional mean, the interval and the intervention typology."""

from __future__ import annotations

from features.world import COVARIATE_LABELS
from models.world import COMMITMENT_CUTS, INTERVAL_LEVEL, RISK_CUTS


def world_model_card(metrics: dict, as_of: str, by_type: dict[str, int], countries: int) -> str:
    """The card's Markdown text; ``metrics`` as returned by ``fit_world``, ``by_type`` counts per type."""
    covariates = "\n".join(f"- {label}" for label in COVARIATE_LABELS.values())
    types = ", ".join(f"{k} {v}" for k, v in sorted(by_type.items()))
    return f"""# World child-labour prevalence model (country-year)

Ridge regression of the logit of the share of children in economic activity (both sexes) on country
covariates, with the survey's age band as a covariate. Trained on every survey known by {as_of}.

## Intended use
Country-level targeting of support: which countries need what kind of help (the intervention types
`catalyst`, `momentum`, `inception`), including countries that were never surveyed. Estimates describe
countries, never children, families or businesses.

## Misuse
Not a measured prevalence: where a survey exists, the survey value (`observed`) is the better figure for
that year. Not for ranking countries publicly, for sanctions or trade decisions, or for cutting support where
an estimate is low. Not for sub-national or individual decisions.

## Data limits
- Survey coverage: about {int(metrics.get("n_countries", 0))} countries have a published survey
  ({int(metrics.get("n_obs", 0))} values), mostly low- and middle-income; high-income countries are
  extrapolated from covariates alone.
- Age bands differ between surveys (5-14, 5-17, 7-14, ...): they are not rescaled; the band is a covariate
  and estimates are for the SDG reference band 5-17. Definitions of "economic activity" also differ between
  survey programmes.
- Government response comes from the US Department of Labor (ILAB) reports, which cover only the countries it
  assesses: countries without a report get no intervention type. ILO supervisory comments are a sample:
  their absence counts as nothing seen.

## Evaluation (leave-country-out)
All surveys of a country are held out together and predicted by a model fitted on the other countries.
Baseline: the logit mean of the five nearest surveyed countries (centroid distance).

| model | MAE (pp) | RMSE (pp) |
|---|---|---|
| ridge on covariates | {metrics["model_mae"]:.2f} | {metrics["model_rmse"]:.2f} |
| regional mean (5 nearest) | {metrics["baseline_mae"]:.2f} | {metrics["baseline_rmse"]:.2f} |

Interval: split-conformal on the held-out logit residuals, nominal {INTERVAL_LEVEL:.0%}; coverage checked country by
country with the other countries' residuals: {metrics["interval_coverage"]:.2f}. Half-width
{metrics["interval_half_width_logit"]:.2f} logits: wide, which is what cross-country extrapolation supports.

## Intervention types ({countries} countries: {types})
Risk tiers from the estimate: below {RISK_CUTS[0]:.0f} % some, {RISK_CUTS[0]:.0f}-{RISK_CUTS[1]:.0f} % significant,
above highly significant. Commitment in [0, 1] from the ILAB advancement level, ratifications, enforcement
mechanisms and ILO supervisory comments; tiers below {COMMITMENT_CUTS[0]} low, up to {COMMITMENT_CUTS[1]} medium,
above high. Gap = risk tier + (4 − commitment tier): ≤ 3 catalyst, 4 momentum, ≥ 5 inception.

## Covariates (latest value at or before the year)
{covariates}
"""
