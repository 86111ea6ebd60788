"""How each child-labour series measures the estimand: SDG 8.7.1, ages 5-17, both sexes (ADR 0041).

A survey of another series (WDI "children in employment, 7-14"; SDG 8.7.1 of another age band) is
evidence about the estimand through an offset on the logit scale and an extra variance:

    logit(other) = logit(estimand) + offset[series] + b[country, series] + e,

``b`` ~ N(0, ``discrepancy_var``) is how far this country's series runs from the usual offset (shared by
all its surveys of that series), ``e`` ~ N(0, :data:`NOISE_VAR`) the noise of one survey. Offsets are
learned from residuals against the covariate prior (so a change of covariates between the two survey
years is not read as a series difference): within country where a country has the estimand and the
series within ``window`` years of each other, otherwise between countries (mean residual of the series
minus mean residual of the estimand). Series keys are ``"<source>:<band>"``, e.g. ``"wdi:7_14"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

REFERENCE = "sdg:5_17"
NOISE_VAR = 0.02  # logit² — sampling noise of one national survey (±0.14 logits, 1 s.d.)
MIN_PAIRS = 3  # countries with both series needed for a within-country offset
PAIR_WINDOW = 5  # years between the two surveys of a pair, at most
MIN_DISCREPANCY_VAR = 0.01


def logit(pct) -> np.ndarray:
    """Logit of a percentage, clipped to [0.01 %, 99.99 %]."""
    p = np.clip(np.asarray(pct, dtype="float64") / 100.0, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def percent(margin) -> np.ndarray:
    """Inverse of :func:`logit`: percent from a logit."""
    return 100.0 / (1.0 + np.exp(-np.asarray(margin, dtype="float64")))


def series_key(source: str, band: str) -> str:
    """``"sdg:5_17"``, ``"wdi:7_14"``, ..."""
    return f"{source}:{band}"


@dataclass(frozen=True)
class Measurement:
    """Per series: ``offset`` (logits, series minus estimand), ``offset_se`` (its standard error),
    ``discrepancy_var`` (logit², country-level), ``n_pairs`` (countries with both; 0 = learned between
    countries), ``method`` (``within``/``between``/``reference``)."""

    offset: dict[str, float] = field(default_factory=dict)
    offset_se: dict[str, float] = field(default_factory=dict)
    discrepancy_var: dict[str, float] = field(default_factory=dict)
    n_pairs: dict[str, int] = field(default_factory=dict)
    method: dict[str, str] = field(default_factory=dict)

    def offsets_of(self, series) -> np.ndarray:
        """Offset per element of ``series`` (0 for the estimand and for unknown series)."""
        return np.array([self.offset.get(s, 0.0) for s in series], dtype="float64")

    def extra_var_of(self, series) -> np.ndarray:
        """Country-level variance of a series beyond the estimand: discrepancy + offset s.e.²."""
        return np.array(
            [self.discrepancy_var.get(s, 0.0) + self.offset_se.get(s, 0.0) ** 2 for s in series],
            dtype="float64",
        )

    def table(self) -> pd.DataFrame:
        """One row per series: ``series, offset, offset_se, discrepancy_var, n_pairs, method``."""
        keys = sorted(self.offset)
        return pd.DataFrame(
            {
                "series": keys,
                "offset": [self.offset[k] for k in keys],
                "offset_se": [self.offset_se[k] for k in keys],
                "discrepancy_var": [self.discrepancy_var[k] for k in keys],
                "n_pairs": [self.n_pairs[k] for k in keys],
                "method": [self.method[k] for k in keys],
            }
        )


def paired_differences(residuals: pd.DataFrame, window: int = PAIR_WINDOW) -> pd.DataFrame:
    """For each country with an estimand survey and a survey of another series at most ``window`` years
    apart, the closest such pair: ``area_id, series, d`` (residual of the series minus residual of the
    estimand, logits), ``gap`` (years). ``residuals``: ``area_id, year, series, r``."""
    ref = residuals.loc[residuals["series"] == REFERENCE, ["area_id", "year", "r"]]
    other = residuals.loc[residuals["series"] != REFERENCE, ["area_id", "year", "series", "r"]]
    pairs = other.merge(ref, on="area_id", suffixes=("", "_ref"))
    pairs = pairs.assign(gap=(pairs["year"] - pairs["year_ref"]).abs(), d=pairs["r"] - pairs["r_ref"])
    pairs = pairs.loc[pairs["gap"] <= window].sort_values(["gap", "year"], kind="stable")
    pairs = pairs.drop_duplicates(["area_id", "series"], keep="first")
    return pairs.loc[:, ["area_id", "series", "d", "gap"]].reset_index(drop=True)


def learn_measurement(
    residuals: pd.DataFrame,
    window: int = PAIR_WINDOW,
    min_pairs: int = MIN_PAIRS,
    noise_var: float = NOISE_VAR,
) -> Measurement:
    """Offsets of every series in ``residuals`` (``area_id, year, series, r``; ``r`` = logit of the
    survey minus the prior's logit for that country-year). A series with fewer than ``min_pairs`` pairs
    gets the between-country offset and the pooled discrepancy variance of the paired series."""
    pairs = paired_differences(residuals, window)
    per_country = residuals.groupby(["series", "area_id"])["r"].mean()
    ref = per_country.get(REFERENCE, pd.Series(dtype="float64"))
    out = Measurement()
    out.offset[REFERENCE], out.offset_se[REFERENCE] = 0.0, 0.0
    out.discrepancy_var[REFERENCE], out.n_pairs[REFERENCE] = 0.0, 0
    out.method[REFERENCE] = "reference"
    pooled: list[tuple[int, float]] = []
    between: list[str] = []
    for series in sorted(set(residuals["series"]) - {REFERENCE}):
        d = pairs.loc[pairs["series"] == series, "d"].to_numpy()
        if len(d) >= min_pairs:
            var_d = float(np.var(d, ddof=1))
            out.offset[series] = float(d.mean())
            out.offset_se[series] = float(np.sqrt(var_d / len(d)))
            out.discrepancy_var[series] = max(var_d - 2 * noise_var, MIN_DISCREPANCY_VAR)
            out.n_pairs[series], out.method[series] = len(d), "within"
            pooled.append((len(d), out.discrepancy_var[series]))
        else:
            between.append(series)
    pooled_var = (
        sum(n * v for n, v in pooled) / sum(n for n, _ in pooled)
        if pooled
        else float(np.var(ref, ddof=1))
        if len(ref) > 1
        else 1.0
    )
    for series in between:
        mine = per_country[series]
        diff = float(mine.mean() - ref.mean()) if len(ref) else 0.0
        se = np.sqrt(
            (np.var(mine, ddof=1) / len(mine) if len(mine) > 1 else pooled_var)
            + (np.var(ref, ddof=1) / len(ref) if len(ref) > 1 else pooled_var)
        )
        out.offset[series], out.offset_se[series] = diff, float(se)
        out.discrepancy_var[series] = max(pooled_var, MIN_DISCREPANCY_VAR)
        out.n_pairs[series] = int(pairs["series"].eq(series).sum())
        out.method[series] = "between"
    return out
