"""The country crosswalk, built from the real Gapminder entity file."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.ingest.errors import CrosswalkError
from pipelines.ingest.sources.world.country_codes import (
    geo_to_iso3,
    m49_to_iso3,
    map_or_raise,
    name_to_iso3,
    normalise_name,
    read_entities,
)
from tests.conftest import SAMPLE_DATA

ENTITIES = "world/covariates/gapminder/ddf--entities--geo--country.csv"


@pytest.fixture(scope="module")
def entities():
    return read_entities(SAMPLE_DATA / ENTITIES)


def test_normalise_name_drops_accents_and_punctuation():
    assert normalise_name("Côte d'Ivoire") == "cote d ivoire"
    assert normalise_name("  Turkey (Türkiye) ") == "turkey turkiye"


def test_codes_map_to_iso3(entities):
    assert m49_to_iso3(entities)[76] == "BRA"
    assert m49_to_iso3(entities)[566] == "NGA"
    assert geo_to_iso3(entities)["bra"] == "BRA"
    assert geo_to_iso3(entities)["kos"] == "XKX"


def test_ilab_style_names_map(entities):
    names = name_to_iso3(entities)
    values = pd.Series(["Burma", "Congo, Democratic Republic of the", "The Gambia", "Brazil", "Kosovo"])
    assert map_or_raise(values, names, "synthetic", key=normalise_name).tolist() == [
        "MMR", "COD", "GMB", "BRA", "XKX",
    ]  # fmt: skip


def test_unmatched_names_are_all_listed(entities):
    values = pd.Series(["Brazil", "Atlantis", "Lemuria", "Atlantis"])
    with pytest.raises(CrosswalkError) as err:
        map_or_raise(values, name_to_iso3(entities), "synthetic.csv", key=normalise_name)
    assert err.value.unmatched == ["Atlantis", "Lemuria"]
    assert "synthetic.csv" in str(err.value)


def test_empty_series_maps_to_empty(entities):
    assert map_or_raise(pd.Series([], dtype=object), name_to_iso3(entities), "x").empty
