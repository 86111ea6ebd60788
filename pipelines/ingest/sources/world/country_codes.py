"""Country crosswalk: Gapminder geo ids, UN M49 numbers and country names → ISO 3166-1 alpha-3.

Built from ``world/covariates/gapminder/ddf--entities--geo--country.csv`` (columns ``country`` = Gapminder
geo id, ``name``, ``iso3166_1_alpha3``, ``iso3166_1_numeric`` = M49) plus a short, reviewed alias list for
names other publishers use. Kosovo has no ISO code; it gets ``XKX`` (the code the World Bank and the EU use).

Every lookup returns the unmatched values so callers can report them; nothing is dropped silently.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from pipelines.ingest.errors import CrosswalkError
from pipelines.ingest.readers.csv_reader import read_csv_strict

KOSOVO = "XKX"
ENTITY_COLUMNS = ["country", "name", "iso3166_1_alpha3", "iso3166_1_numeric"]
# Names used by US DOL ILAB reports (and Natural Earth) that differ from Gapminder's, normalised.
NAME_ALIASES = {
    "british indian ocean territories": "IOT",
    "burma": "MMR",
    "cabo verde": "CPV",
    "cocos keeling islands": "CCK",
    "congo democratic republic of the": "COD",
    "congo republic of the": "COG",
    "cook islands": "COK",
    "falkland islands islas malvinas": "FLK",
    "gambia the": "GMB",
    "the gambia": "GMB",
    "kosovo": KOSOVO,
    "macedonia": "MKD",
    "moldova republic of": "MDA",
    "pitcairn islands": "PCN",
    "saint helena ascension and tristan da cunha": "SHN",
    "saint lucia": "LCA",
    "saint vincent and the grenadines": "VCT",
    "swaziland": "SWZ",
    "turkey turkiye": "TUR",
    "wallis and futuna": "WLF",
    "west bank gaza strip": "PSE",
    "west bank and the gaza strip": "PSE",
    "france": "FRA",
    "norway": "NOR",
}
# Gapminder geo ids of former or disputed entities with no ISO3 today; their rows are excluded, by name.
NO_ISO3_GEO = frozenset(
    {
        "abkh", "akr_a_dhe", "ant", "chanisl", "cheslo", "cyp_nor", "deu_east", "deu_west", "eri_a_eth",
        "fra_antarc", "fra_clipperton", "korea_union", "ngokar", "pse_gaza", "pse_west_bank", "scg",
        "scg_ex_kos", "som_somland", "sosset", "stmar", "transn", "ussr", "yem_north", "yem_south", "yug",
    }
)  # fmt: skip


# World Bank regional, income and lending-group aggregates (not countries); their rows are excluded, logged.
WB_AGGREGATES = frozenset(
    {
        "ARB", "CEB", "CSS", "DFS", "EAP", "EAR", "EAS", "ECA", "ECS", "EMU", "EUU", "FCS", "HIC", "HPC",
        "IBD", "IBT", "IDA", "IDB", "IDX", "LAC", "LCN", "LDC", "LIC", "LMC", "LMY", "LTE", "MEA", "MIC",
        "MNA", "NAC", "OED", "OSS", "PRE", "PSS", "PST", "SAS", "SSA", "SSF", "SST", "TEA", "TEC", "TLA",
        "TMN", "TSA", "TSS", "UMC", "WLD",
    }
)  # fmt: skip


def normalise_name(name: str) -> str:
    """Lower-case ASCII words: accents, punctuation and ``&`` dropped (``Côte d'Ivoire`` → ``cote d ivoire``)."""
    ascii_name = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", ascii_name.lower()).strip()


def read_entities(path: Path) -> pd.DataFrame:
    """The Gapminder country entities: ``geo``, ``name``, ``iso3`` (None if absent), ``m49`` (Int64)."""
    raw = read_csv_strict(path, ENTITY_COLUMNS)
    iso3 = raw["iso3166_1_alpha3"].astype(object).where(raw["iso3166_1_alpha3"].notna(), None)
    out = pd.DataFrame(
        {
            "geo": raw["country"].astype(str),
            "name": raw["name"].astype(str),
            "iso3": iso3,
            "m49": pd.to_numeric(raw["iso3166_1_numeric"], errors="coerce").astype("Int64"),
        }
    )
    out.loc[out["geo"] == "kos", "iso3"] = KOSOVO
    return out


def geo_to_iso3(entities: pd.DataFrame) -> dict[str, str]:
    """Gapminder geo id (lower case) → ISO3."""
    known = entities.dropna(subset=["iso3"])
    return dict(zip(known["geo"], known["iso3"], strict=True))


def m49_to_iso3(entities: pd.DataFrame) -> dict[int, str]:
    """UN M49 numeric code → ISO3."""
    known = entities.dropna(subset=["iso3", "m49"])
    return {int(k): v for k, v in zip(known["m49"], known["iso3"], strict=True)}


def name_to_iso3(entities: pd.DataFrame) -> dict[str, str]:
    """Normalised country name → ISO3 (Gapminder names, their ISO3 codes, and the alias list)."""
    known = entities.dropna(subset=["iso3"])
    mapping = {normalise_name(n): i for n, i in zip(known["name"], known["iso3"], strict=True)}
    mapping |= {normalise_name(i): i for i in known["iso3"]}
    return mapping | NAME_ALIASES


def map_or_raise(values: pd.Series, mapping: dict, path: Path, key=None) -> pd.Series:
    """Map every value through ``mapping`` (after ``key``); any value without a match raises
    :class:`CrosswalkError` listing all of them."""
    keys = values.map(key) if key is not None else values
    mapped = keys.map(mapping)
    unmatched = sorted({str(v) for v in values[mapped.isna()].unique()})
    if unmatched:
        raise CrosswalkError(path, unmatched)
    return mapped.astype(str)


def iso3_values(entities: pd.DataFrame, extra: Iterable[str] = ()) -> set[str]:
    """All ISO3 codes the crosswalk can produce (plus ``extra``)."""
    return set(entities["iso3"].dropna()) | set(NAME_ALIASES.values()) | set(extra)
