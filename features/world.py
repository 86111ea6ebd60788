"""World child-labour features: prevalence observations with their age band, and country covariates.

Inputs are warehouse observations (``area_id`` = ISO3, ``period`` = 1 January of the year, ``vintage``).
Prevalence: SDG 8.7.1 "children engaged in economic activity" (``sdg871_econ_activity.<band>.bothsex``,
percent, bands as published) and WDI "children in employment, 7-14" (``wdi_sl_tlf_0714_zs``, percent).
Age bands are not harmonised by rescaling: the band is kept and modelled as a covariate (ADR 0026).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.asof import known_on, with_years

SDG_PREFIX = "sdg871_econ_activity."
WDI_CODE = "wdi_sl_tlf_0714_zs"
REFERENCE_BAND = "5_17"
COVARIATES: dict[str, str] = {
    "gm_gdppercapita_us_inflation_adjusted": "log_gdp_pc",
    "gm_under_five_mortality_from_cme_per_1000_born": "under5_mortality",
    "gm_rural_population_percent_of_total": "rural_share",
    "gm_agriculture_workers_percent_of_employment": "agriculture_workers_share",
    "gm_primary_completion_rate_total_percent_of_relevant_age_group": "primary_completion",
    "gm_children_and_elderly_per_100_adults": "dependency_ratio",
    "gm_aged_15_24_unemployment_rate_percent": "youth_unemployment",
    "gm_family_workers_percent_of_employment": "family_workers_share",
    "gm_extreme_poverty_percent_people_below_300_a_day": "extreme_poverty",
}
COVARIATE_LABELS: dict[str, str] = {
    "log_gdp_pc": "GDP per person (natural log, constant US$)",
    "under5_mortality": "Under-five mortality (per 1,000 born)",
    "rural_share": "Population living in rural areas (%)",
    "agriculture_workers_share": "Workers employed in agriculture (%)",
    "primary_completion": "Primary completion rate (% of the age group)",
    "dependency_ratio": "Children and elderly per 100 adults",
    "youth_unemployment": "Unemployment, ages 15-24 (%)",
    "family_workers_share": "Contributing family workers (% of employment)",
    "extreme_poverty": "People below $3.00 a day (%)",
}


def prevalence_observations(observations: pd.DataFrame) -> pd.DataFrame:
    """One row per (``area_id``, ``year``, ``band``): ``prevalence`` in percent, ``source`` (sdg/wdi).

    Both sexes only; the latest vintage of a value wins. Values outside (0, 100) are dropped (a logit
    cannot hold them; 0 % is not a plausible national survey result).
    """
    obs = with_years(observations)
    codes = obs["indicator_code"]
    sdg = obs.loc[codes.str.startswith(SDG_PREFIX) & codes.str.endswith(".bothsex")]
    sdg = sdg.assign(band=sdg["indicator_code"].str.split(".").str[1], source="sdg")
    wdi = obs.loc[codes == WDI_CODE].assign(band="7_14", source="wdi")
    both = pd.concat([sdg, wdi], ignore_index=True).sort_values("vintage", kind="stable")
    both = both.drop_duplicates(["area_id", "year", "band", "source"], keep="last")
    both = both.loc[(both["value"] > 0) & (both["value"] < 100)]
    out = both.rename(columns={"value": "prevalence"}).loc[
        :, ["area_id", "year", "band", "source", "prevalence"]
    ]
    return out.sort_values(["area_id", "year", "band"]).reset_index(drop=True)


def covariates_at(
    observations: pd.DataFrame, area_ids, years, as_of: pd.Timestamp | None = None
) -> pd.DataFrame:
    """Covariates per (``area_id``, ``year``): the latest value of each Gapminder series with period year
    <= ``year`` (and vintage <= ``as_of`` when given). Columns named as in :data:`COVARIATES`."""
    obs = with_years(observations)
    obs = obs.loc[obs["indicator_code"].isin(COVARIATES)]
    if as_of is not None:
        obs = known_on(obs, as_of)
    obs = obs.sort_values(["year", "vintage"], kind="stable").drop_duplicates(
        ["area_id", "indicator_code", "year"], keep="last"
    )
    keys = pd.DataFrame({"area_id": list(area_ids), "year": list(years)}).drop_duplicates()
    out = keys.copy()
    for code, name in COVARIATES.items():
        series = obs.loc[obs["indicator_code"] == code, ["area_id", "year", "value"]].sort_values("year")
        merged = pd.merge_asof(
            keys.sort_values("year").reset_index(),
            series.rename(columns={"value": name}),
            on="year",
            by="area_id",
            direction="backward",
        ).set_index("index")
        out[name] = merged[name].reindex(out.index)
    out["log_gdp_pc"] = np.log(out["log_gdp_pc"].where(out["log_gdp_pc"] > 0))
    return out.reset_index(drop=True)


RATIFICATIONS = [
    f"ilab_ratified_{c}" for c in ("c138", "c182", "crc", "crc_csec", "crc_armed_conflict", "palermo")
]
ENFORCEMENT = [
    "ilab_routine_inspections_conducted",
    "ilab_labor_complaint_mechanism",
    "ilab_criminal_referral_mechanism",
]
SUPERVISORY_WINDOW = 5  # years of ILO supervisory comments that count


def commitment_components(observations: pd.DataFrame, year: int, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per country (index ``area_id``), government-response components in [0, 1] from the latest ILAB
    report year <= ``year`` known by ``as_of``: ``advancement`` (level / 4), ``ratifications`` (share of
    six instruments), ``enforcement`` (share of three mechanisms in place); and ``supervisory`` from ILO
    comments of the last five years: +0.1 when technical assistance is mentioned, −0.1 when a report was
    not received or "deep concern" was expressed (a sample: absence means "not seen", so 0)."""
    obs = with_years(observations)
    obs = known_on(obs, as_of)
    obs = obs.loc[obs["year"] <= year]
    ilab = obs.loc[obs["indicator_code"].str.startswith("ilab_")]
    latest_year = ilab.groupby("area_id")["year"].max()
    ilab = ilab.loc[ilab["year"] == ilab["area_id"].map(latest_year)]
    wide = ilab.pivot_table(index="area_id", columns="indicator_code", values="value", aggfunc="last")
    out = pd.DataFrame(index=wide.index)
    out["advancement"] = wide.get("ilab_advancement_level", pd.Series(dtype="float64")) / 4.0
    out["ratifications"] = wide.reindex(columns=RATIFICATIONS).mean(axis=1)
    out["enforcement"] = wide.reindex(columns=ENFORCEMENT).mean(axis=1)
    out["ilab_year"] = latest_year.reindex(out.index).astype("float64")
    ceacr = obs.loc[
        obs["indicator_code"].str.startswith("ceacr_") & (obs["year"] > year - SUPERVISORY_WINDOW)
    ]
    sums = ceacr.pivot_table(index="area_id", columns="indicator_code", values="value", aggfunc="sum")
    sums = sums.reindex(
        columns=["ceacr_technical_assistance", "ceacr_deep_concern", "ceacr_report_not_received"]
    )
    plus = 0.1 * (sums["ceacr_technical_assistance"].fillna(0) > 0)
    minus = 0.1 * ((sums["ceacr_deep_concern"].fillna(0) + sums["ceacr_report_not_received"].fillna(0)) > 0)
    out = out.join((plus - minus).rename("supervisory"), how="outer")
    out.index.name = "area_id"
    return out
