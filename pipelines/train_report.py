"""Artifacts of a Brazil training run: the precision-recall figure and the model card (Markdown)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display on workers; must precede pyplot

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from sklearn.metrics import precision_recall_curve  # noqa: E402

from features.catalog import FEATURE_LABELS, MODEL_FEATURES  # noqa: E402
from models.windows import Windows  # noqa: E402

LEGEND = {
    "lightgbm": "LightGBM",
    "logistic": "Logistic regression (reference)",
    "historical_frequency": "Historical frequency (baseline)",
    "persistence": "Persistence (baseline)",
}


def pr_curve_figure(y: np.ndarray, preds: dict[str, np.ndarray], heldout_year: int) -> Figure:
    """Precision-recall curves of every model on the held-out year, with the base rate as no-skill line."""
    fig, ax = plt.subplots(figsize=(6, 4.5), dpi=100)
    for name, p in preds.items():
        precision, recall, _ = precision_recall_curve(y, p)
        ax.step(recall, precision, where="post", label=LEGEND.get(name, name))
    ax.axhline(float(np.mean(y)), color="grey", linestyle=":", label="No skill (base rate)")
    ax.set(
        xlabel="Recall",
        ylabel="Precision",
        xlim=(0, 1),
        ylim=(0, 1),
        title=f"Employer-list events, held-out year {heldout_year}",
    )
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    plt.close(fig)
    return fig


def _metrics_table(scores: dict[str, dict[str, float]]) -> str:
    keys = ["aupr", "auroc", "brier", "p_at_50", "p_at_100", "p_at_250"]
    lines = ["| model | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for name, metrics in scores.items():
        lines.append(f"| {LEGEND.get(name, name)} | " + " | ".join(f"{metrics[k]:.4f}" for k in keys) + " |")
    return "\n".join(lines)


def _backtest_table(backtest: pd.DataFrame) -> str:
    if backtest.empty:
        return "No origin year had training events."
    wide = backtest.pivot_table(index="year", columns="model", values="aupr")
    models = [m for m in LEGEND if m in wide.columns]
    lines = [
        "| origin year | " + " | ".join(LEGEND[m] for m in models) + " |",
        "|---" * (len(models) + 1) + "|",
    ]
    for year, row in wide.iterrows():
        lines.append(f"| {year} | " + " | ".join(f"{row[m]:.4f}" for m in models) + " |")
    return "\n".join(lines)


def model_card(
    windows: Windows,
    scores: dict[str, dict[str, float]],
    backtest: pd.DataFrame,
    label_vintage: str,
    gate_baselines: tuple[str, ...],
) -> str:
    """The model card: intended use, misuse, data and label caveats, windows, held-out skill, features."""
    features = "\n".join(f"- `{n}`: {FEATURE_LABELS[n]}" for n in MODEL_FEATURES)
    return f"""# Brazil forced-labour risk model (municipality-year, horizon 1 year)

## Intended use
Rank Brazilian municipalities by the chance that labour inspection finds employers keeping workers in
conditions analogous to slavery in the coming year, to help target prevention and inspection resources.
Scores describe areas, never people.

## Misuse
Not evidence that forced labour exists or is absent in a municipality; not for sanctions, for profiling
people or businesses, or for cutting services where scores are low. Low scores in places inspectors rarely
visit may only mean nobody looked.

## Target and labels
y = 1 when the municipality has at least one employer on the federal employer list ("Cadastro de
Empregadores") for that inspection year. Labels are as published by the latest list edition known
({label_vintage}); an employer stays on the list about two years, so years before 2017 are nearly empty and
2022 is under-covered. The label shows where inspectors found cases, which is not where all cases are.

## Windows
Trained on target years {windows.train_years[0]}-{windows.train_years[-1]}; evaluated on {windows.heldout_year}
(held out); the registered model is the same recipe refitted on {windows.refit_years[0]}-{windows.refit_years[-1]}
and scores {windows.score_year}. Promotion needs a held-out AUPR above the best of: {", ".join(gate_baselines)}.

## Held-out skill ({windows.heldout_year})
{_metrics_table(scores)}

AUPR's no-skill level is the base rate ({scores["lightgbm"]["base_rate"]:.4f}). With about a hundred
positives in the held-out year, differences of a few AUPR points between models are within noise.

## Rolling-origin backtest (AUPR; train on all earlier years, score the origin year)
{_backtest_table(backtest)}

Early origins train on very few events (the list barely covers years before 2017).

## Features (inputs from before the target year; census and population as published before it starts)
{features}
"""
