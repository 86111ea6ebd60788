"""US DOL ILAB "Findings on the Worst Forms of Child Labor": government response by country and report year.

Input: ``world/government_response/ilab/raw_xml/countries_YYYY.xml``, the country reports as published (read by
:mod:`pipelines.ingest.readers.ilab_xml`; the 2021 file holds the 2022 report), and the country crosswalk.

Output observations (source ``us_dol_ilab``), ``period`` = 1 January of the report year (the calendar year
the report assesses), ``vintage`` = 30 September of the following year (the Findings are released each
September). Every field listed in ``FIELDS``:
- ``ilab_advancement_level`` (``ordinal_0_4``): 0 No Advancement (with or without "Efforts Made but
  Complicit in Forced Child Labor"), 1 Minimal Advancement – Efforts Made but … Delayed Advancement,
  2 Minimal Advancement, 3 Moderate Advancement, 4 Significant Advancement. "No Assessment" is missing.
- shares (working children, by sector, school attendance, working and studying, primary completion):
  published as percents in the 2015 report and as fractions from 2016 on; fractions are multiplied by 100.
  A fraction above 1 for a bounded share cannot be read either way and is kept missing.
- ``ilab_ratified_<convention>``, ``ilab_law_<standard>_meets_intl``, enforcement mechanisms (``flag_0_1``):
  Yes → 1, No → 0; "N/A", "Unknown" and blanks are missing, never 0.
- legal minimum ages (``age_years``) and enforcement counts (``count``): plain numbers (thousands
  separators and footnote marks ``* † ‡`` allowed); "Unknown" and free text are missing; a number
  written otherwise (``-5``, ``1e308``) is kept, so the source contract refuses it.
- ``ilab_goods_{child_labour,forced_labour,forced_child_labour}`` (``count``): goods on the List of Goods for
  the country in that edition, for every entry (countries without a report too).
Country names are mapped to ISO3 by the crosswalk; any unmatched name raises, listing all of them.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from pathlib import Path

import pandas as pd

from pipelines.ingest.connector import Connector, Staged, finish_observations, indicators_frame, year_start
from pipelines.ingest.readers.ilab_xml import read_entries, report_files
from pipelines.ingest.sources.world.country_codes import (
    map_or_raise,
    name_to_iso3,
    normalise_name,
    read_entities,
)
from pipelines.ingest.sources.world.observations import country_suite

log = logging.getLogger(__name__)

SOURCE = "us_dol_ilab"
FRACTION_FROM_YEAR = 2016
STATS = "Country_Statistics/"
LAW = "Legal_Standards/"
ENF = "Enforcements/"
# code → (element path below <Country>, kind, unit, name). Kinds are typed by ``KIND_PARSERS``.
FIELDS: dict[str, tuple[str, str, str, str]] = {
    "ilab_advancement_level": ("Advancement_Level", "advancement", "ordinal_0_4", "ILAB advancement level (0 none … 4 significant)"),
    "ilab_working_children_pct": (STATS + "Children_Work_Statistics/Total_Percentage_of_Working_Children", "share", "percent", "Working children (% of children in the report's age range)"),
    "ilab_working_children_agriculture_pct": (STATS + "Children_Work_Statistics/Agriculture", "share", "percent", "Working children in agriculture (% of working children)"),
    "ilab_working_children_industry_pct": (STATS + "Children_Work_Statistics/Industry", "share", "percent", "Working children in industry (% of working children)"),
    "ilab_working_children_services_pct": (STATS + "Children_Work_Statistics/Services", "share", "percent", "Working children in services (% of working children)"),
    "ilab_school_attendance_pct": (STATS + "Education_Statistics_Attendance_Statistics/Percentage", "share", "percent", "School attendance (% of children in the report's age range)"),
    "ilab_working_and_studying_7_14_pct": (STATS + "Children_Working_and_Studying_7-14_yrs_old/Total", "share", "percent", "Children working and studying, ages 7-14 (%)"),
    "ilab_primary_completion_pct": (STATS + "UNESCO_Primary_Completion_Rate/Rate", "gross_share", "percent_gross", "Primary completion rate, gross (UNESCO, % of relevant age group)"),
    "ilab_ratified_c138": ("Conventions/C_138_Ratified", "flag", "flag_0_1", "Ratified: ILO C138 Minimum Age Convention"),
    "ilab_ratified_c182": ("Conventions/C_182_Ratified", "flag", "flag_0_1", "Ratified: ILO C182 Worst Forms of Child Labour Convention"),
    "ilab_ratified_crc": ("Conventions/Convention_on_the_Rights_of_the_Child_Ratified", "flag", "flag_0_1", "Ratified: UN Convention on the Rights of the Child"),
    "ilab_ratified_crc_csec": ("Conventions/CRC_Commercial_Sexual_Exploitation_of_Children_Ratified", "flag", "flag_0_1", "Ratified: CRC Optional Protocol on the Sale of Children, Child Prostitution and Child Pornography"),
    "ilab_ratified_crc_armed_conflict": ("Conventions/CRC_Armed_Conflict_Ratified", "flag", "flag_0_1", "Ratified: CRC Optional Protocol on Armed Conflict"),
    "ilab_ratified_palermo": ("Conventions/Palermo_Ratified", "flag", "flag_0_1", "Ratified: Palermo Protocol on Trafficking in Persons"),
    "ilab_law_minimum_work_age": (LAW + "Minimum_Work/Age", "age", "age_years", "Legal minimum age for work"),
    "ilab_law_minimum_hazardous_work_age": (LAW + "Minimum_Hazardous_Work/Age", "age", "age_years", "Legal minimum age for hazardous work"),
    "ilab_law_compulsory_education_age": (LAW + "Compulsory_Education/Age", "age", "age_years", "Age to which education is compulsory"),
    "ilab_law_minimum_work_meets_intl": (LAW + "Minimum_Work/Conforms_To_Intl_Standard", "flag", "flag_0_1", "Minimum age for work meets international standards"),
    "ilab_law_minimum_hazardous_work_meets_intl": (LAW + "Minimum_Hazardous_Work/Conforms_To_Intl_Standard", "flag", "flag_0_1", "Minimum age for hazardous work meets international standards"),
    "ilab_law_hazardous_work_types_meets_intl": (LAW + "Types_Hazardous_Work/Conforms_To_Intl_Standard", "flag", "flag_0_1", "Prohibited hazardous occupations meet international standards"),
    "ilab_law_forced_labour_meets_intl": (LAW + "Prohibition_Forced_Labor/Conforms_To_Intl_Standard", "flag", "flag_0_1", "Prohibition of forced labour meets international standards"),
    "ilab_law_child_trafficking_meets_intl": (LAW + "Prohibition_Child_Trafficking/Conforms_To_Intl_Standard", "flag", "flag_0_1", "Prohibition of child trafficking meets international standards"),
    "ilab_law_csec_meets_intl": (LAW + "Prohibition_CSEC/Conforms_To_Intl_Standard", "flag", "flag_0_1", "Prohibition of commercial sexual exploitation of children meets international standards"),
    "ilab_law_illicit_activities_meets_intl": (LAW + "Prohibition_Illicit_Activities/Conforms_To_Intl_Standard", "flag", "flag_0_1", "Prohibition of using children in illicit activities meets international standards"),
    "ilab_law_compulsory_education_meets_intl": (LAW + "Compulsory_Education/Conforms_To_Intl_Standard", "flag", "flag_0_1", "Compulsory education age meets international standards"),
    "ilab_labor_inspectors": (ENF + "Labor_Inspectors", "count", "count", "Labour inspectors"),
    "ilab_labor_inspections": (ENF + "Labor_Inspections", "count", "count", "Labour inspections conducted"),
    "ilab_labor_violations": (ENF + "Labor_Violations", "count", "count", "Child labour law violations found"),
    "ilab_labor_penalties_imposed": (ENF + "Labor_Penalties_Imposed", "count", "count", "Penalties imposed for child labour violations"),
    "ilab_criminal_investigations": (ENF + "Criminal_Investigations", "count", "count", "Criminal investigations (worst forms of child labour)"),
    "ilab_criminal_prosecutions": (ENF + "Criminal_Prosecutions", "count", "count", "Criminal prosecutions initiated (child labour)"),
    "ilab_criminal_convictions": (ENF + "Criminal_Convictions", "count", "count", "Criminal convictions (child labour)"),
    "ilab_labor_complaint_mechanism": (ENF + "Labor_Complaint_Mechanism", "flag", "flag_0_1", "Complaint mechanism for labour violations exists"),
    "ilab_labor_referral_mechanism": (ENF + "Labor_Referral_Mechanism", "flag", "flag_0_1", "Referral mechanism between labour authorities and social services"),
    "ilab_criminal_referral_mechanism": (ENF + "Criminal_Referral_Mechanism", "flag", "flag_0_1", "Referral mechanism between criminal authorities and social services"),
    "ilab_routine_inspections_conducted": (ENF + "Labor_Routine_Inspections_Conducted", "flag", "flag_0_1", "Routine labour inspections conducted"),
    "ilab_unannounced_inspections_conducted": (ENF + "Labor_Unannounced_Inspections_Conducted", "flag", "flag_0_1", "Unannounced labour inspections conducted"),
}  # fmt: skip
GOODS = {
    "ilab_goods_child_labour": ("goods_child_labor", "Goods on the List of Goods made with child labour"),
    "ilab_goods_forced_labour": ("goods_forced_labor", "Goods on the List of Goods made with forced labour"),
    "ilab_goods_forced_child_labour": ("goods_forced_child_labor", "Goods on the List of Goods made with forced child labour"),
}  # fmt: skip
YES_NO = {"yes": 1.0, "no": 0.0}
PLAIN_NUMBER = re.compile(r"\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*[*†‡]*\s*")
# A number written otherwise (negative, exponent, inf): kept as that number, so the contract refuses it.
OTHER_NUMBER = re.compile(r"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*|\s*[-+]?inf(?:inity)?\s*", re.I)


def advancement_ordinal(text: object) -> float:
    """The 0–4 ordinal of an advancement label (module docstring); unknown or "No Assessment" → NaN."""
    if not isinstance(text, str):
        return float("nan")
    label = normalise_name(text)
    if label.startswith("no advancement"):
        return 0.0
    if label.startswith("minimal advancement"):
        return 1.0 if "delayed advancement" in label else 2.0
    if label.startswith("moderate advancement"):
        return 3.0
    if label.startswith("significant advancement"):
        return 4.0
    return float("nan")


def plain_count(text: object) -> float:
    """A cell that is just a number (``1,574``, ``10‡``, ``17.5``) as float; a number written otherwise
    (``-5``, ``1e308``, ``inf``) as that number, for the contract to refuse; free text → NaN."""
    if isinstance(text, (int, float)):
        return float(text)
    match = PLAIN_NUMBER.fullmatch(str(text))
    if match:
        return float(match.group(1).replace(",", "") + (match.group(2) or ""))
    return float(str(text).strip()) if OTHER_NUMBER.fullmatch(str(text)) else float("nan")


def yes_no(text: object) -> float:
    """Yes → 1, No → 0, anything else (N/A, Unknown, blank) → NaN."""
    return YES_NO.get(str(text).strip().lower(), float("nan"))


def as_percent(texts: pd.Series, report_year: int, bounded: bool) -> pd.Series:
    """Numbers as percent: fractions (report year ≥ 2016) × 100. Text → NaN. With ``bounded``, a fraction
    above 1 (more than 100 %) is not readable as either unit and becomes NaN (logged)."""
    values = pd.to_numeric(texts, errors="coerce").astype(float)
    if report_year < FRACTION_FROM_YEAR:
        return values
    if bounded and (values > 1).any():
        log.warning("ILAB %s: %d fraction(s) above 1 kept missing", report_year, int((values > 1).sum()))
        values = values.where(values <= 1)
    return values * 100.0


KIND_PARSERS = {
    "advancement": lambda s, _: s.map(advancement_ordinal),
    "share": lambda s, year: as_percent(s, year, bounded=True),
    "gross_share": lambda s, year: as_percent(s, year, bounded=False),
    "flag": lambda s, _: s.map(yes_no),
    "age": lambda s, _: s.map(lambda v: plain_count(v) if v is not None else float("nan")),
    "count": lambda s, _: s.map(lambda v: plain_count(v) if v is not None else float("nan")),
}


def _definitions() -> pd.DataFrame:
    rows = [
        (code, name, unit, SOURCE, f"ILAB country report element {path}.")
        for code, (path, _, unit, name) in FIELDS.items()
    ]
    rows += [
        (code, name, "count", SOURCE, "Counted from the report's List of Goods entries.")
        for code, (_, name) in GOODS.items()
    ]
    return indicators_frame(rows)  # fmt: skip


INDICATORS = _definitions()


def report_observations(entries: pd.DataFrame, year: int, area_ids: pd.Series) -> pd.DataFrame:
    """Long observations of one report year (values still NaN where missing)."""
    base = pd.DataFrame(
        {"area_id": area_ids, "period": year_start(pd.Series(year, index=entries.index)), "source": SOURCE,
         "vintage": date(year + 1, 9, 30)}
    )  # fmt: skip
    parts = [
        base.assign(indicator_code=code, value=KIND_PARSERS[kind](entries[code], year))
        for code, (_, kind, _, _) in FIELDS.items()
    ]
    parts += [
        base.assign(indicator_code=code, value=entries[col].astype(float)) for code, (col, _) in GOODS.items()
    ]
    return pd.concat(parts, ignore_index=True)


def stage(files: dict[str, Path]) -> Staged:
    """All report years of the folder as long observations."""
    names = name_to_iso3(read_entities(files["countries"]))
    fields = {code: path for code, (path, _, _, _) in FIELDS.items()}
    parts = []
    for year, path in report_files(files["reports"]).items():
        entries = pd.DataFrame(read_entries(path, fields))
        area_ids = map_or_raise(entries["name"].astype(str), names, path, key=normalise_name)
        parts.append(report_observations(entries, year, area_ids))
    return Staged(finish_observations(pd.concat(parts, ignore_index=True), INDICATORS), INDICATORS)


CONNECTOR = Connector(
    name="world_ilab",
    dataset="US DOL ILAB Findings on the Worst Forms of Child Labor (country report XML), country x report year",
    target="observation",
    study="world",
    inputs={
        "reports": "world/government_response/ilab/raw_xml",
        "countries": "world/covariates/gapminder/ddf--entities--geo--country.csv",
    },
    stage=stage,
    suite=country_suite("world_ilab", {SOURCE}, (1, 100_000)),
)
