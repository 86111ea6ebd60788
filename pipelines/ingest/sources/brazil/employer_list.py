"""Brazil's federal employer list ("Cadastro de Empregadores", forced labour), by municipality and year.

Input: ``brazil/labels/forced_labour_employer_list_municipality_year.csv``, one row per (``ibge7``,
``ano_acao_fiscal``) with the number of employers listed, the workers involved, ``cnae_divisions``: the
economic activities of the listed employers (two-digit CNAE 2.0 divisions, ``|``-separated), and
``snapshots``: the list editions (``YYYY-MM-DD``, ``|``-separated) that showed the row.

Output observations (source ``br_mte_employer_list``, ``freq`` year):
- ``fl_employer_list_events`` (count of employers listed) and ``fl_employer_list_workers`` (count of
  workers involved), ``period`` = 1 January of the inspection year, ``vintage`` = the first edition that
  showed the row (what was known, and when).
- One activity flag per :data:`ACTIVITY_DIVISIONS` group the row's divisions fall in
  (``fl_employer_list_activity_<group>``, value 1 = at least one employer of that activity listed in the
  municipality-year), same period and vintage. Divisions outside the groups add no flag.
Municipality-years without a row get no observation: absence means "not on the list", not zero.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from features.activities import ACTIVITY_GROUPS, ACTIVITY_PREFIX
from pipelines.ingest.connector import Connector, Staged, finish_observations, indicators_frame, year_start
from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.readers.csv_reader import read_csv_strict, to_number
from pipelines.ingest.sources.brazil.observations import municipality_ids, municipality_suite

SOURCE = "br_mte_employer_list"
COLUMNS = [
    "ibge7",
    "ano_acao_fiscal",
    "n_employers_listed",
    "trabalhadores_envolvidos_sum",
    "cnae_divisions",
    "snapshots",
]
# The two-digit CNAE 2.0 divisions of each activity group (features.activities.ACTIVITY_GROUPS). The list
# gives divisions only, so cattle ranching and crops (both division 01) cannot be told apart; charcoal
# burning is forestry (02).
ACTIVITY_DIVISIONS: dict[str, tuple[str, ...]] = {
    "agriculture": ("01",),
    "forestry_charcoal": ("02",),
    "mining": ("05", "06", "07", "08", "09"),
    "construction": ("41", "42", "43"),
}
ACTIVITY_LABELS = {
    "agriculture": "agriculture and livestock (cattle ranching, crops; CNAE division 01)",
    "forestry_charcoal": "forestry and charcoal production (CNAE division 02)",
    "mining": "mining and quarrying (CNAE divisions 05-09)",
    "construction": "construction (CNAE divisions 41-43)",
}
INDICATORS = indicators_frame(
    [
        (
            "fl_employer_list_events",
            "Employers added to the forced-labour employer list, by inspection year",
            "count",
            SOURCE,
            "Employers found keeping workers in conditions analogous to slavery (final administrative "
            "decision), by municipality of the establishment and year of the inspection.",
        ),
        (
            "fl_employer_list_workers",
            "Workers involved in employer-list cases, by inspection year",
            "count",
            SOURCE,
            "Sum of workers involved over the listed employers of the municipality-year.",
        ),
        *(
            (
                f"{ACTIVITY_PREFIX}{group}",
                f"Employer-list event in {label}, by inspection year",
                "flag_0_1",
                SOURCE,
                f"1 when at least one employer listed in the municipality-year works in {label}.",
            )
            for group, label in ACTIVITY_LABELS.items()
        ),
    ]
)


def first_edition(snapshots: pd.Series, path: Path) -> pd.Series:
    """The earliest ``YYYY-MM-DD`` of each ``|``-separated edition list, as ``datetime.date``."""
    out = []
    for pos, text in enumerate(snapshots.astype(str)):
        try:
            out.append(min(date.fromisoformat(part.strip()) for part in text.split("|")))
        except ValueError as exc:
            raise SourceFormatError(
                path, "edition date", f"snapshots {text!r} is not YYYY-MM-DD", pos + 2
            ) from exc
    return pd.Series(out, index=snapshots.index, dtype=object)


def activity_flags(divisions: pd.Series) -> pd.DataFrame:
    """One 0/1 column per :data:`ACTIVITY_DIVISIONS` group: does the ``|``-separated division list hold one of
    its divisions. The contract has already checked that every part is two digits."""
    parts = divisions.astype(str).str.split("|")
    return pd.DataFrame(
        {
            group: [float(any(p.strip() in codes for p in row)) for row in parts]
            for group, codes in ACTIVITY_DIVISIONS.items()
        },
        index=divisions.index,
    )


def stage(files: dict[str, Path]) -> Staged:
    """Two observations per input row (events and workers), plus one per activity group it falls in."""
    path = files["employer_list"]
    raw = read_csv_strict(path, COLUMNS)
    base = pd.DataFrame(
        {
            "area_id": municipality_ids(raw, "ibge7", path),
            "period": year_start(to_number(raw, "ano_acao_fiscal", path)),
            "source": SOURCE,
            "vintage": first_edition(raw["snapshots"], path),
        }
    )
    parts = [
        base.assign(indicator_code=code, value=to_number(raw, column, path))
        for code, column in (
            ("fl_employer_list_events", "n_employers_listed"),
            ("fl_employer_list_workers", "trabalhadores_envolvidos_sum"),
        )
    ]
    flags = activity_flags(raw["cnae_divisions"])
    parts += [
        base.loc[flags[group] > 0].assign(indicator_code=f"{ACTIVITY_PREFIX}{group}", value=1.0)
        for group in ACTIVITY_GROUPS
    ]
    return Staged(
        finish_observations(pd.concat(parts, ignore_index=True), INDICATORS, drop_missing=False), INDICATORS
    )


CONNECTOR = Connector(
    name="brazil_employer_list",
    dataset="Brazil forced-labour employer list, municipality x inspection year",
    target="observation",
    study="brazil",
    inputs={"employer_list": "brazil/labels/forced_labour_employer_list_municipality_year.csv"},
    stage=stage,
    suite=municipality_suite("brazil_employer_list", {SOURCE}, (1, 20_000)),
)
