"""The model card of a Brazil training run (Markdown): intended use, misuse, labels and their limits,
evaluation windows, backtest skill of the model against every baseline, calibration and intervals."""

from __future__ import annotations

import pandas as pd

from features.catalog import FEATURE_LABELS, MODEL_FEATURES
from models.recipes import LABELS

SUMMARY_METRICS = ["aupr", "auroc", "brier", "bss", "ece", "p_at_50", "p_at_100", "p_at_250", "r_at_100"]


def summary_table(table: pd.DataFrame, basis: str = "latest_edition") -> str:
    """Mean of each metric per (horizon, model) over the windows of ``basis``, Markdown."""
    rows = table.loc[table["label_basis"] == basis]
    if rows.empty:
        return "No window."
    means = rows.groupby(["horizon", "model"], sort=False)[SUMMARY_METRICS].mean()
    lines = ["| h | model | " + " | ".join(SUMMARY_METRICS) + " |", "|---" * (len(SUMMARY_METRICS) + 2) + "|"]
    for (h, model), row in means.iterrows():
        lines.append(f"| {h} | {LABELS.get(model, model)} | " + " | ".join(f"{v:.3f}" for v in row) + " |")
    return "\n".join(lines)


def backtest_markdown(table: pd.DataFrame, metric: str = "aupr") -> str:
    """Model × (basis, horizon, target year) table of one metric, Markdown."""
    if table.empty:
        return "No window had training events."
    wide = table.pivot_table(
        index=["label_basis", "as_of", "horizon", "target_year"], columns="model", values=metric
    )
    models = [m for m in LABELS if m in wide.columns]
    head = "| basis | as of | h | target year | " + " | ".join(LABELS[m] for m in models) + " |"
    lines = [head, "|---" * (len(models) + 4) + "|"]
    for (basis, as_of, h, year), row in wide.iterrows():
        cells = " | ".join(f"{row[m]:.3f}" for m in models)
        lines.append(f"| {basis} | {as_of} | {h} | {year} | {cells} |")
    return "\n".join(lines)


def model_card(table: pd.DataFrame, latest, family: str, choice: str, config) -> str:
    """The card's Markdown text."""
    features = "\n".join(f"- `{n}`: {FEATURE_LABELS[n]}" for n in MODEL_FEATURES)
    cover_text = _coverage_text(table, family)
    return f"""# Brazil forced-labour risk model (municipality-year)

Registered model: **{LABELS[family]}**. {choice}.

## Intended use
Rank Brazilian municipalities by the chance that labour inspection finds employers keeping workers in
conditions analogous to slavery in a coming year, to help target prevention and inspection resources to
**areas**. Scores describe areas, never people, workers, children or businesses.

## Misuse
Not evidence that forced labour exists or is absent in a municipality; not for sanctions, for profiling
people or businesses, or for cutting services where scores are low.

## Data limits
- The label is the federal employer list: where inspectors found cases and the decision became final.
  Inspection effort, access and priorities shape it (inspection bias): a low score in a place inspectors
  rarely visit may only mean nobody looked.
- Each list edition shows about two years back. Editions held: {", ".join(d.isoformat() for d in config.editions)}.
  Years before 2017 are nearly empty, so label years before {config.first_train_label_year} are not used as
  training labels (only as history); {", ".join(map(str, config.under_covered_years))} is under-covered and flagged.
- Labels as of {latest.label_vintage} (latest edition). Retrospective windows use the latest edition for
  labels and event features, so they are more optimistic than a real-time forecast; windows "as of" an
  edition date use only the editions published by then. No edition exists before 2023-03-09, so origins
  before 2022 can only be evaluated retrospectively.

## Evaluation
Rolling origin: for origin year t and horizon h, train on label years up to t, predict t + h. Gate: mean
AUPR over horizon 1, target years {", ".join(map(str, config.gate_years))}.

### Mean over retrospective windows
{summary_table(table)}

### Mean over "as of edition" windows
{summary_table(table, "as_published")}

### AUPR per window
{backtest_markdown(table)}

AUPR's no-skill level is the year's base rate (about 1-2 %). With about a hundred events a year,
differences of a few AUPR points are within noise.

## Calibration and uncertainty
Platt scaling of the log-odds, fitted on out-of-fold predictions within the training window; the
intercept is then matched to the last training year's event rate. The interval [p_lo, p_hi] is the
5-95 % range of the model's probability draws: refits on bootstrap samples of municipalities, each with a
shift of the year's base rate as large as its recent year-to-year changes (the base rate moves with
inspection effort and the list's coverage). Checked in the backtest against the outcomes, binomial noise
included (a group of municipalities of similar p is covered when its count of events lies in its
predictive range): {cover_text}. Groups of one year share that year's level, so a year where the level
was forecast well covers all its groups: read coverage across years, not groups.

## Features (inputs from before the target year)
{features}
"""


def _coverage_text(table: pd.DataFrame, family: str) -> str:
    """Mean group coverage and interval width of ``family`` over the retrospective windows, per horizon."""
    if "coverage" not in table:
        return "not measured"
    rows = table.loc[(table["model"] == family) & (table["label_basis"] == "latest_edition")]
    parts = [
        f"h = {h}: coverage {part['coverage'].mean():.2f} at a nominal 0.90, mean width "
        f"{part['interval_width'].mean():.4f} over {part['target_year'].nunique()} years"
        for h, part in rows.dropna(subset=["coverage"]).groupby("horizon")
    ]
    return "; ".join(parts) or "not measured"
