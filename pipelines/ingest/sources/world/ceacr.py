"""ILO supervisory-body comments on the forced-labour and child-labour conventions, per country and year.

Input: ``world/supervisory/ceacr_comments_metadata.csv`` — one row per comment of the Committee of Experts
(CEACR: observations, direct requests), the Conference Committee (CAS conclusions) or an article 24
representation, on C029, P029, C105, C138 and C182. The shipped table is a **sample** (169 rows, 47
countries), leaning to high-profile cases: its counts say what the sample holds, not how often supervisory
bodies raised an issue, and a missing country-year means "not in the sample", never zero.

CSV contract (``CONTRACT``; a fuller NORMLEX extract in the same columns loads unchanged): ``comment_id``
an id without spaces or blank; ``iso3`` three capital letters or blank; ``convention`` one of ``CONVENTIONS`` joined by
``+``; ``comment_type`` and ``concern_level`` from their allowed sets (blank allowed for the concern level);
``report_not_received`` and ``technical_assistance_mentioned`` ``true``/``false``/blank; ``year_adopted``
four digits or blank; ``ilc_session_published`` digits or blank. A violation raises naming file, line, rule.
Rows are de-duplicated by ``comment_id`` (rows without one, known only from comment lists, by their whole
identity). Rows without ``iso3`` (general observations, undeterminable countries) or year are not
country-year facts and are left out.

Output observations (source ``ilo_supervisory_sample``, unit ``count``), ``period`` = 1 January of
``year_adopted``: ``ceacr_comments`` (all), ``ceacr_comments_<type>``, ``ceacr_comments_<convention>``,
``ceacr_deep_concern``, ``ceacr_concern``, ``ceacr_report_not_received``, ``ceacr_technical_assistance``.
``vintage``: a CAS conclusion is known on 30 June of its year (adopted at the June conference); a CEACR
comment on 1 March of the year of the conference session that published it (session N is held in
1912 + N; the report is out by March), or of the year after adoption if the session is blank. A count
carries the latest vintage of the comments it counts.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd

from pipelines.ingest.connector import Connector, Staged, finish_observations, indicators_frame, year_start
from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.readers.csv_reader import read_csv_strict
from pipelines.ingest.sources.world.observations import country_suite

SOURCE = "ilo_supervisory_sample"
CONVENTIONS = ("C029", "P029", "C105", "C138", "C182")
COMMENT_TYPES = ("observation", "direct_request", "cas_conclusion", "general_observation", "art24_representation", "unknown")  # fmt: skip
CONCERN_LEVELS = ("deep_concern", "concern", "notes_with_interest_or_satisfaction", "neutral")
BOOLEAN = r"true|false"
CONTRACT: dict[str, str] = {
    "comment_id": r"[0-9A-Za-z][0-9A-Za-z./_-]*",
    "iso3": r"[A-Z]{3}",
    "convention": rf"(?:{'|'.join(CONVENTIONS)})(?:\+(?:{'|'.join(CONVENTIONS)}))*",
    "comment_type": "|".join(COMMENT_TYPES),
    "year_adopted": r"(?:19|20)\d{2}",
    "ilc_session_published": r"\d{2,3}",
    "concern_level": "|".join(CONCERN_LEVELS),
    "report_not_received": BOOLEAN,
    "technical_assistance_mentioned": BOOLEAN,
}
NOT_BLANK = ("convention", "comment_type")
ILC_FIRST_YEAR_OFFSET = 1912
SAMPLE_NOTE = (
    "Counts from a SAMPLE of supervisory comments (not the full NORMLEX record): absence is not zero."
)


def read_comments(path: Path) -> pd.DataFrame:
    """The comment table checked against ``CONTRACT`` and de-duplicated (see module docstring)."""
    raw = read_csv_strict(path, list(CONTRACT), dtype=str)
    for column, pattern in CONTRACT.items():
        values = raw[column].fillna("").str.strip()
        bad = ~values.str.fullmatch(pattern) & ((values != "") | (column in NOT_BLANK))
        if bad.any():
            pos = int(bad.to_numpy().nonzero()[0][0])
            raise SourceFormatError(
                path, "CSV contract", f"{column} {values.iloc[pos]!r} does not match {pattern!r}", pos + 2
            )
    with_id = raw[raw["comment_id"].notna()].drop_duplicates("comment_id")
    without_id = raw[raw["comment_id"].isna()].drop_duplicates(
        ["iso3", "convention", "comment_type", "year_adopted", "url"]
    )
    return pd.concat([with_id, without_id]).sort_index()


def comment_vintage(row: pd.Series) -> date:
    """When a comment became public (module docstring)."""
    year = int(row["year_adopted"])
    if row["comment_type"] == "cas_conclusion":
        return date(year, 6, 30)
    session = row["ilc_session_published"]
    published = ILC_FIRST_YEAR_OFFSET + int(session) if isinstance(session, str) else year + 1
    return date(max(published, year), 3, 1)


def comment_flags(comments: pd.DataFrame) -> pd.DataFrame:
    """One 0/1 column per counted indicator, one row per comment."""
    flags = {"ceacr_comments": pd.Series(1, index=comments.index)}
    for kind in COMMENT_TYPES:
        flags[f"ceacr_comments_{kind}"] = (comments["comment_type"] == kind).astype(int)
    for conv in CONVENTIONS:
        flags[f"ceacr_comments_{conv.lower()}"] = (
            comments["convention"].str.split("+").map(lambda c, v=conv: v in c).astype(int)
        )
    flags["ceacr_deep_concern"] = (comments["concern_level"] == "deep_concern").astype(int)
    flags["ceacr_concern"] = (comments["concern_level"] == "concern").astype(int)
    flags["ceacr_report_not_received"] = (comments["report_not_received"] == "true").astype(int)
    flags["ceacr_technical_assistance"] = (comments["technical_assistance_mentioned"] == "true").astype(int)
    return pd.DataFrame(flags)  # fmt: skip


def _definitions(codes: list[str]) -> pd.DataFrame:
    rows = []
    for code in codes:
        what = re.sub(r"^ceacr_", "", code).replace("_", " ")
        rows.append((code, f"ILO supervisory comments: {what} (sample count)", "count", SOURCE, SAMPLE_NOTE))
    return indicators_frame(rows)


def stage(files: dict[str, Path]) -> Staged:
    """Per-country-year counts of the comments with a country and a year."""
    comments = read_comments(files["comments"])
    comments = comments[comments["iso3"].notna() & comments["year_adopted"].notna()]
    flags = comment_flags(comments)
    keyed = flags.assign(
        area_id=comments["iso3"], year=comments["year_adopted"].astype(int),
        vintage=comments.apply(comment_vintage, axis=1),
    )  # fmt: skip
    grouped = keyed.groupby(["area_id", "year"])
    counts = grouped[list(flags.columns)].sum().join(grouped["vintage"].max()).reset_index()
    long = counts.melt(id_vars=["area_id", "year", "vintage"], var_name="indicator_code", value_name="value")
    frame = long.assign(period=year_start(long["year"]), source=SOURCE).drop(columns="year")
    indicators = _definitions(list(flags.columns))
    return Staged(finish_observations(frame, indicators), indicators)


CONNECTOR = Connector(
    name="world_ceacr",
    dataset="ILO supervisory comments on C029/P029/C105/C138/C182 (a SAMPLE), country x year",
    target="observation",
    study="world",
    inputs={"comments": "world/supervisory/ceacr_comments_metadata.csv"},
    stage=stage,
    suite=country_suite("world_ceacr", {SOURCE}, (1, 50_000)),
)
