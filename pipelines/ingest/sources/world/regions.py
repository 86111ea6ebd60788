"""UN SDG regions as areas: the parents of countries, so a subscription to a region hears its countries.

The regions are the SDG regional groupings of the UN Statistics Division (the ones the SDG 8.7
indicators are reported by), as the Gapminder country entities name them (column ``un_sdg_region``,
e.g. ``un_sub_saharan_africa``). :data:`SDG_REGIONS` maps each Gapminder id to the project's area id
(``SDG.<code>``, level ``region``, study ``world``) and the region's published English name. A region
id in the file that the map does not know is refused (:class:`~pipelines.ingest.errors.SourceFormatError`,
rule ``unknown region``, with its line): a country is never left without its region silently. Entities
with no region in the file keep no parent (of the countries on the shipped data: Antarctica and the
French Southern Territories).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.readers.csv_reader import read_csv_strict

REGION_LEVEL = "region"
REGION_ID_PATTERN = r"^SDG\.[A-Z]{2,4}$"
# Gapminder ``un_sdg_region`` id -> (area_id, the region's name as the UN Statistics Division publishes it)
SDG_REGIONS: dict[str, tuple[str, str]] = {
    "un_sub_saharan_africa": ("SDG.SSA", "Sub-Saharan Africa"),
    "un_northern_africa_and_western_asia": ("SDG.NAWA", "Northern Africa and Western Asia"),
    "un_central_and_southern_asia": ("SDG.CSA", "Central and Southern Asia"),
    "un_eastern_and_south_eastern_asia": ("SDG.ESEA", "Eastern and South-Eastern Asia"),
    "un_latin_america_and_the_caribbean": ("SDG.LAC", "Latin America and the Caribbean"),
    "un_australia_and_new_zealand": ("SDG.ANZ", "Australia and New Zealand"),
    "un_oceania_exc_australia_and_new_zealand": ("SDG.OCE", "Oceania (excluding Australia and New Zealand)"),
    "un_europe_and_northern_america": ("SDG.ENA", "Europe and Northern America"),
}


def country_regions(path: Path, entities: pd.DataFrame) -> dict[str, str]:
    """ISO3 -> region area id, for every entity of ``entities`` (``geo``, ``iso3``) that has a region in
    the Gapminder file at ``path``; a region id not in :data:`SDG_REGIONS` is refused with its line."""
    raw = read_csv_strict(path, ["country", "un_sdg_region"])
    named = raw["un_sdg_region"].notna()
    unknown = named & ~raw["un_sdg_region"].isin(list(SDG_REGIONS))
    if unknown.any():
        ids = sorted(set(raw.loc[unknown, "un_sdg_region"].astype(str)))
        raise SourceFormatError(
            path,
            "unknown region",
            f"un_sdg_region {ids} not in the SDG region map",
            int(unknown.argmax()) + 2,
        )
    region = dict(zip(raw["country"].astype(str), raw["un_sdg_region"], strict=True))
    codes = entities["geo"].map(region)
    known = codes.notna() & entities["iso3"].notna()
    return {
        str(iso3): SDG_REGIONS[str(code)][0]
        for iso3, code in zip(entities.loc[known, "iso3"], codes[known], strict=True)
    }


def region_rows(regions: dict[str, str]) -> pd.DataFrame:
    """One area row per region some country belongs to: ``area_id``, ``name``, level ``region``, no
    parent, no geometry."""
    ids = sorted(set(regions.values()))
    names = {area_id: name for area_id, name in SDG_REGIONS.values()}
    return pd.DataFrame({"area_id": ids, "name": [names[i] for i in ids], "level": REGION_LEVEL})
