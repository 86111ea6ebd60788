"""Brazil's area names as IBGE publishes them: the shipped municipality list and boundaries, staged for real."""

from __future__ import annotations

import shutil

import pytest

from pipelines.ingest import SourceFormatError
from pipelines.ingest.sources.brazil.areas import (
    STATE_NAMES,
    build_areas,
    read_boundaries,
    read_municipalities,
)
from tests.conftest import SAMPLE_DATA

MUNICIPALITIES = SAMPLE_DATA / "brazil/covariates/abj_muni_codes_latlon.csv"


@pytest.fixture(scope="module")
def areas():
    return build_areas(
        read_municipalities(MUNICIPALITIES), read_boundaries(SAMPLE_DATA / "brazil/boundaries")
    )


def test_names_are_spelled_as_published_never_recased(areas):
    names = dict(zip(areas["area_id"], areas["name"], strict=True))
    assert names["BRA"] == "Brasil"
    assert names["BRA.AM"] == "Amazonas"
    assert names["BRA.MS"] == "Mato Grosso do Sul"
    assert names["BRA.1507300"] == "São Félix do Xingu"
    assert names["BRA.3304557"] == "Rio de Janeiro"
    assert names["BRA.1100015"] == "Alta Floresta D'Oeste"
    assert names["BRA.4317103"] == "Sant'Ana do Livramento"  # renamed after the boundaries were drawn
    assert names["BRA.2410306"] == "Serra Caiada"  # the current name, not the 2010 one
    muni = areas.loc[areas["level"] == "2", "name"]
    assert not muni.str.contains(r" (?:De|Da|Do|Das|Dos|E) ").any()
    states = areas.loc[areas["level"] == "1"].set_index("area_id")["name"]
    assert states.to_dict() == {f"BRA.{uf}": name for uf, name in STATE_NAMES.items()}


def test_an_unknown_state_sigla_names_the_file_and_line(tmp_path):
    bad = tmp_path / MUNICIPALITIES.name
    shutil.copy(MUNICIPALITIES, bad)
    lines = bad.read_text(encoding="utf-8").splitlines()
    # Edit: the third municipality's state sigla RO replaced by XX.
    lines[3] = lines[3].replace(",RO,", ",XX,")
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SourceFormatError, match=r"line 4: state sigla: uf_sigla 'XX'"):
        read_municipalities(bad)
