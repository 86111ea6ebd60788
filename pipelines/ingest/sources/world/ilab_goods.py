"""US DOL ILAB List of Goods Produced by Child Labor or Forced Labor: goods by sector, country x edition.

Input: ``world/government_response/ilab/raw_xml/goods_YYYY.xml`` as published (``<Goods>`` of ``<Good>`` with
``Good_Name``, ``Good_Sector`` and ``<Countries>``, each ``<Country>`` with ``Country_Name`` and Yes/No flags
``Child_Labor``, ``Forced_Labor``, ``Forced_Child_Labor``). There is no 2020 file; the file tag maps to the
report year as for the country reports (the 2021 file is the 2022 edition).

Output observations (source ``us_dol_ilab_goods``, unit ``count``): ``ilab_goods_<labour>_<sector>`` — the
number of goods of that sector (``agriculture``, ``manufacturing``, ``mining``, ``other``) listed for the
country with that form of labour (``child_labour``, ``forced_labour``, ``forced_child_labour``). Only
countries on the list appear (absence = not listed). ``period`` = 1 January of the report year, ``vintage`` =
30 September of the following year (as the country reports). A sector or flag outside these, a country name
the crosswalk does not know, or a missing element raises.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pandas as pd

from pipelines.ingest.connector import Connector, Staged, finish_observations, indicators_frame, year_start
from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.readers.ilab_xml import REPORT_YEAR
from pipelines.ingest.sources.world.country_codes import (
    map_or_raise,
    name_to_iso3,
    normalise_name,
    read_entities,
)
from pipelines.ingest.sources.world.observations import country_suite

SOURCE = "us_dol_ilab_goods"
FILE_PATTERN = re.compile(r"goods_(\d{4})\.xml")
SECTORS = ("agriculture", "manufacturing", "mining", "other")
LABOUR = {
    "Child_Labor": "child_labour",
    "Forced_Labor": "forced_labour",
    "Forced_Child_Labor": "forced_child_labour",
}
FLAG_VALUES = ("yes", "no", "")
INDICATORS = indicators_frame(
    [
        (f"ilab_goods_{labour}_{sector}", f"Goods of the {sector} sector listed with {labour.replace('_', ' ')}",
         "count", SOURCE, "US DOL ILAB List of Goods, counted per country and edition.")
        for labour in LABOUR.values() for sector in SECTORS
    ]
)  # fmt: skip


def _required(path: Path, element: ET.Element, tag: str, where: str) -> str:
    text = element.findtext(tag)
    if text is None or not text.strip():
        raise SourceFormatError(path, "missing element", f"{where} has no <{tag}>")
    return text.strip()


def _flag(path: Path, country: ET.Element, tag: str, good: str) -> float:
    """Yes → 1, No or absent → 0; any other text raises (a flag is never guessed)."""
    text = (country.findtext(tag) or "").strip().lower()
    if text not in FLAG_VALUES:
        raise SourceFormatError(
            path, "flag", f"<{tag}> {text[:40]!r} of a country of <Good> {good!r}, expected Yes/No"
        )
    return float(text == "yes")


def read_goods(path: Path) -> pd.DataFrame:
    """One row per (good, country): ``good``, ``sector`` (lower case), ``country`` and the three 0/1 flags."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise SourceFormatError(path, "malformed XML", str(exc), exc.position[0]) from exc
    if root.tag != "Goods":
        raise SourceFormatError(path, "missing element", f"root <{root.tag}>, expected <Goods>", 1)
    rows = []
    for pos, good in enumerate(root.findall("Good"), start=1):
        name = _required(path, good, "Good_Name", f"<Good> #{pos}")
        sector = _required(path, good, "Good_Sector", f"<Good> #{pos} ({name!r})").lower()
        if sector not in SECTORS:
            raise SourceFormatError(path, "unknown sector", f"<Good> #{pos} ({name!r}) sector {sector!r}")
        for country in good.findall("Countries/Country"):
            row = {"good": name, "sector": sector}
            row["country"] = _required(path, country, "Country_Name", f"a country of <Good> {name!r}")
            row |= {label: _flag(path, country, tag, name) for tag, label in LABOUR.items()}
            rows.append(row)
    if not rows:
        raise SourceFormatError(path, "missing element", "no <Good> with countries", 1)
    return pd.DataFrame(rows)


def stage(files: dict[str, Path]) -> Staged:
    """Counts per country, edition, sector and form of labour."""
    names = name_to_iso3(read_entities(files["countries"]))
    parts = []
    folder = Path(files["goods"])
    for path in [folder] if folder.is_file() else sorted(folder.glob("goods_*.xml")):
        match = FILE_PATTERN.fullmatch(path.name)
        if not match:
            continue
        year = REPORT_YEAR.get(int(match.group(1)), int(match.group(1)))
        goods = read_goods(path)
        goods["area_id"] = map_or_raise(goods["country"], names, path, key=normalise_name)
        counts = goods.groupby(["area_id", "sector"])[list(LABOUR.values())].sum().reset_index()
        long = counts.melt(id_vars=["area_id", "sector"], var_name="labour", value_name="value")
        long = long[
            long["value"] > 0
        ]  # a country listed for other goods has no row here, like an unlisted one
        parts.append(
            pd.DataFrame(
                {"area_id": long["area_id"], "period": year_start(pd.Series(year, index=long.index)),
                 "indicator_code": "ilab_goods_" + long["labour"] + "_" + long["sector"], "source": SOURCE,
                 "vintage": date(year + 1, 9, 30), "value": long["value"]}
            )
        )  # fmt: skip
    if not parts:
        raise SourceFormatError(files["goods"], "missing files", "no goods_YYYY.xml file")
    return Staged(finish_observations(pd.concat(parts, ignore_index=True), INDICATORS), INDICATORS)


CONNECTOR = Connector(
    name="world_ilab_goods",
    dataset="US DOL ILAB List of Goods (XML): goods by sector and form of labour, country x edition",
    target="observation",
    study="world",
    inputs={
        "goods": "world/government_response/ilab/raw_xml",
        "countries": "world/covariates/gapminder/ddf--entities--geo--country.csv",
    },
    stage=stage,
    suite=country_suite("world_ilab_goods", {SOURCE}, (1, 20_000)),
)
