"""The Brazil family loaded into a real warehouse, and its failure paths.

The full-sample load runs once per module on SQLite (slow); failure cases run on SQLite and PostgreSQL on a
real slice (state of Pará) copied to ``tmp_path`` and edited there (each edit is described next to it).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from pipelines.ingest import SOURCE_FAMILIES, SourceFormatError, run_source
from pipelines.ingest.contract import ContractError
from pipelines.quality import DataQualityError
from pipelines.settings import Settings
from pipelines.warehouse.engine import make_engine
from pipelines.warehouse.schema import Area, Indicator, IngestRun, Observation
from tests.conftest import SAMPLE_DATA

EMPLOYER_LIST = "brazil/labels/forced_labour_employer_list_municipality_year.csv"
POPULATION = "brazil/covariates/br_mun_population_2012_2021_long.csv"
ATLAS = "brazil/covariates/atlas_slim_covariates_1991_2000_2010.csv"
MUNICIPALITIES = "brazil/covariates/abj_muni_codes_latlon.csv"


def _settings(home: Path, data_dir: Path = SAMPLE_DATA) -> Settings:
    # An explicit SQLite URL: a warehouse URL in the environment (e.g. CI's PostgreSQL) is never touched.
    return Settings(home=home, data_dir=data_dir, warehouse_url=f"sqlite:///{home / 'warehouse.db'}")


def _counts(settings: Settings) -> dict:
    engine = make_engine(settings.warehouse_url)
    with engine.connect() as conn:
        out = {
            "areas": conn.execute(select(func.count()).select_from(Area)).scalar(),
            "observations": conn.execute(select(func.count()).select_from(Observation)).scalar(),
            "indicators": conn.execute(select(func.count()).select_from(Indicator)).scalar(),
            "runs": conn.execute(
                select(IngestRun.status, IngestRun.source).order_by(IngestRun.started_at)
            ).all(),
        }
    engine.dispose()
    return out


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    settings = _settings(tmp_path_factory.mktemp("var"))
    results = {name: run_source(name, settings=settings) for name in SOURCE_FAMILIES["brazil"]}
    return settings, results


@pytest.mark.slow
def test_each_source_publishes_the_measured_rows(loaded):
    settings, results = loaded
    assert {n: r["status"] for n, r in results.items()} == dict.fromkeys(
        SOURCE_FAMILIES["brazil"], "published"
    )
    assert {n: r["rows_published"] for n, r in results.items()} == {
        "brazil_areas": 1 + 27 + 5_570,
        # events and workers per row, plus 187 + 101 + 27 + 32 activity flags
        "brazil_employer_list": 2 * 424 + 347,
        "brazil_inspections": 3 * 2_237,
        "brazil_census": 417_375,
        "brazil_population": 5_570 * 10,
    }
    engine = make_engine(settings.warehouse_url)
    with engine.connect() as conn:
        levels = dict(conn.execute(select(Area.level, func.count()).group_by(Area.level)).all())
        no_polygon = conn.execute(select(func.count()).where(Area.geometry_wkb.is_(None))).scalar()
        bra = conn.execute(select(Area.study, Area.area_km2).where(Area.area_id == "BRA")).one()
        lineage = conn.execute(
            select(
                IngestRun.rows_in,
                IngestRun.rows_published,
                IngestRun.validation_success,
                IngestRun.file_sha256,
            ).where(IngestRun.source == "brazil_census")
        ).one()
    engine.dispose()
    assert levels == {"0": 1, "1": 27, "2": 5_570}
    assert no_polygon == 6  # municipalities created in 2013 are kept without a polygon
    assert bra.study == "brazil" and 8.4e6 < bra.area_km2 < 8.6e6
    assert lineage.rows_in == lineage.rows_published == 417_375 and lineage.validation_success
    assert len(lineage.file_sha256) == 64


@pytest.mark.slow
def test_reloading_the_same_files_is_unchanged(loaded):
    settings, _ = loaded
    before = _counts(settings)
    again = {name: run_source(name, settings=settings) for name in SOURCE_FAMILIES["brazil"]}
    after = _counts(settings)
    assert {r["status"] for r in again.values()} == {"unchanged"}
    assert {r["rows_published"] for r in again.values()} == {0}
    assert (after["areas"], after["observations"], after["indicators"]) == (
        before["areas"], before["observations"], before["indicators"],
    )  # fmt: skip
    family = SOURCE_FAMILIES["brazil"]
    assert after["runs"][-len(family) :] == [("unchanged", n) for n in family]


def _edited_copy(src: Path, dst: Path, edit) -> Path:
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    dst.write_text("".join(edit(lines)), encoding="utf-8")
    return dst


def _assert_rejected(settings: Settings, err: DataQualityError, file: Path, rule: str, source: str):
    message = str(err)
    assert str(file) in message and rule in message and "quarantine line " in message
    assert "datetime.date(" not in message and "Timestamp(" not in message
    quarantined = err.quarantine_path.read_text(encoding="utf-8").splitlines()
    number = int(message.split("quarantine line ")[1].split(":")[0])
    example = message.split(f"quarantine line {number}: ")[1].splitlines()[0]
    first = example.split(", ")[0].split("=", 1)[1]
    assert first in quarantined[number - 1]  # the line shown is the quarantined row
    assert err.quarantine_path.is_file()
    assert err.quarantine_path.parent == settings.quarantine_dir / source
    counts = _counts(settings)
    assert counts["observations"] == 0
    assert counts["runs"][-1] == ("rejected", source)


def _assert_unchanged_but_recorded(settings: Settings, before: dict, source: str) -> None:
    """Published data unchanged; the failed attempt is one more lineage row, ``rejected``."""
    after = _counts(settings)
    assert {k: after[k] for k in ("areas", "observations", "indicators")} == {
        k: before[k] for k in ("areas", "observations", "indicators")
    }
    assert after["runs"] == [*before["runs"], ("rejected", source)]


def test_negative_count_is_rejected_and_quarantined(para, tmp_path):
    # Edit: the employer count of the first data row becomes -1.
    def negative(lines):
        fields = lines[1].split(",")
        fields[2] = "-1"
        return [lines[0], ",".join(fields), *lines[2:]]

    bad = _edited_copy(para.data_dir / EMPLOYER_LIST, tmp_path / "employer_list_negative.csv", negative)
    with pytest.raises(ContractError) as err:
        run_source("brazil_employer_list", path=bad, settings=para)
    # The declared contract refuses it before parsing: file, line and rule; the batch is quarantined.
    assert err.value.rule == "contract: out of range" and err.value.line == 2
    assert str(bad) in str(err.value) and "'n_employers_listed' holds '-1'" in str(err.value)
    assert (
        err.value.quarantine_path
        == para.quarantine_dir / "brazil_employer_list" / err.value.quarantine_path.name
    )
    assert (err.value.quarantine_path / "input" / bad.name).is_file()
    counts = _counts(para)
    assert counts["observations"] == 0 and counts["runs"][-1] == ("rejected", "brazil_employer_list")


def test_duplicated_key_is_rejected(para, tmp_path):
    # Edit: the first data row appears twice.
    bad = _edited_copy(para.data_dir / POPULATION, tmp_path / "population_dup.csv", lambda ls: [*ls, ls[1]])
    with pytest.raises(DataQualityError) as err:
        run_source("brazil_population", path=bad, settings=para)
    _assert_rejected(para, err.value, bad, "expect_compound_columns_to_be_unique", "brazil_population")


def test_percent_out_of_range_is_rejected(para, tmp_path):
    # Edit: t_agua (% with piped water) of the first data row becomes 150.
    def over(lines):
        header = lines[0].rstrip("\n").split(",")
        fields = lines[1].rstrip("\n").split(",")
        fields[header.index("t_agua")] = "150"
        return [lines[0], ",".join(fields) + "\n", *lines[2:]]

    bad = _edited_copy(para.data_dir / ATLAS, tmp_path / "atlas_over.csv", over)
    with pytest.raises(ContractError) as err:
        run_source("brazil_census", path=bad, settings=para)
    assert err.value.rule == "contract: out of range" and err.value.line == 2
    assert str(bad) in str(err.value) and "'t_agua' holds '150'" in str(err.value)
    assert _counts(para)["runs"][-1] == ("rejected", "brazil_census")


def test_observations_for_unloaded_municipalities_are_rejected(para):
    # The full-sample population file names 5,426 municipalities outside Pará.
    with pytest.raises(DataQualityError, match="expect_column_values_to_be_in_set on column area_id"):
        run_source("brazil_population", path=SAMPLE_DATA / POPULATION, settings=para)


def test_truncated_file_is_a_format_error_and_writes_nothing(para, tmp_path):
    # Edit: cut the file four characters into its 11th line.
    text = (para.data_dir / POPULATION).read_text(encoding="utf-8")
    cut = [i for i, c in enumerate(text) if c == "\n"][9] + 5
    bad = tmp_path / "population_truncated.csv"
    bad.write_text(text[:cut], encoding="utf-8")
    before = _counts(para)
    with pytest.raises(SourceFormatError) as err:
        run_source("brazil_population", path=bad, settings=para)
    assert err.value.rule == "truncated row" and err.value.line == 11 and str(bad) in str(err.value)
    _assert_unchanged_but_recorded(para, before, "brazil_population")


def test_latin1_file_is_a_format_error_and_writes_nothing(para, tmp_path):
    # Edit: the municipality list re-encoded from UTF-8 to Latin-1 (Pará's names carry accents).
    src = para.data_dir / MUNICIPALITIES
    bad = tmp_path / "municipalities_latin1.csv"
    bad.write_bytes(src.read_text(encoding="utf-8").encode("latin-1"))
    before = _counts(para)
    with pytest.raises(SourceFormatError) as err:
        run_source("brazil_areas", path=bad, settings=para)
    assert err.value.rule == "encoding" and err.value.line is not None and str(bad) in str(err.value)
    _assert_unchanged_but_recorded(para, before, "brazil_areas")
