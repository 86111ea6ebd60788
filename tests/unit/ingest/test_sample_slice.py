"""Slicing the real sample to a few Brazilian states."""

from __future__ import annotations

import pytest

from pipelines.ingest import slice_sample
from pipelines.ingest.sample_slice import MUNICIPALITIES
from tests.conftest import SAMPLE_DATA


def test_slice_keeps_only_the_states_rows(tmp_path):
    out = slice_sample(SAMPLE_DATA, tmp_path, ["PA", "mt"])
    assert out["states"] == ["MT", "PA"]
    # Real counts: Pará 144 municipalities + Mato Grosso 141.
    assert out["municipalities"] == 144 + 141
    munis = (tmp_path / MUNICIPALITIES).read_text(encoding="utf-8").splitlines()
    assert len(munis) == 1 + 285
    assert all(line.split(",")[0][:2] in {"15", "51"} for line in munis[1:])
    boundaries = sorted(p.name for p in (tmp_path / "brazil/boundaries").glob("geojs-*"))
    assert boundaries == ["geojs-15-mun.json", "geojs-51-mun.json"]
    assert out["rows"]["brazil/covariates/br_mun_population_2012_2021_long.csv"] == 285 * 10


def test_world_files_are_copied_unchanged(tmp_path):
    slice_sample(SAMPLE_DATA, tmp_path, ["AC"])
    rel = "world/labels/wdi/API_SL.TLF.0714.ZS_WDI_2019-04-24.csv"
    assert (tmp_path / rel).read_bytes() == (SAMPLE_DATA / rel).read_bytes()


def test_kept_lines_are_byte_identical(tmp_path):
    slice_sample(SAMPLE_DATA, tmp_path, ["AC"])
    rel = "brazil/covariates/atlas_slim_covariates_1991_2000_2010.csv"
    original = set((SAMPLE_DATA / rel).read_text(encoding="utf-8").splitlines())
    assert set((tmp_path / rel).read_text(encoding="utf-8").splitlines()) <= original


@pytest.mark.parametrize("states", [["XX"], []])
def test_unknown_or_no_state_raises_before_writing(tmp_path, states):
    with pytest.raises(ValueError, match="state"):
        slice_sample(SAMPLE_DATA, tmp_path / "out", states)
    assert not (tmp_path / "out").exists()
