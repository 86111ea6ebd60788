"""Artifacts of a Brazil training run: backtest tables, PR curve, reliability diagram, driver summary and
the model card (Markdown). Figures are matplotlib (Agg); every file is written by MLflow under the run."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display on workers; must precede pyplot

import matplotlib.pyplot as plt  # noqa: E402
import mlflow  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from sklearn.metrics import precision_recall_curve  # noqa: E402

from features.catalog import FEATURE_LABELS, MODEL_FEATURES  # noqa: E402
from models.brazil_card import backtest_markdown, model_card  # noqa: E402
from models.recipes import LABELS  # noqa: E402

TABLE_METRICS = ["aupr", "auroc", "brier", "bss", "ece", "p_at_50", "p_at_100", "p_at_250", "r_at_100"]


def heldout_predictions(preds: pd.DataFrame, year_of_origin: int, horizon: int = 1) -> pd.DataFrame:
    """Retrospective predictions of the window with this origin and horizon."""
    mask = (preds["label_basis"] == "latest_edition") & (preds["origin"] == year_of_origin)
    return preds.loc[mask & (preds["horizon"] == horizon)]


def pr_curve_figure(preds: pd.DataFrame, title: str) -> Figure:
    """Precision-recall curve per model, with the base rate as the no-skill line."""
    fig, ax = plt.subplots(figsize=(6, 4.5), dpi=100)
    for name, part in preds.groupby("model", sort=False):
        precision, recall, _ = precision_recall_curve(part["y"], part["p"])
        ax.step(recall, precision, where="post", label=LABELS.get(name, name), linewidth=1)
    if not preds.empty:
        ax.axhline(
            float(preds.groupby("model")["y"].mean().iloc[0]), color="grey", linestyle=":", label="No skill"
        )
    ax.set(xlabel="Recall", ylabel="Precision", xlim=(0, 1), ylim=(0, 1), title=title)
    ax.legend(loc="upper right", fontsize=7)
    fig.tight_layout()
    plt.close(fig)
    return fig


def reliability_figure(preds: pd.DataFrame, title: str, bins: int = 10) -> Figure:
    """Mean predicted p against the observed event rate in equal-count bins, per model (log axes)."""
    fig, ax = plt.subplots(figsize=(5, 5), dpi=100)
    for name, part in preds.groupby("model", sort=False):
        order = np.argsort(part["p"].to_numpy(), kind="stable")
        groups = np.array_split(order, min(bins, len(order)))
        p = [part["p"].to_numpy()[g].mean() for g in groups]
        y = [part["y"].to_numpy()[g].mean() for g in groups]
        ax.plot(p, y, marker="o", markersize=3, linewidth=1, label=LABELS.get(name, name))
    ax.plot([1e-4, 1], [1e-4, 1], color="grey", linestyle=":", label="Perfect calibration")
    ax.set(xscale="log", yscale="symlog", xlabel="Mean predicted probability", ylabel="Observed event rate")
    ax.set_yscale("symlog", linthresh=1e-3)
    ax.set(xlim=(1e-4, 1), ylim=(0, 1), title=title)
    ax.legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    plt.close(fig)
    return fig


def driver_summary(contrib: pd.DataFrame) -> pd.DataFrame:
    """Global summary: mean |contribution| and mean signed contribution per feature, largest first."""
    features = contrib.drop(columns="expected_value", errors="ignore")
    out = pd.DataFrame(
        {"mean_abs": features.abs().mean(), "mean_signed": features.mean()}, index=features.columns
    )
    out["label"] = [FEATURE_LABELS.get(n, n) for n in out.index]
    return out.sort_values("mean_abs", ascending=False).rename_axis("feature").reset_index()


def driver_summary_figure(summary: pd.DataFrame, title: str, n: int = 15) -> Figure:
    """Horizontal bars of mean |contribution| (log-odds) for the top ``n`` features, labelled in words."""
    top = summary.head(n).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(top) + 1.2), dpi=100)
    ax.barh([label[:70] for label in top["label"]], top["mean_abs"], color="#4c72b0")
    ax.set(xlabel="Mean |contribution| (log-odds)", title=title)
    ax.tick_params(axis="y", labelsize=7)
    fig.tight_layout()
    plt.close(fig)
    return fig


def log_run_artifacts(table, preds, model, latest, family: str, choice: str, config) -> None:
    """Log every artifact of the run (tables, figures, driver summary, model card, feature labels)."""
    mlflow.log_text(table.to_csv(index=False), "backtest.csv")
    mlflow.log_text(
        "\n\n".join(f"## {m}\n\n{backtest_markdown(table, m)}" for m in TABLE_METRICS), "backtest.md"
    )
    held = heldout_predictions(preds, latest.last - 1)
    mlflow.log_figure(pr_curve_figure(held, f"Employer-list events {latest.last}, horizon 1"), "pr_curve.png")
    mlflow.log_figure(
        reliability_figure(held, f"Calibration, {latest.last}, horizon 1"), "reliability_diagram.png"
    )
    scored = latest.panel.loc[latest.panel["year"] == latest.last + 1]
    summary = driver_summary(model.contributions(scored))
    mlflow.log_text(summary.to_csv(index=False), "driver_summary.csv")
    mlflow.log_figure(
        driver_summary_figure(summary, f"Drivers of the {LABELS[family]} model, {latest.last + 1}"),
        "shap_summary.png",
    )
    mlflow.log_text(model_card(table, latest, family, choice, config), "model_card.md")
    mlflow.log_dict({n: FEATURE_LABELS[n] for n in MODEL_FEATURES}, "feature_labels.json")
