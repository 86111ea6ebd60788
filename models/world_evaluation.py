"""Evaluation of the world prevalence model on the estimand (SDG 8.7.1, 5-17), as it is used (ADR 0041).

- ``loco_all``: leave one country out with ALL its surveys (every series): a country we have nothing on.
- ``loco_estimand``: leave out only its estimand surveys, its other series stay as evidence: a country
  with only a WDI survey or another age band.
- ``forward``: each estimand survey predicted from what was published before it (vintage), covariates
  included; as-of dates with fewer than :data:`MIN_KNOWN` estimand countries are skipped.

Always against two baselines: ``regional`` (logit mean of the estimand surveys of the 5 nearest other
countries by centroid) and ``carried`` (the country's latest survey of any series known to the fold,
converted to 5-17 with the fold's offsets; the regional mean when it has none). Every model choice is made
inside the fold (:func:`models.world_prevalence.fit`). Metrics weigh countries equally (a country's
surveys are averaged first). Table columns: ``area_id, year, prevalence, model, p_lo, p_hi, evidence,
regional, carried, carried_series``; percent.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from features.world_surveys import survey_frame, target_frame
from models import world_prevalence as wp
from models.world_measurement import REFERENCE, Measurement, logit, percent

MIN_KNOWN = 15
VARIANTS = ("loco_all", "loco_estimand", "forward")


def regional_mean(
    train: pd.DataFrame, centroids: pd.DataFrame, area_ids: Sequence[str], k: int = 5
) -> np.ndarray:
    """Percent: mean logit of the estimand surveys (per country first) of the ``k`` nearest countries of
    ``train`` other than the target; all of them when the target has no centroid."""
    ref = train.loc[train["series"] == REFERENCE]
    per = pd.Series(logit(ref["prevalence"]), index=ref.index).groupby(ref["area_id"]).mean()
    c = centroids.set_index("area_id").reindex(per.index)
    ok = c["lat"].notna().to_numpy() & c["lon"].notna().to_numpy()
    where = centroids.set_index("area_id").reindex(list(area_ids))
    out = wp.nearest_mean(
        where["lat"].to_numpy(),
        where["lon"].to_numpy(),
        np.asarray(list(area_ids), dtype="object"),
        c["lat"].to_numpy()[ok],
        c["lon"].to_numpy()[ok],
        per.index.to_numpy()[ok],
        per.to_numpy()[ok],
        k=k,
        fallback=float(per.mean()),
    )
    return percent(out)


def carried_forward(
    evidence: pd.DataFrame, measurement: Measurement, area_ids: Sequence[str], fallback: np.ndarray
) -> tuple[np.ndarray, list[str | None]]:
    """The latest survey (any series) of each country in ``evidence``, converted to the estimand with the
    offsets of ``measurement``; ``fallback`` (percent) where a country has none. Returns (percent,
    series used or None)."""
    latest = pd.DataFrame([wp.latest_survey(part) for _, part in evidence.groupby("area_id")])
    latest = latest.set_index("area_id") if len(latest) else pd.DataFrame(columns=["prevalence", "series"])
    values, used = np.asarray(fallback, dtype="float64").copy(), []
    for i, area in enumerate(area_ids):
        if area in latest.index:
            row = latest.loc[area]
            values[i] = percent(logit(row["prevalence"]) - measurement.offset.get(row["series"], 0.0))
            used.append(str(row["series"]))
        else:
            used.append(None)
    return values, used


def _score(
    model: wp.WorldPrevalence,
    train: pd.DataFrame,
    evidence: pd.DataFrame,
    test: pd.DataFrame,
    centroids: pd.DataFrame,
) -> pd.DataFrame:
    pred = model.predict(test, evidence)
    regional = regional_mean(train, centroids, list(test["area_id"]))
    carried, used = carried_forward(evidence, model.measurement, list(test["area_id"]), regional)
    return pd.DataFrame(
        {
            "area_id": test["area_id"].to_numpy(),
            "year": test["year"].to_numpy(),
            "prevalence": test["prevalence"].to_numpy(),
            "model": pred["prevalence"].to_numpy(),
            "p_lo": pred["p_lo"].to_numpy(),
            "p_hi": pred["p_hi"].to_numpy(),
            "evidence": pred["evidence"].to_numpy(),
            "regional": regional,
            "carried": carried,
            "carried_series": used,
        }
    )


def leave_country_out(
    surveys: pd.DataFrame,
    centroids: pd.DataFrame,
    keep_other_series: bool,
    grid: Sequence[wp.PriorSpec] | None = None,
    persistence: float = wp.PERSISTENCE_YEARS,
) -> pd.DataFrame:
    """Each country with an estimand survey held out in turn. ``keep_other_series=False``: all its
    surveys leave the fold (``loco_all``); ``True``: only its estimand surveys do (``loco_estimand``)."""
    rows = []
    for area in sorted(surveys.loc[surveys["series"] == REFERENCE, "area_id"].unique()):
        mine = surveys["area_id"] == area
        test = surveys.loc[mine & (surveys["series"] == REFERENCE)]
        train = surveys.loc[~mine | ((surveys["series"] != REFERENCE) & keep_other_series)]
        model = wp.fit(train, centroids, grid, persistence)
        evidence = train.loc[train["area_id"] == area]
        rows.append(_score(model, train, evidence, test, centroids))
    return pd.concat(rows, ignore_index=True)


def forward_test(
    observations: pd.DataFrame,
    centroids: pd.DataFrame,
    grid: Sequence[wp.PriorSpec] | None = None,
    persistence: float = wp.PERSISTENCE_YEARS,
    min_known: int = MIN_KNOWN,
) -> pd.DataFrame:
    """Each estimand survey predicted as of the day before its first publication, from the surveys and
    covariates published by then; columns as :func:`leave_country_out` plus ``as_of``."""
    everything = survey_frame(observations, pd.Timestamp.max)
    ref = everything.loc[everything["series"] == REFERENCE]
    rows = []
    for vintage in sorted(ref["vintage"].unique()):
        as_of = pd.Timestamp(vintage) - pd.Timedelta(days=1)
        known = survey_frame(observations, as_of)
        if known.empty or known.loc[known["series"] == REFERENCE, "area_id"].nunique() < min_known:
            continue
        model = wp.fit(known, centroids, grid, persistence)
        new = ref.loc[ref["vintage"] == vintage]
        for year, group in new.groupby("year"):
            targets = target_frame(observations, list(group["area_id"]), int(year), as_of)
            test = targets.assign(prevalence=group["prevalence"].to_numpy())
            evidence = known.loc[known["area_id"].isin(group["area_id"])]
            rows.append(_score(model, known, evidence, test, centroids).assign(as_of=as_of))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def metrics(table: pd.DataFrame, prefix: str) -> dict[str, float]:
    """``<prefix>_<who>_{mae,rmse,spearman}`` for who in model/regional/carried (pp; per country first),
    ``<prefix>_model_coverage`` (share of countries' surveys inside the 90 % interval),
    ``<prefix>_n_countries`` and ``<prefix>_n_with_survey`` (countries whose model value used own
    surveys)."""
    if table.empty:
        return {f"{prefix}_n_countries": 0.0}
    per = table.assign(inside=(table["prevalence"] >= table["p_lo"]) & (table["prevalence"] <= table["p_hi"]))
    per = per.assign(own=per["evidence"] == "survey")
    per = per.groupby("area_id")[["prevalence", "model", "regional", "carried", "inside", "own"]].mean()
    out = {f"{prefix}_n_countries": float(len(per)), f"{prefix}_n_with_survey": float((per["own"] > 0).sum())}
    for who in ("model", "regional", "carried"):
        err = per[who] - per["prevalence"]
        out[f"{prefix}_{who}_mae"] = float(err.abs().mean())
        out[f"{prefix}_{who}_rmse"] = float(np.sqrt((err**2).mean()))
        out[f"{prefix}_{who}_spearman"] = float(spearmanr(per[who], per["prevalence"]).statistic)
    out[f"{prefix}_model_coverage"] = float(per["inside"].mean())
    return out
