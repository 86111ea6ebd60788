"""US DOL ILAB "Findings on the Worst Forms of Child Labor": government response by country and report year.

Input: ``world/government_response/ilab/ilab_country_year.csv``, a flat table derived from the DOL country
XML (one row per country and ``report_year``; ``file_tag`` 2021 holds the 2022 report).

Output observations (source ``us_dol_ilab``), ``period`` = 1 January of the report year (the calendar year
the report assesses), ``vintage`` = 30 September of the following year (the Findings are released each
September):
- ``ilab_advancement_level`` (``ordinal_0_4``): 0 No Advancement (with or without "Efforts Made but
  Complicit in Forced Child Labor"), 1 Minimal Advancement – Efforts Made but … Delayed Advancement,
  2 Minimal Advancement, 3 Moderate Advancement, 4 Significant Advancement. "No Assessment" is missing.
- ``ilab_ratified_<convention>`` (``flag_0_1``) for C138, C182, CRC, CRC-CSEC, CRC-armed-conflict, Palermo:
  Yes → 1, No → 0; "Not Applicable", "Unknown" and blanks are missing, never 0.
- ``ilab_working_children_pct`` (percent of children in the report's age range): published as a percent in
  the 2015 report and as a fraction from 2016 on; fractions are multiplied by 100. "Unavailable" → missing.
- ``ilab_school_attendance_pct`` (percent), ``ilab_labor_inspectors``, ``ilab_labor_inspections``,
  ``ilab_criminal_prosecutions``, ``ilab_criminal_convictions`` (counts): a cell counts only when it is a
  plain number (thousands separators and footnote marks ``* † ‡`` allowed); "Unknown" and free text are missing.
Country names are mapped to ISO3 by the crosswalk; any unmatched name raises, listing all of them.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd

from pipelines.ingest.connector import Connector, Staged, finish_observations, indicators_frame, year_start
from pipelines.ingest.country_codes import map_or_raise, name_to_iso3, normalise_name, read_entities
from pipelines.ingest.csv_reader import read_csv_strict, to_number
from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.world_observations import country_suite

SOURCE = "us_dol_ilab"
FRACTION_FROM_YEAR = 2016
RATIFICATIONS = {
    "conv_C_138_Ratified": ("c138", "ILO C138 Minimum Age Convention"),
    "conv_C_182_Ratified": ("c182", "ILO C182 Worst Forms of Child Labour Convention"),
    "conv_Convention_on_the_Rights_of_the_Child_Ratified": (
        "crc",
        "UN Convention on the Rights of the Child",
    ),
    "conv_CRC_Commercial_Sexual_Exploitation_of_Children_Ratified": (
        "crc_csec",
        "CRC Optional Protocol on the Sale of Children, Child Prostitution and Child Pornography",
    ),
    "conv_CRC_Armed_Conflict_Ratified": ("crc_armed_conflict", "CRC Optional Protocol on Armed Conflict"),
    "conv_Palermo_Ratified": ("palermo", "Palermo Protocol on Trafficking in Persons"),
}
COUNTS = {
    "enf_Labor_Inspectors": ("ilab_labor_inspectors", "Labour inspectors"),
    "enf_Labor_Inspections": ("ilab_labor_inspections", "Labour inspections conducted"),
    "enf_Criminal_Prosecutions": (
        "ilab_criminal_prosecutions",
        "Criminal prosecutions initiated (child labour)",
    ),
    "enf_Criminal_Convictions": ("ilab_criminal_convictions", "Criminal convictions (child labour)"),
}
YES_NO = {"yes": 1.0, "no": 0.0}
PLAIN_NUMBER = re.compile(r"\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*[*†‡]*\s*")
REQUIRED = [
    "report_year",
    "country",
    "advancement_level",
    "work_total_percentage_of_working_children",
    "attend_pct",
]


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
    """A cell that is just a number (``1,574``, ``10‡``) as float; anything else → NaN."""
    if isinstance(text, (int, float)):
        return float(text)
    match = PLAIN_NUMBER.fullmatch(str(text))
    return float(match.group(1).replace(",", "")) if match else float("nan")


def percent_or_nan(column: pd.Series) -> pd.Series:
    """Numbers as float; "Unavailable", "MTC" and other text → NaN."""
    return pd.to_numeric(column, errors="coerce").astype(float)


def _definitions() -> pd.DataFrame:
    rows = [
        ("ilab_advancement_level", "ILAB advancement level (0 none … 4 significant)", "ordinal_0_4", SOURCE,
         "US DOL Findings on the Worst Forms of Child Labor: assessment of the government's efforts."),
        ("ilab_working_children_pct", "Working children (% of children in the report's age range)", "percent",
         SOURCE, "As reported by ILAB; age range varies by country (work_age_range); statistics repeat across years."),
        ("ilab_school_attendance_pct", "School attendance (% of children in the report's age range)", "percent",
         SOURCE, "As reported by ILAB (attend_pct)."),
    ]  # fmt: skip
    rows += [
        (f"ilab_ratified_{c}", f"Ratified: {n}", "flag_0_1", SOURCE, None) for c, n in RATIFICATIONS.values()
    ]
    rows += [(code, name, "count", SOURCE, "Plain numeric cells only.") for code, name in COUNTS.values()]
    return indicators_frame(rows)


INDICATORS = _definitions()


def stage(files: dict[str, Path]) -> Staged:
    """All ILAB indicators as long observations."""
    path = files["ilab"]
    raw = read_csv_strict(path, REQUIRED + list(RATIFICATIONS) + list(COUNTS))
    names = name_to_iso3(read_entities(files["countries"]))
    year = to_number(raw, "report_year", path)
    if year.isna().any():
        raise SourceFormatError(
            path, "missing report year", "blank report_year", int(year.isna().argmax()) + 2
        )
    working = percent_or_nan(raw["work_total_percentage_of_working_children"])
    working = working.where(year < FRACTION_FROM_YEAR, working * 100.0)
    columns = {
        "ilab_advancement_level": raw["advancement_level"].map(advancement_ordinal),
        "ilab_working_children_pct": working,
        "ilab_school_attendance_pct": percent_or_nan(raw["attend_pct"]),
    }
    for col, (code, _) in RATIFICATIONS.items():
        columns[f"ilab_ratified_{code}"] = raw[col].map(
            lambda v: YES_NO.get(str(v).strip().lower(), float("nan"))
        )
    for col, (code, _) in COUNTS.items():
        columns[code] = raw[col].map(plain_count)
    base = pd.DataFrame(
        {
            "area_id": map_or_raise(raw["country"].astype(str), names, path, key=normalise_name),
            "period": year_start(year),
            "source": SOURCE,
            "vintage": pd.Series([date(int(y) + 1, 9, 30) for y in year], index=raw.index, dtype=object),
        }
    )
    parts = [base.assign(indicator_code=code, value=values) for code, values in columns.items()]
    return Staged(finish_observations(pd.concat(parts, ignore_index=True), INDICATORS), INDICATORS)


CONNECTOR = Connector(
    name="world_ilab",
    dataset="US DOL ILAB Findings on the Worst Forms of Child Labor (flattened), country x report year",
    target="observation",
    study="world",
    inputs={
        "ilab": "world/government_response/ilab/ilab_country_year.csv",
        "countries": "world/covariates/gapminder/ddf--entities--geo--country.csv",
    },
    stage=stage,
    suite=country_suite("world_ilab", {SOURCE}, (1, 50_000)),
)
