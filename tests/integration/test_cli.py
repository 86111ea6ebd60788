"""The ``sdg87`` command: help, sources, lineage on both backends, and clear errors for bad arguments."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from pipelines.cli import main
from pipelines.warehouse.engine import make_engine
from pipelines.warehouse.schema import IngestRun


def test_help_lists_every_stage(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("run", "ingest", "features", "train", "score", "alerts", "lineage", "summary"):
        assert f"    {command}" in out


def test_sources_lists_both_families(capsys, sdg87_env):
    assert main(["sources"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("brazil: brazil_areas") and "\nworld: world_areas" in out


def test_lineage_lists_loads_and_filters_by_source(backend_settings, capsys):
    engine = make_engine(backend_settings.warehouse_url)
    now = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    with engine.begin() as conn:
        for source, status, ok in [
            ("brazil_population", "published", True),
            ("world_ilab", "rejected", False),
        ]:
            conn.execute(
                IngestRun.__table__.insert(),
                {
                    "run_id": str(uuid.uuid4()), "source": source, "dataset": source, "file_path": "x.csv",
                    "file_sha256": "ab" * 32, "rows_in": 10, "rows_published": 10 if ok else 0,
                    "status": status, "validation_success": ok, "validation_summary": "{}",
                    "started_at": now, "finished_at": now,
                },
            )  # fmt: skip
    engine.dispose()
    assert main(["lineage"]) == 0
    out = capsys.readouterr().out
    assert "brazil_population" in out and "world_ilab" in out and "FAIL" in out
    assert main(["lineage", "--source", "world_ilab"]) == 0
    out = capsys.readouterr().out
    assert "world_ilab" in out and "brazil_population" not in out


def test_ingest_of_an_unknown_source_names_the_known_ones(sdg87_env):
    with pytest.raises(SystemExit, match="unknown source 'nope'.*brazil_areas"):
        main(["ingest", "nope"])


def test_a_failing_command_prints_one_line_and_returns_1(sdg87_env, monkeypatch, capsys):
    monkeypatch.setenv("SDG87_RISK_MEDIUM", "0.5")
    monkeypatch.setenv("SDG87_RISK_HIGH", "0.2")  # invalid: medium above high
    assert main(["migrate"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("sdg87 migrate: ValidationError") and "SDG87_RISK_MEDIUM" in err


def test_lineage_of_an_unknown_source_fails_naming_the_known_ones(sdg87_env, capsys):
    assert main(["lineage", "--source", "nonexistent"]) == 2
    err = capsys.readouterr().err
    assert "unknown source 'nonexistent'" in err and "brazil_areas" in err and "world_ilab" in err


def test_summary_counts_the_rows_a_source_holds_once(backend_settings):
    from pipelines.summary import collect_summary
    from pipelines.warehouse.schema import Area, Indicator, Observation

    engine = make_engine(backend_settings.warehouse_url)
    now = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            Area.__table__.insert(), {"area_id": "BRA", "level": "0", "name": "Brasil", "study": "brazil"}
        )
        conn.execute(
            Indicator.__table__.insert(),
            {
                "indicator_code": "population",
                "name": "population",
                "unit": "people",
                "source": "brazil_population",
            },
        )
        for i in range(2):  # the same 3 rows published twice (the second load replaced the first's)
            conn.execute(
                IngestRun.__table__.insert(),
                {"run_id": str(uuid.uuid4()), "source": "brazil_population", "dataset": "population",
                 "file_path": f"copy{i}.csv", "file_sha256": f"{i}" * 64, "rows_in": 3, "rows_published": 3,
                 "status": "published", "validation_success": True, "validation_summary": "{}",
                 "started_at": now.replace(hour=10 + i), "finished_at": now.replace(hour=10 + i)},
            )  # fmt: skip
        conn.execute(
            Observation.__table__.insert(),
            [{"area_id": "BRA", "period": date(y, 1, 1), "indicator_code": "population", "source": "brazil_population",
              "vintage": date(2024, 1, 1), "value": 1.0} for y in (2020, 2021, 2022)],
        )  # fmt: skip
    engine.dispose()
    assert collect_summary(backend_settings)["rows_held"] == {"brazil_population": 3}


def test_help_shows_defaults(capsys):
    with pytest.raises(SystemExit):
        main(["lineage", "--help"])
    assert "(default: 50)" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["subscriptions", "add", "--help"])
    out = capsys.readouterr().out
    assert "(default: high)" in out and "(default: immediate)" in out and "(default: en)" in out


def test_a_closed_pipe_is_a_quiet_exit():
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "sources"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    proc.stdout.close()  # like `sdg87 report | head` once head has read enough
    err = proc.stderr.read().decode()
    assert proc.wait() == 141 and err == ""
