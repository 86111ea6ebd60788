"""World child-labour prevalence: a ridge model on the logit of prevalence with the age band as a
covariate, leave-country-out validation against a regional mean, a conformal interval, and the
intervention typology (``catalyst`` / ``momentum`` / ``inception``).

Rows: one per (``area_id``, ``year``, ``band``) with ``prevalence`` in percent and the covariates.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

BANDS = ("5_14", "5_17", "7_14", "7_17", "6_17", "10_17")
INTERVAL_LEVEL = 0.9


def _logit(pct) -> np.ndarray:
    p = np.clip(np.asarray(pct, dtype="float64") / 100.0, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def _pct(margin) -> np.ndarray:
    return 100.0 / (1.0 + np.exp(-np.asarray(margin, dtype="float64")))


class PrevalenceModel:
    """Ridge regression of logit(prevalence) on covariates + band indicators; ``interval`` is split-
    conformal on the absolute logit residuals passed to :meth:`set_residuals` (leave-country-out)."""

    def __init__(self, covariates: Sequence[str], alpha: float = 3.0):
        self.covariates = covariates
        self.alpha = alpha

    def _design(self, frame: pd.DataFrame) -> pd.DataFrame:
        X = frame[list(self.covariates)].astype("float64").copy()
        for band in BANDS:
            X[f"band_{band}"] = (frame["band"] == band).astype("float64")
        return X

    def fit(self, frame: pd.DataFrame) -> PrevalenceModel:
        self.pipeline_ = make_pipeline(
            SimpleImputer(strategy="median", keep_empty_features=True),
            StandardScaler(),
            Ridge(alpha=self.alpha),
        ).fit(self._design(frame), _logit(frame["prevalence"]))
        self.half_width_ = np.nan
        return self

    def margin(self, frame: pd.DataFrame) -> np.ndarray:
        return self.pipeline_.predict(self._design(frame))

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Prevalence in percent."""
        return _pct(self.margin(frame))

    def set_residuals(
        self, abs_logit_residuals: np.ndarray, level: float = INTERVAL_LEVEL
    ) -> PrevalenceModel:
        """Conformal half-width: the ``level`` quantile (finite-sample corrected) of |residual| in logits."""
        r = np.sort(np.asarray(abs_logit_residuals, dtype="float64"))
        k = min(len(r) - 1, int(np.ceil((len(r) + 1) * level)) - 1)
        self.half_width_ = float(r[k]) if len(r) else np.nan
        return self

    def interval(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """``(lo, hi)`` in percent; NaN before :meth:`set_residuals`."""
        m = self.margin(frame)
        return _pct(m - self.half_width_), _pct(m + self.half_width_)

    def contributions(self, frame: pd.DataFrame) -> pd.DataFrame:
        """coef × standardised value per covariate (logits), band indicators left out."""
        z = self.pipeline_[:-1].transform(self._design(frame))
        coef = self.pipeline_[-1].coef_
        names = list(self._design(frame).columns)
        out = pd.DataFrame(np.asarray(z) * coef, index=frame.index, columns=names)
        return out.loc[:, list(self.covariates)]


def nearest_mean(train: pd.DataFrame, test: pd.DataFrame, centroids: pd.DataFrame, k: int = 5) -> np.ndarray:
    """Regional-mean baseline: mean prevalence (logit scale, per country first) of the ``k`` countries of
    ``train`` nearest to each ``test`` row's country by great-circle distance between centroids."""
    per_country = train.assign(m=_logit(train["prevalence"])).groupby("area_id")["m"].mean()
    c = centroids.set_index("area_id").reindex(per_country.index)
    ok = c["lon"].notna() & c["lat"].notna()
    per_country, c = per_country[ok], c[ok]
    lat1, lon1 = np.radians(c["lat"].to_numpy()), np.radians(c["lon"].to_numpy())
    out = []
    target = centroids.set_index("area_id").reindex(test["area_id"])
    for lat, lon in zip(np.radians(target["lat"]), np.radians(target["lon"]), strict=True):
        if np.isnan(lat) or np.isnan(lon):
            out.append(per_country.mean())
            continue
        d = np.sin((lat1 - lat) / 2) ** 2 + np.cos(lat) * np.cos(lat1) * np.sin((lon1 - lon) / 2) ** 2
        out.append(per_country.to_numpy()[np.argsort(d, kind="stable")[:k]].mean())
    return _pct(out)


def leave_country_out(
    frame: pd.DataFrame, centroids: pd.DataFrame, covariates: Sequence[str]
) -> pd.DataFrame:
    """Each country predicted by a model fitted on every other country: columns ``area_id``, ``year``,
    ``band``, ``prevalence``, ``model``, ``baseline`` (regional mean), ``abs_logit_residual``."""
    rows = []
    for country in frame["area_id"].unique():
        test = frame.loc[frame["area_id"] == country]
        train = frame.loc[frame["area_id"] != country]
        model = PrevalenceModel(covariates).fit(train)
        pred = model.predict(test)
        rows.append(
            test.loc[:, ["area_id", "year", "band", "prevalence"]].assign(
                model=pred,
                baseline=nearest_mean(train, test, centroids),
                abs_logit_residual=np.abs(_logit(test["prevalence"]) - model.margin(test)),
            )
        )
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def validation_metrics(lco: pd.DataFrame) -> dict[str, float]:
    """MAE and RMSE in percentage points for the model and the regional mean, and the share of held-out
    values inside the conformal interval computed from the *other* countries' residuals."""
    out: dict[str, float] = {"n_obs": float(len(lco)), "n_countries": float(lco["area_id"].nunique())}
    for name in ("model", "baseline"):
        err = lco[name] - lco["prevalence"]
        out[f"{name}_mae"] = float(err.abs().mean())
        out[f"{name}_rmse"] = float(np.sqrt((err**2).mean()))
    covered = []
    for country, part in lco.groupby("area_id"):
        others = lco.loc[lco["area_id"] != country, "abs_logit_residual"].to_numpy()
        q = PrevalenceModel([]).set_residuals(others).half_width_
        m = _logit(part["model"])
        y = _logit(part["prevalence"])
        covered.extend(np.abs(y - m) <= q)
    out["interval_coverage"] = float(np.mean(covered)) if covered else float("nan")
    return out


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
