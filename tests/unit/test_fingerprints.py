"""Stage fingerprints on a real SQLite warehouse: what makes a stage skip, what makes it run again."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from pipelines.fingerprints import (
    FILE_NAME,
    StageFingerprints,
    code_version,
    expand_force,
    load_recorded,
)
from pipelines.orchestrate import STAGES

AS_OF = date(2025, 6, 30)
_clock = [datetime(2025, 1, 1, tzinfo=UTC)]


def _load(engine, source: str, status: str, sha: str = "a" * 64) -> str:
    run_id = str(uuid.uuid4())
    _clock[0] += timedelta(minutes=1)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ingest_run (run_id, source, dataset, file_path, file_sha256, rows_in, "
                "rows_published, status, started_at, finished_at) VALUES (:r, :s, :s, '/x', :sha, 1, :p, "
                ":st, :t, :t)"
            ),
            {
                "r": run_id,
                "s": source,
                "sha": sha,
                "p": 1 if status == "published" else 0,
                "st": status,
                "t": _clock[0],
            },
        )
    return run_id


def _recorded_features(settings, force=None, as_of=AS_OF) -> StageFingerprints:
    stages = StageFingerprints(settings, as_of, force)
    stages.record("build_features", seconds=3.0)
    return StageFingerprints(settings, as_of, force)


def test_unchanged_inputs_skip_and_an_unchanged_reload_does_not_count(settings, engine):
    _load(engine, "brazil_population", "published")
    assert not StageFingerprints(settings, AS_OF).unchanged("build_features")  # never recorded: runs
    stages = _recorded_features(settings)
    assert stages.unchanged("build_features")
    _load(engine, "brazil_population", "unchanged")
    _load(engine, "brazil_population", "rejected", sha="b" * 64)
    assert StageFingerprints(settings, AS_OF).unchanged("build_features")
    stages.mark_skipped("build_features")
    assert load_recorded(settings)["build_features"]["outcome"] == "skipped"


def test_a_new_published_load_a_new_as_of_date_or_force_runs_the_stage(settings, engine):
    _load(engine, "brazil_population", "published")
    _recorded_features(settings)
    assert not StageFingerprints(settings, date(2025, 7, 1)).unchanged("build_features")
    assert not StageFingerprints(settings, AS_OF, {"build_features"}).unchanged("build_features")
    assert not StageFingerprints(settings, AS_OF, {"all"}).unchanged("build_features")
    _load(engine, "brazil_population", "published", sha="c" * 64)
    assert not StageFingerprints(settings, AS_OF).unchanged("build_features")


def test_another_family_or_another_setting_leaves_features_alone_or_reruns_them(
    settings, engine, monkeypatch
):
    _load(engine, "brazil_population", "published")
    _recorded_features(settings)
    _load(engine, "world_sdg871", "published")
    assert StageFingerprints(settings, AS_OF).unchanged("build_features")
    changed = settings.model_copy(update={"mail_from": "other <o@example.org>"})
    assert not StageFingerprints(changed, AS_OF).unchanged("build_features")


def test_an_upstream_fingerprint_change_reruns_the_reader(settings, engine):
    _load(engine, "brazil_population", "published")
    stages = StageFingerprints(settings, AS_OF)
    stages.record("build_features", 1.0)
    stages.record("score_areas", 1.0)  # no champion in a fresh MLflow store: recorded as None
    assert StageFingerprints(settings, AS_OF).unchanged("score_areas")
    _load(engine, "brazil_population", "published", sha="d" * 64)
    stages = StageFingerprints(settings, AS_OF)
    stages.record("build_features", 1.0)
    assert not stages.unchanged("score_areas")


def test_ingest_has_no_fingerprint_and_always_runs(settings):
    assert not StageFingerprints(settings, AS_OF).unchanged("ingest_brazil")


def test_code_version_changes_with_any_code_file(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "m.py").write_text("A = 1\n")
    before = code_version(tmp_path)
    (tmp_path / "models" / "m.py").write_text("A = 2\n")
    assert code_version(tmp_path) != before
    assert len(before) == 64


def test_force_names_expand_to_dag_ids_and_an_unknown_name_is_an_error():
    assert expand_force(["train"], STAGES) == {"train_models", "world_estimates"}
    assert expand_force(["score_areas", "all"], STAGES) == {"score_areas", "all"}
    with pytest.raises(ValueError, match="'nope'.*known: all, ingest"):
        expand_force(["nope"], STAGES)


def test_a_corrupt_record_file_is_an_error_naming_it(settings):
    (settings.home / FILE_NAME).write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=FILE_NAME):
        StageFingerprints(settings, AS_OF)
