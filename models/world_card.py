"""The model card of a world training run (Markdown): intended use, misuse, data limits, leave-country-out
skill against the regional mean, the interval and the intervention typology."""

from __future__ import annotations

from features.world import COVARIATE_LABELS
from models.world import COMMITMENT_CUTS, RISK_CUTS


def world_model_card(metrics: dict, as_of: str, by_type: dict[str, int], countries: int) -> str:
    """The card's Markdown text; ``metrics`` as returned by ``fit_world``, ``by_type`` counts per type."""
    covariates = "\n".join(f"- {label}" for label in COVARIATE_LABELS.values())
    types = ", ".join(f"{k} {v}" for k, v in sorted(by_type.items()))
    rows = []
    for variant, title in (
        ("loco_all", "leave-one-country-out, all its surveys held out"),
        ("loco_estimand", "leave-one-country-out, only its 5-17 survey held out"),
        ("forward", "forward: each survey from what was published before it"),
    ):
        n = int(metrics.get(f"{variant}_n_countries", 0))
        for who, label in (
            ("model", "model"),
            ("regional", "regional mean"),
            ("carried", "last survey carried"),
        ):
            if f"{variant}_{who}_mae" in metrics:
                rows.append(
                    f"| {title} ({n}) | {label} | {metrics[f'{variant}_{who}_mae']:.2f} | "
                    f"{metrics[f'{variant}_{who}_rmse']:.2f} | {metrics[f'{variant}_{who}_spearman']:.2f} |"
                )
        if f"{variant}_model_coverage" in metrics:
            rows.append(
                f"| {title} ({n}) | 90 % interval coverage | {metrics[f'{variant}_model_coverage']:.2f} | | |"
            )
    table = "\n".join(rows)
    return f"""# World child-labour prevalence model (country-year)

Estimand: SDG 8.7.1, percent of children aged 5-17 in economic activity, both sexes. Logit of prevalence =
covariate prior (ridge on country covariates plus the neighbouring countries' mean residual) + the
country's own effect, learned from every survey it has (SDG 8.7.1 of any age band, WDI 7-14) through
series offsets, shrunk toward the prior when surveys are few or old. Trained on every survey known by {as_of}.

## Intended use
Country-level targeting of support: which countries need what kind of help (the intervention types
`catalyst`, `momentum`, `inception`), including countries that were never surveyed. Estimates describe
countries, never children, families or businesses.

## Misuse
Not a measured prevalence: where a recent 5-17 survey exists, it is the better figure for that year. Not
for ranking countries publicly, for sanctions or trade decisions, or for cutting support where an estimate
is low. Not for sub-national or individual decisions.

## Data limits
- {int(metrics.get("n_countries", 0))} countries have an SDG 8.7.1 5-17 survey, {int(metrics.get("n_survey_countries", 0))}
  any survey ({int(metrics.get("n_obs", 0))} values); the rest rest on covariates alone (`evidence`).
- Other series are converted with offsets learned where a country has both; the WDI 7-14 series counts
  "children in employment" and its ratio to SDG 5-17 varies a lot between countries.
- Government response comes from the US Department of Labor (ILAB) reports, which cover only the countries it
  assesses: countries without a report get no intervention type. ILO supervisory comments are a sample:
  their absence counts as nothing seen.

## Evaluation on the 5-17 estimand (countries weighted equally; pp)
| test (countries) | who | MAE | RMSE | Spearman |
|---|---|---|---|---|
{table}

## Intervention types ({countries} countries: {types})
Risk tiers from the estimate: below {RISK_CUTS[0]:.0f} % some, {RISK_CUTS[0]:.0f}-{RISK_CUTS[1]:.0f} % significant,
above highly significant. Commitment in [0, 1] from the ILAB advancement level, ratifications, enforcement
mechanisms and ILO supervisory comments; tiers below {COMMITMENT_CUTS[0]} low, up to {COMMITMENT_CUTS[1]} medium,
above high. Gap = risk tier + (4 − commitment tier): ≤ 3 catalyst, 4 momentum, ≥ 5 inception.

## Covariates (latest value at or before the year)
{covariates}
"""
