"""The declared contract of every source (see :mod:`pipelines.ingest.contract` for what each part means).

``CONTRACTS`` maps each connector name to its :class:`SourceContract`. The runner refuses a source that has
none, and a test fails when a connector is registered without one. Catalogues are the indicator codes and
units each connector defines in code (never the columns a file happens to carry); year bounds are the
first year the source can hold and, where the file is an edition of a known date, its last year.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.ingest.contract import AreaContract, Column, CsvContract, SourceContract
from pipelines.ingest.sources.brazil import areas as brazil_areas
from pipelines.ingest.sources.brazil import census as brazil_census
from pipelines.ingest.sources.brazil import employer_list as brazil_employer_list
from pipelines.ingest.sources.brazil import inspections as brazil_inspections
from pipelines.ingest.sources.brazil import population as brazil_population
from pipelines.ingest.sources.world import ceacr as world_ceacr
from pipelines.ingest.sources.world import gapminder as world_gapminder
from pipelines.ingest.sources.world import ilab as world_ilab
from pipelines.ingest.sources.world import ilab_goods as world_ilab_goods
from pipelines.ingest.sources.world import sdg871 as world_sdg871
from pipelines.ingest.sources.world import wb_poverty as world_wb_poverty
from pipelines.ingest.sources.world import wdi_child_labour as world_wdi_child_labour
from pipelines.ingest.sources.world import wdi_protection as world_wdi_protection

YEAR = Column("year")
BRAZIL_EXTENT = (-74.5, -34.5, -28.0, 5.5)  # mainland, Fernando de Noronha, Trindade and Martim Vaz
IBGE7 = Column("int", 1_000_000, 9_999_999)
ECONOMY = Column("text", pattern=r"[A-Za-z][A-Za-z0-9_]{1,15}")
PERCENT = Column("number", 0.0, 100.0, blank=True)
COUNT = Column("int", 0, 10_000_000)


def _catalogue(indicators: pd.DataFrame) -> dict[str, str]:
    return dict(zip(indicators["indicator_code"], indicators["unit"], strict=True))


# --- Brazil -----------------------------------------------------------------------------------------------

# Atlas columns published as observations, and their units (brazil_census.UNITS; the rest are percent).
ATLAS_COLUMNS = (
    "pop", "pesorur", "pesourb", "idhm", "idhm_e", "idhm_l", "idhm_r", "rdpc", "gini", "pind", "pindcri",
    "pmpob", "ppob", "p_agro", "p_extr", "p_formal", "t_ativ", "t_des", "trabsc", "t_analf18m",
    "t_nestuda_ntrab_mmeio", "t_crifundin_todos", "t_fundin_todos", "espvida", "mort1", "t_agua", "t_luz",
    "parede",
)  # fmt: skip
ATLAS_UNITS = {c: brazil_census.UNITS.get(c, "percent") for c in ATLAS_COLUMNS}
ATLAS_RULES = {
    "persons": Column("int", 0, 100_000_000, blank=True),
    "index_0_1": Column("number", 0.0, 1.0, blank=True),
    "brl_2010": Column("number", 0.0, 1_000_000.0, blank=True),
    "years": Column("number", 0.0, 120.0, blank=True),
    "per_1000": Column("number", 0.0, 1000.0, blank=True),
    "percent": PERCENT,
}


def _municipal_seats(files: dict[str, Path]) -> pd.DataFrame:
    munis = brazil_areas.read_municipalities(files["municipalities"])
    return pd.DataFrame(
        {"area_id": "BRA." + munis["ibge7"].astype(str), "lon": munis["lon"], "lat": munis["lat"]}
    )


MUNICIPALITIES = CsvContract(
    columns={
        "muni_id": IBGE7,
        "muni_nm": Column("text"),
        "uf_nm": Column("text"),
        "uf_sigla": Column("text", pattern=r"[A-Z]{2}"),
        "uf_id": Column("int", 11, 53),
        "lon": Column("number", BRAZIL_EXTENT[0], BRAZIL_EXTENT[2]),
        "lat": Column("number", BRAZIL_EXTENT[1], BRAZIL_EXTENT[3]),
    },
    ignored=frozenset({"muni_id_6", "muni_nm_clean", "regiao_nm", "tse_id", "rf_id", "bcb_id", "existia_1991",
                       "existia_2000", "existia_2010", "capital"}),
)  # fmt: skip

BRAZIL = {
    "brazil_areas": SourceContract(
        files={"municipalities": MUNICIPALITIES},
        first_year=1991,
        areas=AreaContract(
            extent=BRAZIL_EXTENT,
            reference_points=_municipal_seats,
            reference_km=25.0,
            # geodata-br's polygon of Vitória (ES) lies 125 km from the seat coordinates of the list.
            reference_exceptions=frozenset({"BRA.3205309"}),
        ),
        overlays={"boundaries": r"geojs-\d{2}-mun\.json"},
    ),
    "brazil_employer_list": SourceContract(
        files={
            "employer_list": CsvContract(
                columns={
                    "ibge7": IBGE7,
                    "ano_acao_fiscal": YEAR,
                    "n_employers_listed": Column("int", 1, 10_000),
                    "trabalhadores_envolvidos_sum": Column("int", 0, 1_000_000),
                    "cnae_divisions": Column("text", pattern=r"\d{2}(\|\d{2})*"),
                    "snapshots": Column("dates"),
                },
            )
        },
        first_year=1995,  # the mobile inspection group (GEFM) started in 1995
        catalogue=_catalogue(brazil_employer_list.INDICATORS),
        sources=frozenset({brazil_employer_list.SOURCE}),
    ),
    "brazil_inspections": SourceContract(
        files={
            "inspections": CsvContract(
                columns={
                    "nm_municipio": Column("text"),
                    "nm_uf": Column("text"),
                    "oper": Column("int", 0, 100_000),
                    "ano": YEAR,
                    "trabalhadores_resgatados": Column("int", 0, 10_000),
                },
                sep=";",
            ),
            "codes": MUNICIPALITIES,
        },
        first_year=brazil_inspections.FIRST_YEAR,
        last_year=brazil_inspections.LAST_YEAR,
        catalogue=_catalogue(brazil_inspections.INDICATORS),
        sources=frozenset({brazil_inspections.SOURCE}),
    ),
    "brazil_census": SourceContract(
        files={
            "atlas": CsvContract(
                columns={
                    "ano": Column("text", pattern=r"1991|2000|2010"),
                    "uf": Column("int", 11, 53),
                    "codmun7": IBGE7,
                    "municipio": Column("text"),
                }
                | {c: ATLAS_RULES[u] for c, u in ATLAS_UNITS.items()},
            )
        },
        first_year=1991,
        last_year=brazil_census.VINTAGE.year,
        catalogue={f"br_atlas_{c}": u for c, u in ATLAS_UNITS.items()},
        sources=frozenset({brazil_census.SOURCE}),
    ),
    "brazil_population": SourceContract(
        files={
            "population": CsvContract(
                columns={
                    "ibge7": IBGE7,
                    "year": YEAR,
                    "estimated_population": Column("int", 0, 100_000_000),
                }
            )
        },
        first_year=1991,
        catalogue=_catalogue(brazil_population.INDICATORS),
        sources=frozenset({brazil_population.SOURCE}),
    ),
}

# --- World ------------------------------------------------------------------------------------------------

SDG_AGE_BANDS = ("5_14", "5_17", "6_14", "6_17", "7_14", "7_17", "10_14", "10_17", "12_14", "12_17", "15_17")
SDG_SEXES = ("bothsex", "female", "male")


def _sdg_file(series: str) -> CsvContract:
    return CsvContract(
        columns={
            "age": Column("text", pattern="|".join(SDG_AGE_BANDS)),
            "geo_area": Column("int", 1, 999),
            "nature": Column("text", blank=True, pattern=r"[A-Za-z]{1,4}"),
            "sex": Column("text", pattern="|".join(SDG_SEXES)),
            "units": Column("text", pattern="percent"),
            "year": YEAR,
            series: Column("number", 0.0, 100.0),
        }
    )


def _ddf_file(column: str, time: str = "year", value: Column = PERCENT, key: str = "economy") -> CsvContract:
    return CsvContract(columns={key: ECONOMY, time: YEAR, column: value})


def _country_points(files: dict[str, Path]) -> pd.DataFrame:
    from pipelines.ingest.sources.world.areas import read_entities_with_coords

    entities = read_entities_with_coords(files["countries"]).dropna(subset=["iso3"])
    return pd.DataFrame({"area_id": entities["iso3"], "lon": entities["lon"], "lat": entities["lat"]})


GAPMINDER_FIRST_YEAR = 1000  # historical population estimates start in 1086; projections to 2100 are dropped
GAPMINDER_VALUE = Column("number", -1e12, 1e12, blank=True)
SDG_SERIES = "|".join(prefix for prefix, _ in world_sdg871.SERIES.values())
CEACR_IGNORED = frozenset(
    {"row_id", "source_type", "country", "ratification_year", "language", "content_in_corpus",
     "mentions_trafficking", "mentions_bonded_or_debt_labour", "mentions_state_imposed_forced_labour",
     "mentions_child_soldiers_or_armed_conflict", "mentions_sexual_exploitation", "mentions_agriculture",
     "mentions_mining", "mentions_fishing", "mentions_domestic_work", "mentions_migrant_workers",
     "mentions_labour_inspection", "mentions_prosecutions_or_penalties", "mentions_education_access",
     "requests_information", "topic_summary", "inferred_fields", "notes"}
)  # fmt: skip
CEACR_CODES = (
    ["ceacr_comments"]
    + [f"ceacr_comments_{kind}" for kind in world_ceacr.COMMENT_TYPES]
    + [f"ceacr_comments_{conv.lower()}" for conv in world_ceacr.CONVENTIONS]
    + ["ceacr_deep_concern", "ceacr_concern", "ceacr_report_not_received", "ceacr_technical_assistance"]
)
CEACR_FIRST_YEAR = 1927  # first session of the Committee of Experts

WORLD = {
    "world_areas": SourceContract(
        files={},
        first_year=1900,
        areas=AreaContract(
            extent=(-180.0, -90.0, 180.0, 90.0), reference_points=_country_points, reference_km=500.0
        ),
    ),  # fmt: skip
    "world_admin1": SourceContract(
        files={},
        first_year=1900,
        # Overseas units (French Guiana, Hawaii, the Chatham Islands) lie far outside the low-resolution
        # country polygon: up to 1 % of the provinces may; swapped coordinates put 93 % outside.
        areas=AreaContract(
            extent=(-180.0, -90.0, 180.0, 90.0), parent_extent_margin=5.0, parent_outside_share=0.01
        ),
    ),
    "world_sdg871": SourceContract(
        files={"activity": _sdg_file("sl_tlf_chldea"), "chores": _sdg_file("sl_tlf_chldec")},
        first_year=2000,
        code_patterns={
            rf"(?:{SDG_SERIES})\.(?:{'|'.join(SDG_AGE_BANDS)})\.(?:{'|'.join(SDG_SEXES)})": "percent"
        },
        sources=frozenset({world_sdg871.SOURCE}),
    ),
    "world_wdi_child_labour": SourceContract(
        files={
            "total": CsvContract(
                columns={
                    c: Column("text", blank=c != "Country Code") for c in world_wdi_child_labour.ID_COLUMNS
                },
                ignored=frozenset({""}),
                wide=(r"\d{4}", PERCENT),
                header_line=world_wdi_child_labour.HEADER_LINES + 1,
            ),
            "female": _ddf_file("sl_tlf_0714_fe_zs"),
            "male": _ddf_file("sl_tlf_0714_ma_zs"),
        },
        first_year=1960,
        catalogue=_catalogue(world_wdi_child_labour.INDICATORS),
        sources=frozenset({world_wdi_child_labour.SOURCE}),
    ),  # fmt: skip
    "world_gapminder": SourceContract(
        files={
            "datapoints": CsvContract(
                columns={"geo": ECONOMY, "time": Column("int", GAPMINDER_FIRST_YEAR, 2100)},
                wide=("|".join(world_gapminder.UNITS), GAPMINDER_VALUE),
            )
        },
        first_year=GAPMINDER_FIRST_YEAR,
        catalogue={f"gm_{c}": u for c, u in world_gapminder.UNITS.items()},
        sources=frozenset({world_gapminder.SOURCE}),
        overlays={"datapoints": r"ddf--datapoints--\w+--by--geo--time\.csv"},
    ),
    "world_ilab": SourceContract(
        files={},
        first_year=2001,  # the first Findings report covers 2001
        catalogue=_catalogue(world_ilab.INDICATORS),
        sources=frozenset({world_ilab.SOURCE}),
    ),
    "world_ilab_goods": SourceContract(
        files={},
        first_year=2009,  # the first List of Goods was published in 2009
        catalogue=_catalogue(world_ilab_goods.INDICATORS),
        sources=frozenset({world_ilab_goods.SOURCE}),
    ),
    "world_ceacr": SourceContract(
        files={
            "comments": CsvContract(
                columns={
                    "comment_id": Column("text", blank=True, pattern=world_ceacr.CONTRACT["comment_id"]),
                    "url": Column("text", blank=True, pattern=r"https?://\S+"),
                    "iso3": Column("text", blank=True, pattern=world_ceacr.CONTRACT["iso3"]),
                    "convention": Column("text", pattern=world_ceacr.CONTRACT["convention"]),
                    "comment_type": Column("text", pattern=world_ceacr.CONTRACT["comment_type"]),
                    "year_adopted": Column("year", blank=True),
                    "ilc_session_published": Column("int", 1, 200, blank=True),
                    "concern_level": Column(
                        "text", blank=True, pattern=world_ceacr.CONTRACT["concern_level"]
                    ),
                    "report_not_received": Column("bool", blank=True),
                    "technical_assistance_mentioned": Column("bool", blank=True),
                },
                ignored=CEACR_IGNORED,
            )
        },
        first_year=CEACR_FIRST_YEAR,
        catalogue=dict.fromkeys(CEACR_CODES, "count"),
        sources=frozenset({world_ceacr.SOURCE}),
    ),
    "world_wb_poverty": SourceContract(
        files={
            "export": CsvContract(
                columns={
                    c: Column("text") for c in ("Series Name", "Series Code", "Country", "Country Code")
                },
                wide=(
                    r"\d{4} \[YR\d{4}\]",
                    Column("number", -1e12, 1e12, blank=True, missing=frozenset({".."})),
                ),
                table_end=r"^,",
            )
        },
        first_year=1960,
        catalogue={world_wb_poverty.indicator_code(c): u for c, u in world_wb_poverty.UNITS.items()},
        sources=frozenset({world_wb_poverty.SOURCE}),
    ),  # fmt: skip
    "world_wdi_protection": SourceContract(
        files={role: _ddf_file(column) for role, column in world_wdi_protection.SERIES.items()},
        first_year=1960,
        catalogue=_catalogue(world_wdi_protection.INDICATORS),
        sources=frozenset({world_wdi_protection.SOURCE}),
    ),
}

CONTRACTS: dict[str, SourceContract] = BRAZIL | WORLD


def contract_for(name: str) -> SourceContract | None:
    """The declared contract of source ``name``; None if it has none (the runner then refuses the load)."""
    return CONTRACTS.get(name)
