"""World Bank Poverty & Equity database: the DataBank export of 44 series, country x year.

Input: ``world/covariates/wb_poverty/WB_PovertyAndEquity_2019-03-21.csv`` as exported from DataBank (wide
``YYYY [YRYYYY]`` columns, ``..`` for missing, a 5-line footer ending ``Last Updated: 03/21/2019``).

Output observations (source ``wb_poverty``): ``wbpov_<series code, lower case, dots as underscores>``, e.g.
``wbpov_si_pov_dday`` (poverty headcount at $1.90 a day, % of population); the unit of every series is
declared in ``UNITS`` and a series without one is a format change that raises. ``period`` = 1 January of the
year; ``vintage`` by the world lag rule, capped at the export's "Last Updated" date. ``..`` is missing, never 0.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from pipelines.ingest.connector import Connector, Staged, finish_observations, indicators_frame, year_start
from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.readers.world_bank_files import read_databank_export
from pipelines.ingest.sources.world.country_codes import iso3_values, read_entities
from pipelines.ingest.sources.world.observations import country_suite, lagged_vintage

SOURCE = "wb_poverty"
# Series code → unit. Growth rates and the growth/redistribution components of a poverty change can be
# negative (percent_change, no range); shares, gaps and headcounts are percent.
UNITS = {
    **dict.fromkeys(["SI.SPR.PC40.ZG", "SI.SPR.PT10.ZG", "SI.SPR.PT60.ZG", "SI.SPR.PCAP.ZG"], "percent_change"),
    **dict.fromkeys(["SI.POV.DDAY.GR", "SI.POV.LMIC.GR", "SI.POV.UMIC.GR"], "percent_change"),
    **dict.fromkeys(["SI.POV.DDAY.RE", "SI.POV.LMIC.RE", "SI.POV.UMIC.RE"], "percent_change"),
    "SI.POV.GINI": "index_0_100",
    **dict.fromkeys(["SI.POV.NOP1", "SI.POV.LMIC.NO", "SI.POV.UMIC.NO"], "persons_million"),
    "SP.POP.TOTL": "persons",
    **dict.fromkeys(["SI.SPR.PC40", "SI.SPR.PT10", "SI.SPR.PT60", "SI.SPR.PCAP"], "usd_ppp_2011_per_day"),
    **dict.fromkeys(
        ["SI.DST.04TH.20", "SI.DST.10TH.10", "SI.DST.05TH.20", "SI.DST.FRST.10", "SI.DST.FRST.20",
         "SI.DST.02ND.20", "SI.DST.03RD.20", "SI.POV.GAPS", "SI.POV.LMIC.GP", "SI.POV.UMIC.GP", "SI.POV.NAGP",
         "SI.POV.NAGP.NC", "SI.POV.DDAY", "SI.POV.LMIC", "SI.POV.UMIC", "SI.POV.NAHC", "SI.POV.NAHC.NC",
         "SI.POV.RUGP", "SI.POV.RUGP.NC", "SI.POV.RUHC", "SI.POV.RUHC.NC", "SI.POV.URGP", "SI.POV.URGP.NC",
         "SI.POV.URHC", "SI.POV.URHC.NC"],
        "percent",
    ),
}  # fmt: skip


def indicator_code(series_code: str) -> str:
    """``SI.POV.DDAY`` → ``wbpov_si_pov_dday``."""
    return "wbpov_" + re.sub(r"\W", "_", series_code.lower())


def stage(files: dict[str, Path]) -> Staged:
    """Every cell with a value, as long observations with the series' indicator definitions."""
    path = files["export"]
    rows, updated = read_databank_export(path, iso3_values(read_entities(files["countries"])))
    unknown = sorted(set(rows["series_code"]) - set(UNITS))
    if unknown:
        raise SourceFormatError(path, "unknown series", f"no unit declared for {unknown}")
    series = rows.drop_duplicates("series_code")
    indicators = indicators_frame(
        [
            (
                indicator_code(c),
                n,
                UNITS[c],
                SOURCE,
                f"World Bank Poverty & Equity {c} (DataBank export {updated}).",
            )
            for c, n in zip(series["series_code"], series["series_name"], strict=True)
        ]
    )
    frame = pd.DataFrame(
        {
            "area_id": rows["area_id"],
            "period": year_start(rows["year"]),
            "indicator_code": rows["series_code"].map(indicator_code),
            "source": SOURCE,
            "vintage": lagged_vintage(rows["year"], cap=updated),
            "value": rows["value"],
        }
    )
    return Staged(finish_observations(frame, indicators), indicators)


CONNECTOR = Connector(
    name="world_wb_poverty",
    dataset="World Bank Poverty & Equity DataBank export (44 series), country x year",
    target="observation",
    study="world",
    inputs={
        "export": "world/covariates/wb_poverty/WB_PovertyAndEquity_2019-03-21.csv",
        "countries": "world/covariates/gapminder/ddf--entities--geo--country.csv",
    },
    stage=stage,
    suite=country_suite("world_wb_poverty", {SOURCE}, (1, 100_000)),
)
