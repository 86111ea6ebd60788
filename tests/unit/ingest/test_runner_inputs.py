"""Input resolution and checksums of the ingest runner (files here are synthetic copies in tmp_path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.registry import CONNECTORS
from pipelines.ingest.runner import inputs_sha256, resolve_inputs

CENSUS = CONNECTORS["brazil_census"]


def test_default_inputs_live_under_the_data_dir(tmp_path):
    files = resolve_inputs(CENSUS, tmp_path)
    assert files["atlas"] == tmp_path / CENSUS.inputs["atlas"]
    assert files["dictionary"] == tmp_path / CENSUS.inputs["dictionary"]


def test_a_file_path_replaces_the_primary_input_only(tmp_path):
    other = tmp_path / "atlas_copy.csv"
    other.write_text("synthetic\n")
    files = resolve_inputs(CENSUS, tmp_path / "data", other)
    assert files["atlas"] == other
    assert files["dictionary"] == tmp_path / "data" / CENSUS.inputs["dictionary"]


def test_a_folder_path_replaces_the_data_root(tmp_path):
    files = resolve_inputs(CENSUS, "/elsewhere", tmp_path)
    assert files["atlas"] == tmp_path / CENSUS.inputs["atlas"]


def test_a_folder_replaces_a_folder_primary_input(tmp_path):
    ilab = CONNECTORS["world_ilab"]
    reports = tmp_path / "my_reports"
    reports.mkdir()
    files = resolve_inputs(ilab, "/elsewhere", reports)
    assert files["reports"] == reports
    assert files["countries"] == Path("/elsewhere") / ilab.inputs["countries"]
    (tmp_path / ilab.inputs["reports"]).mkdir(parents=True)  # a data root holding the usual layout
    assert resolve_inputs(ilab, "/elsewhere", tmp_path)["reports"] == tmp_path / ilab.inputs["reports"]


def test_checksum_is_stable_and_sees_one_byte(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.csv").write_text("x,y\n1,2\n")
    single = tmp_path / "b.csv"
    single.write_text("z\n3\n")
    files = {"folder": folder, "single": single}
    first = inputs_sha256(files)
    assert first == inputs_sha256(files) and len(first) == 64
    (folder / "a.csv").write_text("x,y\n1,3\n")
    assert inputs_sha256(files) != first


def test_missing_input_is_a_format_error(tmp_path):
    with pytest.raises(SourceFormatError, match="missing file"):
        inputs_sha256({"atlas": tmp_path / "absent.csv"})
