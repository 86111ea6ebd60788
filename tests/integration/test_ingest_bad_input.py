"""Bad input, on SQLite and PostgreSQL: each case gets a clear error and leaves the published data unchanged.

Every input here is a real file of the Pará slice copied to ``tmp_path`` and edited there; each edit is
described next to it. Gate failures also leave a quarantine file, a ``rejected`` lineage row, an HTML
validation report and an operator e-mail in the outbox.
"""

from __future__ import annotations

import email
import os
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pipelines.ingest import SourceFormatError, run_source, slice_sample
from pipelines.quality import DataQualityError
from pipelines.settings import Settings
from pipelines.warehouse.engine import make_engine
from pipelines.warehouse.schema import Area, IngestRun, Observation
from tests.conftest import SAMPLE_DATA

POPULATION = "brazil/covariates/br_mun_population_2012_2021_long.csv"
PARA_POPULATION_ROWS = 144 * 10


def _published(settings: Settings) -> dict:
    """What a reader sees: row counts and the published loads."""
    engine = make_engine(settings.warehouse_url)
    with engine.connect() as conn:
        out = {
            "areas": conn.execute(select(func.count()).select_from(Area)).scalar(),
            "observations": conn.execute(select(func.count()).select_from(Observation)).scalar(),
            "published": conn.execute(select(func.count()).where(IngestRun.status == "published")).scalar(),
        }
    engine.dispose()
    return out


def _lines(settings: Settings) -> list[str]:
    return (settings.data_dir / POPULATION).read_text(encoding="utf-8").splitlines(keepends=True)


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _shift_years(lines: list[str], years: int) -> list[str]:
    """The data lines with the year field moved by ``years`` (real values, other years)."""
    out = []
    for line in lines[1:]:
        ibge7, year, population = line.rstrip("\n").split(",")
        out.append(f"{ibge7},{int(year) + years},{population}\n")
    return out


def test_wrong_delimiter_names_file_line_and_rule(para, tmp_path):
    # Edit: every comma becomes a semicolon.
    bad = _write(tmp_path / "population_semicolon.csv", [ln.replace(",", ";") for ln in _lines(para)])
    before = _published(para)
    with pytest.raises(SourceFormatError) as err:
        run_source("brazil_population", path=bad, settings=para)
    assert err.value.rule == "delimiter" and err.value.line == 1 and str(bad) in str(err.value)
    assert _published(para) == before
    subjects = [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)["Subject"]
        for p in para.outbox_dir.glob("*.eml")
    ]
    assert subjects == ["[sdg87] ingest brazil_population failed: unreadable input (delimiter)"]
    engine = make_engine(para.warehouse_url)
    with engine.connect() as conn:
        run = conn.execute(
            select(IngestRun.status, IngestRun.rows_published, IngestRun.validation_summary).where(
                IngestRun.source == "brazil_population"
            )
        ).one()
    engine.dispose()
    assert (
        run.status == "rejected"
        and run.rows_published == 0
        and '"format_error": "delimiter"' in run.validation_summary
    )


def test_empty_file_is_a_format_error(para, tmp_path):
    # Edit: zero bytes.
    bad = _write(tmp_path / "population_empty.csv", [])
    before = _published(para)
    with pytest.raises(SourceFormatError, match="empty file") as err:
        run_source("brazil_population", path=bad, settings=para)
    assert str(bad) in str(err.value)
    assert _published(para) == before


def test_header_only_file_fails_the_gate_row_count(para, tmp_path):
    # Edit: the header line alone.
    bad = _write(tmp_path / "population_header_only.csv", _lines(para)[:1])
    with pytest.raises(DataQualityError, match="expect_table_row_count_to_be_between"):
        run_source("brazil_population", path=bad, settings=para)
    assert _published(para)["observations"] == 0


def test_twice_as_large_with_a_changed_header_is_a_format_error(para, tmp_path):
    # Edit: the data lines twice (the copy ten years later) and the value column renamed.
    lines = _lines(para)
    header = lines[0].replace("estimated_population", "populacao_estimada")
    bad = _write(tmp_path / "population_double_renamed.csv", [header, *lines[1:], *_shift_years(lines, 10)])
    before = _published(para)
    with pytest.raises(SourceFormatError) as err:
        run_source("brazil_population", path=bad, settings=para)
    assert err.value.rule == "missing columns" and "estimated_population" in str(err.value)
    assert err.value.line == 1 and str(bad) in str(err.value)
    assert _published(para) == before


def test_twice_as_many_rows_as_the_previous_load_is_rejected(para, tmp_path):
    run_source("brazil_population", settings=para)
    # Edit: the data lines twice, the copy ten years earlier (keys stay unique, header unchanged).
    lines = _lines(para)
    bad = _write(tmp_path / "population_double.csv", [*lines, *_shift_years(lines, -10)])
    before = _published(para)
    with pytest.raises(DataQualityError) as err:
        run_source("brazil_population", path=bad, settings=para)
    message = str(err.value)
    assert "row_count_change" in message and f"previous load: {PARA_POPULATION_ROWS} rows" in message
    assert str(bad) in message
    assert _published(para) == before
    # An operator who checked the file by hand can accept the change for one load.
    accepted = run_source("brazil_population", path=bad, settings=para, accept_row_change=True)
    assert accepted["rows_published"] == 2 * PARA_POPULATION_ROWS


def test_a_file_older_than_what_is_published_fails_freshness(para, tmp_path):
    run_source("brazil_population", settings=para)
    # Edit: the 2021 estimates removed (an older edition of the file).
    bad = _write(tmp_path / "population_without_2021.csv", [ln for ln in _lines(para) if ",2021," not in ln])
    before = _published(para)
    with pytest.raises(DataQualityError) as err:
        run_source("brazil_population", path=bad, settings=para)
    assert "freshness" in str(err.value) and "period (as year)" in str(err.value)
    assert _published(para) == before


def test_gate_failure_writes_report_quarantine_and_operator_mail(para, tmp_path):
    # Edit: the first data row moves to Brasília (a real municipality, not in the Pará warehouse).
    lines = _lines(para)
    _, year, population = lines[1].rstrip("\n").split(",")
    bad = _write(
        tmp_path / "population_elsewhere.csv", [lines[0], f"5300108,{year},{population}\n", *lines[2:]]
    )
    with pytest.raises(DataQualityError) as err:
        run_source("brazil_population", path=bad, settings=para)
    assert "BRA.5300108" in str(err.value) and "area_id" in str(err.value)
    assert err.value.quarantine_path.is_file()
    run_id = err.value.quarantine_path.stem
    page = para.gx_dir / "validations" / "brazil_population" / f"{run_id}.html"
    assert "rejected" in page.read_text(encoding="utf-8") and (para.gx_dir / "index.html").is_file()
    mails = [
        email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in para.outbox_dir.glob("*.eml")
    ]
    subjects = [m["Subject"] for m in mails]
    assert subjects == ["[sdg87] ingest brazil_population failed: data-quality gate"]
    assert mails[0]["To"].endswith(f"<{para.operator_email}>")
    assert str(bad) in mails[0].get_body(("plain",)).get_content()


def test_invalid_polygon_names_file_and_feature(para, tmp_path):
    # Edit: a copy of the boundary folder where one municipality's polygon collapses to a line.
    folder = tmp_path / "boundaries"
    folder.mkdir()
    src = para.data_dir / "brazil/boundaries/geojs-15-mun.json"
    text = src.read_text(encoding="utf-8")
    start = text.index('"coordinates"')
    end = text.index("}", start)
    first_id = text[text.index('"id"', 0) :].split('"')[3]
    text = text[:start] + '"coordinates":[[[-48.0,-1.0],[-47.0,-1.0],[-48.0,-1.0]]]' + text[end:]
    (folder / src.name).write_text(text, encoding="utf-8")
    data = tmp_path / "data_bad_polygon"
    slice_sample(SAMPLE_DATA, data, ["PA"])
    (data / "brazil/boundaries" / src.name).write_text(text, encoding="utf-8")
    before = _published(para)
    with pytest.raises(SourceFormatError) as err:
        run_source("brazil_areas", path=data, settings=para)
    assert err.value.rule == "invalid polygon" and src.name in str(err.value)
    assert first_id in str(err.value)
    assert _published(para) == before


KILL_DURING_PUBLISH = """
import os, signal, sys
import pipelines.ingest.runner as runner

real = runner.publish_observations

def publish_then_die(conn, staged, run_id):
    real(conn, staged, run_id)  # every row is written inside the open transaction ...
    os.kill(os.getpid(), signal.SIGKILL)  # ... and the process dies before the commit

runner.publish_observations = publish_then_die
runner.run_source(sys.argv[1])
"""


def test_a_load_killed_during_publish_leaves_no_partial_publish(para, tmp_path):
    script = tmp_path / "kill_during_publish.py"
    script.write_text(KILL_DURING_PUBLISH, encoding="utf-8")
    env = dict(os.environ)
    env.update(
        SDG87_HOME=str(para.home), SDG87_DATA_DIR=str(para.data_dir), SDG87_WAREHOUSE_URL=para.warehouse_url
    )
    before = _published(para)
    proc = subprocess.run(
        [sys.executable, str(script), "brazil_population"],
        env=env,
        cwd=Path(__file__).parents[2],
        check=False,
    )
    assert proc.returncode == -9
    assert _published(para) == before
    result = run_source("brazil_population", settings=para)  # the next run publishes normally
    assert result["status"] == "published" and result["rows_published"] == PARA_POPULATION_ROWS
