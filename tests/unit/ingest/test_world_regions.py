"""Countries under their UN SDG region (pipelines.ingest.sources.world.regions). The country rows are
real Gapminder ids and ISO3 codes; the files are SYNTHETIC extracts written here."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.sources.world.regions import country_regions, region_rows

ENTITIES = pd.DataFrame({"geo": ["ner", "bra", "ata"], "iso3": ["NER", "BRA", "ATA"]})


def _file(tmp_path, rows: str):
    path = tmp_path / "ddf--entities--geo--country.csv"
    path.write_text("country,un_sdg_region\n" + rows, encoding="utf-8")
    return path


def test_every_country_gets_its_region_and_one_row_per_region(tmp_path):
    path = _file(tmp_path, "ner,un_sub_saharan_africa\nbra,un_latin_america_and_the_caribbean\nata,\n")
    regions = country_regions(path, ENTITIES)
    assert regions == {"NER": "SDG.SSA", "BRA": "SDG.LAC"}  # Antarctica has no region: no parent
    rows = region_rows(regions)
    assert rows.to_dict("records") == [
        {"area_id": "SDG.LAC", "name": "Latin America and the Caribbean", "level": "region"},
        {"area_id": "SDG.SSA", "name": "Sub-Saharan Africa", "level": "region"},
    ]


def test_a_region_the_map_does_not_know_is_refused_with_its_line(tmp_path):
    path = _file(tmp_path, "ner,un_sub_saharan_africa\nbra,un_atlantis\n")
    with pytest.raises(SourceFormatError) as err:
        country_regions(path, ENTITIES)
    assert err.value.rule == "unknown region" and err.value.line == 3 and "un_atlantis" in str(err.value)
