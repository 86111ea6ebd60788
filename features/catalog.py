"""The Brazil feature set: names, human-readable labels and the census columns it uses.

Labels are written for a labour-ministry reader and are shown next to model drivers in alerts. Every
feature is computed for a target year ``t`` from data with period before ``t`` and known (vintage) before
1 January ``t``; employer-list events are the documented exception on vintage (see
docs/adr/0020-brazil-target-and-label-vintage.md).
"""

from __future__ import annotations

FEATURE_SET = "brazil_v1"

# Atlas (census) columns used, mapped to feature names. Units as in the Atlas dictionary.
CENSUS_COLUMNS: dict[str, str] = {
    "idhm": "census_idhm",
    "rdpc": "census_income_pc",
    "gini": "census_gini",
    "pind": "census_extreme_poverty",
    "pmpob": "census_poverty",
    "pindcri": "census_child_extreme_poverty",
    "p_agro": "census_agriculture_share",
    "p_extr": "census_mining_share",
    "trabsc": "census_informal_share",
    "t_analf18m": "census_illiteracy",
    "t_crifundin_todos": "census_children_low_education_home",
}

FEATURE_LABELS: dict[str, str] = {
    "event_lag1": "Employer-list event in the previous year (1 = yes)",
    "event_lag2": "Employer-list event two years before (1 = yes)",
    "events_3y": "Employers put on the list, last 3 years",
    "workers_3y": "Workers found in listed cases, last 3 years",
    "years_since_event": "Years since the last employer-list event (empty if never)",
    "ever_listed": "Any employer-list event in an earlier year (1 = yes)",
    "event_years_past": "Number of earlier years with an employer-list event",
    "history_years": "Years of employer-list history available before this year",
    "nbr_event_share_1y": "Share of neighbouring municipalities with an employer-list event last year",
    "nbr_with_event_3y": "Neighbouring municipalities with an employer-list event, last 3 years",
    "nbr_events_3y": "Employer-list events in neighbouring municipalities, last 3 years",
    "n_neighbours": "Number of neighbouring municipalities",
    "events_past": "Employers put on the list here, every earlier inspection year",
    "nbr_events_past": "Employers put on the list in neighbouring municipalities, every earlier year",
    "insp_total": "Slave-labour inspections here since 2003",
    "insp_rescue": "Inspections here since 2003 that found and rescued workers",
    "insp_no_rescue": "Inspections here since 2003 that found nobody to rescue",
    "insp_rescued_workers": "Workers rescued by inspections here since 2003",
    "years_since_inspection": "Years since the last slave-labour inspection here (25 if none on record)",
    "years_since_rescue": "Years since an inspection last rescued workers here (25 if never)",
    "nbr_insp_total": "Slave-labour inspections in neighbouring municipalities since 2003",
    "nbr_insp_rescue": "Inspections in neighbouring municipalities since 2003 that rescued workers",
    "nbr_insp_rescued_workers": "Workers rescued in neighbouring municipalities since 2003",
    "act_agriculture_years": "Years with a cattle-ranching or crop (agriculture) employer listed here",
    "nbr_act_agriculture_years": "Years with cattle-ranching or crop employers listed in neighbouring municipalities",
    "act_forestry_charcoal_years": "Years with a charcoal or forestry employer listed here",
    "nbr_act_forestry_charcoal_years": "Years with charcoal or forestry employers listed in neighbouring municipalities",
    "act_mining_years": "Years with a mining or quarrying employer listed here",
    "nbr_act_mining_years": "Years with mining or quarrying employers listed in neighbouring municipalities",
    "act_construction_years": "Years with a construction employer listed here",
    "nbr_act_construction_years": "Years with construction employers listed in neighbouring municipalities",
    "state_event_rate_3y": "Share of municipalities in the state with an employer-list event, yearly, last 3 years",
    "census_idhm": "Human development index (IDHM, 0-1, latest census)",
    "census_income_pc": "Income per person (R$ per month, Aug 2010 prices, latest census)",
    "census_gini": "Income inequality (Gini, 0-1, latest census)",
    "census_extreme_poverty": "People in extreme poverty (%, latest census)",
    "census_poverty": "People in poverty (%, latest census)",
    "census_child_extreme_poverty": "Children under 15 in extreme poverty (%, latest census)",
    "census_agriculture_share": "Workers employed in agriculture (%, latest census)",
    "census_mining_share": "Workers employed in mining and quarrying (%, latest census)",
    "census_informal_share": "Employees without a signed work card (informal, %, latest census)",
    "census_illiteracy": "Adults (18+) who cannot read or write (%, latest census)",
    "census_children_low_education_home": "Children in homes where no adult finished primary school (%, latest census)",
    "census_rural_share": "Population living in rural areas (%, latest census)",
    "log_population": "Population (natural log, latest IBGE estimate published before the year)",
    "log_area_km2": "Municipality area (natural log of km²)",
}

# `history_years` is the same for every area in a year: the historical-frequency baseline needs it, the
# models do not get it (a tree would read it as a calendar trend it cannot extrapolate).
MODEL_FEATURES: list[str] = [name for name in FEATURE_LABELS if name != "history_years"]
