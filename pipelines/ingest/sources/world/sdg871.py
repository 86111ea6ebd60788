"""SDG indicator 8.7.1 (UNICEF/ILO via the UN SDG Global Database): children in economic activity.

Inputs: the two DDF datapoint files ``sl_tlf_chldea`` (economic activity) and ``sl_tlf_chldec`` (economic
activity including household chores), columns ``age, geo_area, nature, sex, units, year, <value>``;
``geo_area`` is the UN M49 number, mapped to ISO3 with the country crosswalk.

Output observations (source ``un_sdg_871``, percent of children in the age band):
``sdg871_econ_activity.<age>.<sex>`` and ``sdg871_econ_activity_chores.<age>.<sex>``, e.g.
``sdg871_econ_activity.5_17.bothsex``; the age band is part of the code because bands differ by country
and must not be compared across. ``period`` = 1 January of the survey year; ``vintage`` by the world lag
rule (1 January of year + 2).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.ingest.connector import Connector, Staged, finish_observations, indicators_frame, year_start
from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.readers.csv_reader import read_csv_strict, to_number
from pipelines.ingest.sources.world.country_codes import m49_to_iso3, map_or_raise, read_entities
from pipelines.ingest.sources.world.observations import country_suite, lagged_vintage

SOURCE = "un_sdg_871"
SERIES = {
    "sl_tlf_chldea": ("sdg871_econ_activity", "Children engaged in economic activity"),
    "sl_tlf_chldec": (
        "sdg871_econ_activity_chores",
        "Children engaged in economic activity and household chores",
    ),
}
SEX_LABEL = {"bothsex": "both sexes", "female": "girls", "male": "boys"}


def read_series(path: Path, series: str, m49: dict[int, str]) -> pd.DataFrame:
    """One datapoint file as long observations with their indicator code."""
    raw = read_csv_strict(path, ["age", "geo_area", "sex", "units", "year", series])
    prefix, _ = SERIES[series]
    other = raw["units"].astype(str) != "percent"
    if other.any():
        # The range check and the indicator unit assume percent; another unit is a format change.
        pos = int(other.to_numpy().nonzero()[0][0])
        raise SourceFormatError(
            path, "unexpected unit", f"units {raw['units'].iloc[pos]!r}, expected 'percent'", pos + 2
        )
    return pd.DataFrame(
        {
            "area_id": map_or_raise(to_number(raw, "geo_area", path), m49, path, key=lambda v: int(v)),
            "period": year_start(to_number(raw, "year", path)),
            "indicator_code": prefix + "." + raw["age"].astype(str) + "." + raw["sex"].astype(str),
            "source": SOURCE,
            "vintage": lagged_vintage(to_number(raw, "year", path)),
            "value": to_number(raw, series, path),
        }
    )


def indicators_for(codes: pd.Series) -> pd.DataFrame:
    """One definition per code present (unit percent)."""
    rows = []
    prefixes = {prefix: label for prefix, label in SERIES.values()}
    for code in sorted(codes.unique()):
        prefix, age, sex = code.split(".")
        label = f"{prefixes[prefix]}, ages {age.replace('_', '-')}, {SEX_LABEL.get(sex, sex)} (%)"
        rows.append((code, label, "percent", SOURCE, "SDG 8.7.1 (UNICEF/ILO), UN SDG Global Database."))
    return indicators_frame(rows)


def stage(files: dict[str, Path]) -> Staged:
    """Both series, with the indicator definitions of the codes present."""
    m49 = m49_to_iso3(read_entities(files["countries"]))
    frame = pd.concat(
        [
            read_series(files["activity"], "sl_tlf_chldea", m49),
            read_series(files["chores"], "sl_tlf_chldec", m49),
        ],
        ignore_index=True,
    )
    indicators = indicators_for(frame["indicator_code"])
    return Staged(finish_observations(frame, indicators, drop_missing=False), indicators)


CONNECTOR = Connector(
    name="world_sdg871",
    dataset="SDG 8.7.1 children in economic activity (with and without household chores), country x year",
    target="observation",
    study="world",
    inputs={
        "activity": "world/labels/sdg871/ddf--datapoints--sl_tlf_chldea--by--age--geo_area--nature--sex--units--year.csv",
        "chores": "world/labels/sdg871/ddf--datapoints--sl_tlf_chldec--by--age--geo_area--nature--sex--units--year.csv",
        "countries": "world/covariates/gapminder/ddf--entities--geo--country.csv",
    },
    stage=stage,
    suite=country_suite("world_sdg871", {SOURCE}, (1, 5_000)),
)
