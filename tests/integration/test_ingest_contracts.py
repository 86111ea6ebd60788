"""Each declared-contract case: real files of the sample (or the Pará slice) edited in ``tmp_path``.

Every refusal is checked through the same assertions (:func:`tests.integration.refusal_checks.assert_refused`):
the error names the file (and line, rule), a ``rejected`` lineage row, the batch in quarantine, one
operator e-mail, nothing published.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from pipelines.ingest import SourceFormatError, registry, run_source
from pipelines.ingest.contract import ContractError
from pipelines.warehouse.engine import make_engine
from pipelines.warehouse.schema import Observation
from tests.conftest import SAMPLE_DATA
from tests.integration.refusal_checks import assert_refused, latest_run, published_state

EMPLOYERS = "brazil/labels/forced_labour_employer_list_municipality_year.csv"
POPULATION = "brazil/covariates/br_mun_population_2012_2021_long.csv"
CENSUS = "brazil/covariates/atlas_slim_covariates_1991_2000_2010.csv"
SDG = "world/labels/sdg871/ddf--datapoints--sl_tlf_chldea--by--age--geo_area--nature--sex--units--year.csv"
CEACR = "world/supervisory/ceacr_comments_metadata.csv"
ILAB_2019 = "world/government_response/ilab/raw_xml/countries_2019.xml"
PARA_BOUNDARY = "brazil/boundaries/geojs-15-mun.json"


def _lines(root: Path, rel: str) -> list[str]:
    return (root / rel).read_text(encoding="utf-8").splitlines(keepends=True)


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _edit_field(lines: list[str], column: str, value: str, row: int = 1) -> list[str]:
    """The lines with ``column`` of data line ``row`` (1 = first data line) set to ``value`` (no quoting)."""
    header = lines[0].rstrip("\n").split(",")
    fields = lines[row].rstrip("\n").split(",")
    fields[header.index(column)] = value
    return [*lines[:row], ",".join(fields) + "\n", *lines[row + 1 :]]


def _refused(settings, source, bad, expected_rule, line=None):
    before = published_state(settings)
    with pytest.raises(SourceFormatError) as err:
        run_source(source, path=bad, settings=settings)
    summary = assert_refused(settings, source, err.value, bad, before)
    assert expected_rule in err.value.rule, err.value
    if line is not None:
        assert err.value.line == line and f"line {line}" in str(err.value)
    assert summary["format_error"] == err.value.rule
    return err.value


@pytest.mark.parametrize(
    "value, rule",
    [("inf", "not finite"), ("1e308", "out of range"), ("0.5", "not a whole number"), ("-1", "out of range")],
)
def test_employer_counts_are_non_negative_whole_numbers(para, tmp_path, value, rule):
    lines = _edit_field(_lines(para.data_dir, EMPLOYERS), "n_employers_listed", value, row=3)
    _refused(para, "brazil_employer_list", _write(tmp_path / "employers.csv", lines), rule, line=4)


@pytest.mark.parametrize(
    "year, rule",
    [("inf", "not finite"), ("0", "year out of range"), ("1e308", "year out of range"),
     ("", "blank value"), ("1800", "year out of range"), ("2015.5", "not a whole number")],
)  # fmt: skip
def test_inspection_years_outside_the_contract_are_a_rule_not_a_crash(settings, tmp_path, year, rule):
    lines = _edit_field(_lines(SAMPLE_DATA, EMPLOYERS), "ano_acao_fiscal", year, row=2)
    _refused(settings, "brazil_employer_list", _write(tmp_path / "employers.csv", lines), rule, line=3)


@pytest.mark.parametrize(
    "divisions, rule",
    [("1x", "bad value"), ("01;02", "bad value"), ("011", "bad value"), ("", "blank value")],
)
def test_activity_divisions_must_be_two_digit_cnae_codes(settings, tmp_path, divisions, rule):
    lines = _edit_field(_lines(SAMPLE_DATA, EMPLOYERS), "cnae_divisions", divisions, row=2)
    _refused(settings, "brazil_employer_list", _write(tmp_path / "employers.csv", lines), rule, line=3)


def test_an_edition_dated_in_the_future_is_refused(settings, tmp_path):
    lines = _edit_field(_lines(SAMPLE_DATA, EMPLOYERS), "snapshots", "2099-05-17")
    _refused(
        settings, "brazil_employer_list", _write(tmp_path / "employers.csv", lines), "date out of range", 2
    )


def test_a_population_year_after_the_load_date_is_refused(settings, tmp_path):
    lines = _edit_field(_lines(SAMPLE_DATA, POPULATION), "year", "2031", row=5)
    _refused(
        settings, "brazil_population", _write(tmp_path / "population.csv", lines), "year out of range", 6
    )


def test_a_census_file_with_an_extra_column_is_refused_not_a_new_indicator(settings, tmp_path):
    lines = _lines(SAMPLE_DATA, CENSUS)
    lines = [lines[0].rstrip("\n") + ",t_trabinf\n"] + [ln.rstrip("\n") + ",12.5\n" for ln in lines[1:]]
    err = _refused(settings, "brazil_census", _write(tmp_path / "census.csv", lines), "unknown column", 1)
    assert "t_trabinf" in str(err)


def test_blank_geo_area_and_huge_year_in_sdg_871_are_rules(settings, tmp_path):
    lines = _lines(SAMPLE_DATA, SDG)
    blank = _write(tmp_path / "sdg_blank.csv", _edit_field(lines, "geo_area", "", row=2))
    _refused(settings, "world_sdg871", blank, "blank value", line=3)
    huge = _write(tmp_path / "sdg_huge.csv", _edit_field(lines, "year", "1e308", row=4))
    _refused(settings, "world_sdg871", huge, "year out of range", line=5)


def _csv_rows(root: Path, rel: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO((root / rel).read_text(encoding="utf-8"))))


def _write_rows(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_supervisory_file_without_url_column_is_a_named_rule(settings, tmp_path):
    rows = _csv_rows(SAMPLE_DATA, CEACR)
    pos = rows[0].index("url")
    bad = _write_rows(tmp_path / "ceacr_no_url.csv", [r[:pos] + r[pos + 1 :] for r in rows])
    err = _refused(settings, "world_ceacr", bad, "missing columns", line=1)
    assert "url" in str(err)


def test_a_supervisory_comment_dated_2099_is_refused(settings, tmp_path):
    rows = _csv_rows(SAMPLE_DATA, CEACR)
    pos = rows[0].index("year_adopted")
    assert rows[1][pos] == "2023"
    rows[1][pos] = "2099"
    bad = _write_rows(tmp_path / "ceacr_2099.csv", rows)
    _refused(settings, "world_ceacr", bad, "year out of range", line=2)


def test_an_ilab_report_for_2031_is_refused(settings, tmp_path):
    bad = tmp_path / "countries_2031.xml"
    shutil.copyfile(SAMPLE_DATA / ILAB_2019, bad)
    err = _refused(settings, "world_ilab", bad, "year out of range")
    assert "2031" in str(err)


def _swap_lon_lat(text: str) -> str:
    swapped = re.sub(r"\[\s*(-?[\d.eE-]+)\s*,\s*(-?[\d.eE-]+)\s*\]", r"[\2, \1]", text)
    assert swapped != text
    return swapped


def test_a_boundary_file_with_lon_lat_swapped_is_refused(para, tmp_path):
    bad = tmp_path / "geojs-15-mun.json"
    bad.write_text(
        _swap_lon_lat((para.data_dir / PARA_BOUNDARY).read_text(encoding="utf-8")), encoding="utf-8"
    )
    err = _refused(para, "brazil_areas", bad, "outside the country extent")
    assert "swapped" in str(err)


def _shift_one(text: str, feature_id: str, dlon: float) -> str:
    """The GeoJSON text with every coordinate of one feature moved by ``dlon`` degrees of longitude."""
    data = json.loads(text)
    for feature in data["features"]:
        if str(feature["properties"]["id"]) == feature_id:
            geom = feature["geometry"]
            rings = (
                geom["coordinates"]
                if geom["type"] == "Polygon"
                else [r for p in geom["coordinates"] for r in p]
            )
            for ring in rings:
                for point in ring:
                    point[0] += dlon
    return json.dumps(data)


def test_a_moved_boundary_needs_the_accept_flag(para, tmp_path):
    text = (para.data_dir / PARA_BOUNDARY).read_text(encoding="utf-8")
    feature = json.loads(text)["features"][0]["properties"]["id"]
    bad = tmp_path / "geojs-15-mun.json"
    bad.write_text(_shift_one(text, str(feature), 0.15), encoding="utf-8")  # about 16 km east
    err = _refused(para, "brazil_areas", bad, "boundary moved")
    assert f"BRA.{feature}" in str(err) and "--accept-boundary-change" in str(err)
    result = run_source("brazil_areas", path=bad, settings=para, accept_boundary_change=True)
    assert result["status"] == "published"


def test_a_self_intersecting_polygon_is_not_repaired_into_another_shape(para, tmp_path):
    data = json.loads((para.data_dir / PARA_BOUNDARY).read_text(encoding="utf-8"))
    feature = data["features"][1]
    geom = feature["geometry"]
    ring = geom["coordinates"][0] if geom["type"] == "Polygon" else geom["coordinates"][0][0]
    n = len(ring) - 1
    ring[n // 4], ring[3 * n // 4] = ring[3 * n // 4], ring[n // 4]  # two far vertices swapped: a folded ring
    bad = tmp_path / "geojs-15-mun.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    err = _refused(para, "brazil_areas", bad, "repair changes shape")
    assert str(feature["properties"]["id"]) in str(err)


def test_the_bytes_parsed_are_the_bytes_checksummed(para, tmp_path, monkeypatch):
    original = para.data_dir / POPULATION
    good = original.read_bytes()
    other = _edit_field(_lines(para.data_dir, POPULATION), "estimated_population", "4321")
    real = registry.CONNECTORS["brazil_population"]

    def replaced_while_reading(files):
        original.write_text("".join(other), encoding="utf-8")  # another writer replaces the file now
        return real.stage(files)

    monkeypatch.setitem(
        registry.CONNECTORS, "brazil_population", dataclasses.replace(real, stage=replaced_while_reading)
    )
    run_source("brazil_population", settings=para)
    run = latest_run(para, "brazil_population")
    assert run.status == "published" and run.file_sha256 != hashlib.sha256(good).hexdigest()
    engine = make_engine(para.warehouse_url)
    with engine.connect() as conn:
        values = set(conn.execute(select(Observation.value)).scalars())
    engine.dispose()
    assert 4321.0 not in values  # the values published are those of the bytes checksummed
    monkeypatch.setitem(registry.CONNECTORS, "brazil_population", real)
    assert run_source("brazil_population", settings=para)["status"] == "published"  # the new file is new


def test_an_identical_file_under_another_path_is_unchanged(para, tmp_path):
    assert run_source("brazil_population", settings=para)["status"] == "published"
    moved = tmp_path / "elsewhere" / "population_copy.csv"
    moved.parent.mkdir()
    shutil.copyfile(para.data_dir / POPULATION, moved)
    assert run_source("brazil_population", path=moved, settings=para)["status"] == "unchanged"


def _observation_areas(settings) -> set[str]:
    engine = make_engine(settings.warehouse_url)
    with engine.connect() as conn:
        out = set(
            conn.execute(
                select(Observation.area_id).where(Observation.source == "br_ibge_population")
            ).scalars()
        )
    engine.dispose()
    return out


def test_a_new_file_replaces_the_partition_and_a_large_shrink_needs_the_flag(para, tmp_path):
    run_source("brazil_population", settings=para)
    lines = _lines(para.data_dir, POPULATION)
    first = lines[1].split(",")[0]
    fewer = _write(tmp_path / "population_fewer.csv", [ln for ln in lines if not ln.startswith(first + ",")])
    assert run_source("brazil_population", path=fewer, settings=para)["status"] == "published"
    assert f"BRA.{first}" not in _observation_areas(para)  # rows removed from the file left the warehouse
    codes = sorted({ln.split(",")[0] for ln in lines[1:]})
    keep = set(codes[: int(len(codes) * 0.7)])  # 30 % of the municipalities dropped
    shrunk = _write(
        tmp_path / "population_shrunk.csv", [lines[0], *(ln for ln in lines[1:] if ln.split(",")[0] in keep)]
    )
    before = published_state(para)
    with pytest.raises(ContractError) as err:
        run_source("brazil_population", path=shrunk, settings=para)
    assert "partition shrink" in err.value.rule and "--allow-shrink" in str(err.value)
    assert_refused(para, "brazil_population", err.value, shrunk, before)
    result = run_source("brazil_population", path=shrunk, settings=para, allow_shrink=True)
    assert result["status"] == "published" and _observation_areas(para) == {f"BRA.{c}" for c in keep}
    partition = json.loads(latest_run(para, "brazil_population").validation_summary)["partition"]
    assert (
        partition["allow_shrink"]
        and partition["removed"] == before["observations"] - result["rows_published"]
    )


def test_a_source_without_a_declared_contract_is_refused(settings, monkeypatch):
    from pipelines.ingest import source_contracts

    monkeypatch.delitem(source_contracts.CONTRACTS, "world_ceacr")
    before = published_state(settings)
    with pytest.raises(ContractError, match="no declared contract") as err:
        run_source("world_ceacr", settings=settings)
    assert_refused(settings, "world_ceacr", err.value, SAMPLE_DATA / CEACR, before)


def test_the_cli_refuses_with_one_paragraph_and_a_non_zero_exit(settings, tmp_path):
    lines = _edit_field(_lines(SAMPLE_DATA, EMPLOYERS), "n_employers_listed", "1e308", row=3)
    bad = _write(tmp_path / "employers_1e308.csv", lines)
    env = dict(os.environ, SDG87_HOME=str(settings.home), SDG87_WAREHOUSE_URL=settings.warehouse_url)
    env.pop("SDG87_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "ingest", "brazil_employer_list", "--path", str(bad)],
        env=env, cwd=Path(__file__).parents[2], capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    message = proc.stderr.strip()
    assert "\n\n" not in message and str(bad) in message and "line 4" in message and "out of range" in message
    assert latest_run(settings, "brazil_employer_list").status == "rejected"
