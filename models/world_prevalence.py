"""Country child-labour prevalence (SDG 8.7.1, 5-17, both sexes, logit scale) from a covariate prior and
the country's own surveys of every series (ADR 0041).

    logit p[c, t] = prior(x[c, t]) + u[c](t),

``prior`` is a ridge regression on standardised covariates (median-imputed) plus ``spatial`` × the mean
ridge residual of the ``k`` nearest other countries (the regional effect); ``u[c]`` is the country's
effect, a Gaussian process with variance ``tau2`` (the prior's cross-validated error) and correlation
exp(−|Δt| / ``persistence``) between years. Surveys of other series enter through their offset and
variance (:mod:`models.world_measurement`), so the posterior of ``u`` is shrunk toward 0 (the prior) when
a country has few or distant surveys, and the interval widens with years since the last survey.

The prior's covariate set, ridge ``alpha``, ``spatial`` weight and training rows (estimand only, or every
series converted) are chosen by a grouped cross-validation over the countries given to :func:`fit`: a
held-out country never takes part in choosing them.

Frames: ``surveys`` has ``area_id, year, series, prevalence`` (percent) and the covariate columns;
``targets`` has ``area_id, year`` and the covariates; ``centroids`` has ``area_id, lat, lon`` (degrees).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

import numpy as np
import pandas as pd

from models.world_measurement import (
    NOISE_VAR,
    REFERENCE,
    Measurement,
    learn_measurement,
    logit,
    percent,
)

Z90 = 1.6448536269514722
PERSISTENCE_YEARS = 20.0  # a country's deviation from its prior keeps exp(-10/20) = 0.61 after 10 years
INNER_FOLDS = 8
NEIGHBOURS = 5
MIN_TAU2 = 0.05
CORE = ("agriculture_workers_share", "log_gdp_pc", "under5_mortality", "survey_year")
BROAD = (
    *CORE,
    "rural_share",
    "primary_completion",
    "dependency_ratio",
    "family_workers_share",
    "extreme_poverty",
)
COVARIATE_SETS: dict[str, tuple[str, ...]] = {"core": CORE, "broad": BROAD}
ALPHAS = (4.0, 16.0, 64.0)
SPATIAL = (0.0, 0.5, 1.0)
PRIOR_ROWS = ("reference", "all")


@dataclass(frozen=True)
class PriorSpec:
    """One candidate prior: covariate set name, ridge ``alpha``, ``spatial`` weight of the neighbours'
    mean residual, ``rows`` it is trained on (``reference`` = estimand surveys only, ``all`` = every
    series, converted by its offset and down-weighted by its extra variance)."""

    covariates: str = "core"
    alpha: float = 8.0
    spatial: float = 0.5
    rows: str = "reference"

    @property
    def columns(self) -> tuple[str, ...]:
        return COVARIATE_SETS[self.covariates]


def default_grid() -> list[PriorSpec]:
    """Every combination of :data:`COVARIATE_SETS`, :data:`ALPHAS`, :data:`SPATIAL`, :data:`PRIOR_ROWS`."""
    return [PriorSpec(*combo) for combo in product(COVARIATE_SETS, ALPHAS, SPATIAL, PRIOR_ROWS)]


def nearest_mean(
    lat: np.ndarray,
    lon: np.ndarray,
    names: np.ndarray,
    ref_lat: np.ndarray,
    ref_lon: np.ndarray,
    ref_names: np.ndarray,
    values: np.ndarray,
    k: int = NEIGHBOURS,
    fallback: float = 0.0,
) -> np.ndarray:
    """Per target (degrees), the mean of ``values`` of the ``k`` reference points nearest by great-circle
    distance, a point of the same name excluded; ``fallback`` for a target without coordinates."""
    la, lo = (
        np.radians(np.asarray(lat, dtype="float64"))[:, None],
        np.radians(np.asarray(lon, dtype="float64"))[:, None],
    )
    rla, rlo = np.radians(ref_lat)[None, :], np.radians(ref_lon)[None, :]
    d = np.sin((rla - la) / 2) ** 2 + np.cos(la) * np.cos(rla) * np.sin((rlo - lo) / 2) ** 2
    d = np.where(
        np.asarray(names, dtype="object")[:, None] == np.asarray(ref_names, dtype="object")[None, :],
        np.inf,
        d,
    )
    order = np.argsort(d, axis=1, kind="stable")[:, :k]
    near = np.take_along_axis(d, order, axis=1)
    finite = np.isfinite(near)
    count = finite.sum(axis=1)
    total = np.where(finite, np.asarray(values, dtype="float64")[order], 0.0).sum(axis=1)
    out = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    ok = np.isfinite(la[:, 0]) & np.isfinite(lo[:, 0]) & np.isfinite(out)
    return np.where(ok, out, fallback)


class CovariatePrior:
    """Weighted ridge on standardised covariates plus the neighbours' mean residual (logits)."""

    def __init__(self, spec: PriorSpec, centroids: pd.DataFrame):
        self.spec = spec
        self.centroids = centroids.set_index("area_id").loc[:, ["lat", "lon"]].astype("float64")

    def _z(self, frame: pd.DataFrame) -> np.ndarray:
        X = frame.loc[:, list(self.spec.columns)].astype("float64").to_numpy()
        X = np.where(np.isnan(X), self.median_, X)
        return (X - self.mean_) / self.scale_

    def fit(self, frame: pd.DataFrame, y: np.ndarray, w: np.ndarray) -> CovariatePrior:
        """``frame``: ``area_id`` and the covariates; ``y`` logits; ``w`` row weights."""
        X = frame.loc[:, list(self.spec.columns)].astype("float64").to_numpy()
        med = np.nanmedian(np.where(np.isnan(X).all(axis=0), 0.0, X), axis=0)
        self.median_ = np.where(np.isnan(med), 0.0, med)
        X = np.where(np.isnan(X), self.median_, X)
        self.mean_ = X.mean(axis=0)
        sd = X.std(axis=0)
        self.scale_ = np.where(sd > 0, sd, 1.0)
        Z = (X - self.mean_) / self.scale_
        w = np.asarray(w, dtype="float64") / np.sum(w) * len(w)
        self.intercept_ = float(np.average(y, weights=w))
        zc = Z - np.average(Z, axis=0, weights=w)
        A = zc.T @ (zc * w[:, None]) + self.spec.alpha * np.eye(Z.shape[1])
        self.coef_ = np.linalg.solve(A, zc.T @ (w * (y - self.intercept_)))
        self.intercept_ -= float(np.average(Z, axis=0, weights=w) @ self.coef_)
        resid = pd.Series(y - self.ridge(frame)).groupby(frame["area_id"].to_numpy()).mean()
        c = self.centroids.reindex(resid.index)
        ok = c["lat"].notna().to_numpy() & c["lon"].notna().to_numpy()
        self.resid_ = resid[ok]
        self.resid_lat_ = c["lat"].to_numpy()[ok]
        self.resid_lon_ = c["lon"].to_numpy()[ok]
        return self

    def ridge(self, frame: pd.DataFrame) -> np.ndarray:
        return self.intercept_ + self._z(frame) @ self.coef_

    def neighbour_effect(self, area_ids: Sequence[str]) -> np.ndarray:
        """``spatial`` × mean residual of the ``k`` nearest training countries other than the country
        (0 without a centroid)."""
        if self.spec.spatial == 0 or len(self.resid_) == 0:
            return np.zeros(len(area_ids))
        unique = pd.unique(np.asarray(area_ids, dtype="object"))
        where = self.centroids.reindex(unique)
        effect = pd.Series(
            nearest_mean(
                where["lat"].to_numpy(),
                where["lon"].to_numpy(),
                unique,
                self.resid_lat_,
                self.resid_lon_,
                self.resid_.index.to_numpy(),
                self.resid_.to_numpy(),
            ),
            index=unique,
        )
        return self.spec.spatial * effect.reindex(area_ids).to_numpy()

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Prior logit per row of ``frame`` (``area_id`` and the covariates)."""
        return self.ridge(frame) + self.neighbour_effect(list(frame["area_id"]))

    def contributions(self, frame: pd.DataFrame) -> pd.DataFrame:
        """coef × standardised value per covariate and the ``region`` (neighbour) effect, logits."""
        out = pd.DataFrame(self._z(frame) * self.coef_, index=frame.index, columns=list(self.spec.columns))
        out["region"] = self.neighbour_effect(list(frame["area_id"]))
        return out


def _training_rows(
    surveys: pd.DataFrame, spec: PriorSpec, measurement: Measurement, tau2: float
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Rows, estimand-scale logits and weights (each country weighs 1 in total; a converted series is
    down-weighted by tau2 / (tau2 + its extra variance))."""
    rows = surveys if spec.rows == "all" else surveys.loc[surveys["series"] == REFERENCE]
    y = logit(rows["prevalence"]) - measurement.offsets_of(rows["series"])
    w = tau2 / (tau2 + measurement.extra_var_of(rows["series"]) + NOISE_VAR)
    w = w / rows.groupby("area_id")["area_id"].transform("size").to_numpy()
    return rows, y, w


def _fit_prior(
    surveys: pd.DataFrame, spec: PriorSpec, centroids: pd.DataFrame, measurement: Measurement, tau2: float
) -> CovariatePrior:
    rows, y, w = _training_rows(surveys, spec, measurement, tau2)
    return CovariatePrior(spec, centroids).fit(rows, y, w)


def _residuals(surveys: pd.DataFrame, prior: CovariatePrior) -> pd.DataFrame:
    return surveys.loc[:, ["area_id", "year", "series"]].assign(
        r=logit(surveys["prevalence"]) - prior.predict(surveys)
    )


def latest_survey(part: pd.DataFrame) -> pd.Series:
    """The latest survey of one country's rows (``year``, ``series``); the estimand wins a tie."""
    order = part.assign(_ref=part["series"] == REFERENCE).sort_values(
        ["year", "_ref", "series"], kind="stable"
    )
    return order.iloc[-1]


def country_folds(area_ids: Sequence[str], n_folds: int) -> dict[str, int]:
    """Deterministic fold per country: sorted names dealt round-robin."""
    return {a: i % n_folds for i, a in enumerate(sorted(set(area_ids)))}


def column_medians(X: np.ndarray) -> np.ndarray:
    """Each column's median over its non-NaN values, 0.0 for a column with none: ``np.nanmedian(X,
    axis=0)`` to the last digit, without its masked-array path (slow on the small matrices fitted here
    thousands of times)."""
    if len(X) == 0:
        return np.zeros(X.shape[1])
    ordered = np.sort(X, axis=0)  # NaN sorts last
    n = (~np.isnan(X)).sum(axis=0)
    cols = np.arange(X.shape[1])
    med = (ordered[np.maximum((n - 1) // 2, 0), cols] + ordered[n // 2, cols]) / 2.0
    return np.where(n > 0, med, 0.0)


def _ridge_solve(X: np.ndarray, y: np.ndarray, w: np.ndarray, alpha: float):
    """Median-impute, standardise, weighted ridge; returns a function X -> logits."""
    med = column_medians(X)
    X = np.where(np.isnan(X), med, X)
    mean, sd = X.mean(axis=0), X.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    Z = (X - mean) / sd
    w = w / w.sum() * len(w)
    zbar = np.average(Z, axis=0, weights=w)
    ybar = float(np.average(y, weights=w))
    zc = Z - zbar
    coef = np.linalg.solve(zc.T @ (zc * w[:, None]) + alpha * np.eye(Z.shape[1]), zc.T @ (w * (y - ybar)))

    def predict(X_new: np.ndarray) -> np.ndarray:
        return ybar + (((np.where(np.isnan(X_new), med, X_new) - mean) / sd) - zbar) @ coef

    return predict


def select_prior(
    surveys: pd.DataFrame,
    centroids: pd.DataFrame,
    measurement: Measurement,
    grid: Sequence[PriorSpec],
    n_folds: int = INNER_FOLDS,
) -> tuple[PriorSpec, pd.DataFrame]:
    """The spec with the lowest grouped-CV MAE (pp, estimand surveys, each country once) and a table of
    every spec's ``mae``, ``rmse_logit`` (``spec`` is its repr). Same arithmetic as
    :class:`CovariatePrior`, on arrays."""
    surveys = surveys.reset_index(drop=True)
    is_ref = (surveys["series"] == REFERENCE).to_numpy()
    ref_ids = surveys.loc[is_ref, "area_id"]
    folds = country_folds(ref_ids, n_folds)
    fold = surveys["area_id"].map(folds).fillna(-1).to_numpy()
    codes, areas = pd.factorize(surveys["area_id"])
    where = centroids.set_index("area_id").reindex(areas)
    lat, lon = where["lat"].to_numpy(dtype="float64"), where["lon"].to_numpy(dtype="float64")
    la, lo = np.radians(lat), np.radians(lon)
    dist = (
        np.sin((la[None, :] - la[:, None]) / 2) ** 2
        + np.cos(la[:, None]) * np.cos(la[None, :]) * np.sin((lo[None, :] - lo[:, None]) / 2) ** 2
    )
    dist = np.where(np.isfinite(dist), dist, np.inf)
    np.fill_diagonal(dist, np.inf)
    y_obs = logit(surveys["prevalence"])
    tau2_guess = float(np.var(y_obs[is_ref])) if is_ref.sum() > 1 else 1.0
    rows_all, y_all, w_all = _training_rows(surveys, PriorSpec(rows="all"), measurement, tau2_guess)
    w_full = np.zeros(len(surveys))
    w_full[rows_all.index.to_numpy()] = w_all
    y_conv = np.zeros(len(surveys))
    y_conv[rows_all.index.to_numpy()] = y_all
    w_ref = np.where(is_ref, 1.0, 0.0)
    w_ref = w_ref / np.maximum(pd.Series(w_ref).groupby(codes).transform("sum").to_numpy(), 1.0)
    cache: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
    matrices: dict[str, np.ndarray] = {}
    prevalence = surveys["prevalence"].to_numpy(dtype="float64")
    scores = []
    for spec in grid:
        if spec.covariates not in matrices:
            matrices[spec.covariates] = surveys.loc[:, list(spec.columns)].astype("float64").to_numpy()
        X = matrices[spec.covariates]
        pred = np.full(len(surveys), np.nan)
        for k in sorted(set(folds.values())):
            train = (fold != k) & ((w_full > 0) if spec.rows == "all" else is_ref)
            test = (fold == k) & is_ref
            if not test.any() or not (train & is_ref).any():
                continue
            key = (spec.covariates, spec.alpha, spec.rows, k)
            if key not in cache:
                w = (w_full if spec.rows == "all" else w_ref)[train]
                yt = (y_conv if spec.rows == "all" else y_obs)[train]
                fn = _ridge_solve(X[train], yt, w, spec.alpha)
                r = yt - fn(X[train])
                sums = np.bincount(codes[train], weights=r, minlength=len(areas))
                counts = np.bincount(codes[train], minlength=len(areas))
                resid = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
                d = np.where(counts[None, :] > 0, dist, np.inf)[codes[test]]
                order = np.argsort(d, axis=1, kind="stable")[:, :NEIGHBOURS]
                near = np.isfinite(np.take_along_axis(d, order, axis=1))
                vals = np.where(near, resid[order], 0.0).sum(axis=1) / np.maximum(near.sum(axis=1), 1)
                cache[key] = (fn(X[test]), np.where(near.any(axis=1), vals, 0.0))
            base, neighbour = cache[key]
            pred[test] = base + spec.spatial * neighbour
        done = np.isfinite(pred)
        n = np.bincount(codes[done], minlength=len(areas))
        abs_err = np.bincount(
            codes[done], weights=np.abs(percent(pred[done]) - prevalence[done]), minlength=len(areas)
        )
        sq_err = np.bincount(codes[done], weights=(pred[done] - y_obs[done]) ** 2, minlength=len(areas))
        has = n > 0
        scores.append(
            {
                "spec": repr(spec),
                "mae": float(np.mean(abs_err[has] / n[has])),
                "rmse_logit": float(np.sqrt(np.mean(sq_err[has] / n[has]))),
            }
        )
    table = pd.DataFrame(scores)
    best = int(np.argmin(table["mae"].to_numpy()))
    return grid[best], table


@dataclass
class WorldPrevalence:
    """A fitted model: the chosen prior, the measurement of every series, ``tau2`` (logit², variance of
    a country's effect), ``persistence`` (years), the surveys it holds as evidence (with residuals) and
    the selection table."""

    prior: CovariatePrior
    measurement: Measurement
    tau2: float
    persistence: float
    evidence: pd.DataFrame
    selection: pd.DataFrame

    def predict(self, targets: pd.DataFrame, evidence: pd.DataFrame | None = None) -> pd.DataFrame:
        """Per row of ``targets`` (``area_id, year``, covariates): ``prior`` and ``margin`` (logits),
        ``sd`` (logit s.d. of a new estimand survey), ``prevalence``, ``p_lo``, ``p_hi`` (90 %, percent),
        ``n_surveys`` (own surveys used), ``evidence`` (``survey``/``covariates``), ``evidence_series`` and
        ``evidence_year`` (the country's latest survey, any series), ``own_weight`` (1 − posterior/prior
        variance of the country effect, in [0, 1]). ``evidence`` defaults to the surveys fitted on."""
        evidence = self.evidence if evidence is None else self._with_residuals(evidence)
        prior = self.prior.predict(targets)
        by_country = {a: part for a, part in evidence.groupby("area_id")}
        u = np.zeros(len(targets))
        var = np.full(len(targets), self.tau2)
        n = np.zeros(len(targets), dtype="int64")
        last_series: list[str | None] = [None] * len(targets)
        last_year = np.full(len(targets), np.nan)
        for i, (area, year) in enumerate(zip(targets["area_id"], targets["year"], strict=True)):
            part = by_country.get(area)
            if part is None or part.empty:
                continue
            u[i], var[i] = self._posterior(part, float(year))
            n[i] = len(part)
            latest = latest_survey(part)
            last_series[i], last_year[i] = latest["series"], float(latest["year"])
        margin = prior + u
        sd = np.sqrt(var + NOISE_VAR)
        return pd.DataFrame(
            {
                "area_id": targets["area_id"].to_numpy(),
                "year": targets["year"].to_numpy(),
                "prior": prior,
                "margin": margin,
                "sd": sd,
                "prevalence": percent(margin),
                "p_lo": percent(margin - Z90 * sd),
                "p_hi": percent(margin + Z90 * sd),
                "n_surveys": n,
                "evidence": np.where(n > 0, "survey", "covariates"),
                "evidence_series": last_series,
                "evidence_year": last_year,
                "own_weight": np.clip(1.0 - var / self.tau2, 0.0, 1.0),
            }
        )

    def _with_residuals(self, surveys: pd.DataFrame) -> pd.DataFrame:
        r = _residuals(surveys, self.prior)
        return r.assign(r=r["r"] - self.measurement.offsets_of(r["series"]))

    def _posterior(self, part: pd.DataFrame, year: float) -> tuple[float, float]:
        """Mean and variance of the country effect in ``year`` given its surveys' residuals ``r``."""
        t = part["year"].to_numpy(dtype="float64")
        s = part["series"].to_numpy()
        K = self.tau2 * np.exp(-np.abs(t[:, None] - t[None, :]) / self.persistence)
        same = (s[:, None] == s[None, :]) & (s[:, None] != REFERENCE)
        extra = self.measurement.extra_var_of(s)
        C = K + same * extra[:, None] + NOISE_VAR * np.eye(len(t))
        k = self.tau2 * np.exp(-np.abs(year - t) / self.persistence)
        sol = np.linalg.solve(C, np.column_stack([part["r"].to_numpy(), k]))
        return float(k @ sol[:, 0]), float(max(self.tau2 - k @ sol[:, 1], 1e-6))


def fit(
    surveys: pd.DataFrame,
    centroids: pd.DataFrame,
    grid: Sequence[PriorSpec] | None = None,
    persistence: float = PERSISTENCE_YEARS,
    n_folds: int = INNER_FOLDS,
) -> WorldPrevalence:
    """Fit on ``surveys`` (every series): learn offsets against an estimand-only prior, choose the prior
    by grouped CV, set ``tau2`` from that CV's error, refit and re-learn the offsets against the chosen
    prior. Raises ``ValueError`` without an estimand survey."""
    if not (surveys["series"] == REFERENCE).any():
        raise ValueError(f"no {REFERENCE} survey to fit the world prevalence model on")
    grid = list(grid or default_grid())
    surveys = surveys.reset_index(drop=True)
    base = _fit_prior(surveys, PriorSpec(), centroids, Measurement(), 1.0)
    measurement = learn_measurement(_residuals(surveys, base))
    spec, table = select_prior(surveys, centroids, measurement, grid, n_folds)
    best = table.loc[table["spec"] == repr(spec)].iloc[0]
    tau2 = max(float(best["rmse_logit"]) ** 2 - NOISE_VAR, MIN_TAU2)
    prior = _fit_prior(surveys, spec, centroids, measurement, tau2)
    measurement = learn_measurement(_residuals(surveys, prior))
    prior = _fit_prior(surveys, spec, centroids, measurement, tau2)
    model = WorldPrevalence(prior, measurement, tau2, persistence, pd.DataFrame(), table)
    model.evidence = model._with_residuals(surveys)
    return model
