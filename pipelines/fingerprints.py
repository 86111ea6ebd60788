"""Stage fingerprints: what a stage of ``sdg87 run`` read, so an unchanged stage can be skipped.

A fingerprint is the SHA-256 of a JSON document of the stage's inputs (:func:`stage_inputs`):

- ``code``: SHA-256 over every code file of the project (``features/``, ``models/``, ``alerts/``,
  ``pipelines/``, ``dags/``, ``sql/``; ``.py``, ``.sql``, ``.toml``), so any code change redoes every stage;
- ``settings``: SHA-256 of the settings (secrets left out — a changed key still changes the digest through
  its own SHA-256, never its value);
- ``as_of``: the run's as-of date (ISO, UTC);
- the stage's own inputs: lineage ids (``ingest_run.run_id`` and ``file_sha256`` of the newest *published*
  load per source — an ``unchanged`` reload adds a row but publishes nothing, so it does not count), the
  fingerprints of the stages it reads from, the champion model version it scores with, the subscriptions
  and delivery log it alerts from.

Recorded in ``$SDG87_HOME/fingerprints.json`` (``{stage: {"fingerprint", "inputs", "recorded_at",
"outcome", "seconds"}}``) after a stage succeeds, computed at that moment: a stage's inputs are read
after it ran, so what it creates that a later run reads (the champion it registers, the deliveries it
logs) is part of the recorded state. The file is written whole (temp file + rename), never half.

Stages: :data:`STAGES_WITH_FINGERPRINT`; ingest has none (each load already records ``unchanged``).
The alert stage is never skipped while a delivery is ``pending`` or ``failed``: a retry is owed.
Decision and limits: ``docs/adr/0053-stage-fingerprints.md``.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from pipelines.settings import PROJECT_ROOT, Settings

CODE_DIRS = ("features", "models", "alerts", "pipelines", "dags", "sql")
CODE_SUFFIXES = (".py", ".sql", ".toml")
SECRET_FIELDS = ("secret_key", "smtp_password")
FILE_NAME = "fingerprints.json"

# stage -> the stages whose fingerprint it reads, in run order
STAGES_WITH_FINGERPRINT: dict[str, tuple[str, ...]] = {
    "build_features": (),
    "train_models": ("build_features",),
    "world_estimates": (),
    "score_areas": ("build_features",),
    "send_alerts": ("score_areas", "world_estimates"),
}
# stage -> the source family whose published loads it reads
READS_FAMILY = {"build_features": "brazil", "world_estimates": "world"}


def code_version(root: Path = PROJECT_ROOT) -> str:
    """SHA-256 (hex) over the relative path and bytes of every code file under :data:`CODE_DIRS`."""
    digest = hashlib.sha256()
    for folder in CODE_DIRS:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in CODE_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def settings_digest(settings: Settings) -> str:
    """SHA-256 (hex) of every setting; secrets enter only as their own SHA-256."""
    values = settings.model_dump(mode="json")
    for name in SECRET_FIELDS:
        if values.get(name) is not None:
            values[name] = hashlib.sha256(str(values[name]).encode()).hexdigest()
    return _digest(values)


def _digest(document: Any) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()


def published_lineage(conn: Connection, sources: list[str]) -> dict[str, list[str] | None]:
    """``{source: [run_id, file_sha256]}`` of the newest published load of each source (None: never)."""
    rows = conn.execute(
        text(
            "SELECT source, run_id, file_sha256, started_at FROM ingest_run WHERE status = 'published' "
            "ORDER BY started_at, run_id"
        )
    )
    newest: dict[str, list[str] | None] = dict.fromkeys(sources)
    for row in rows:
        if row.source in newest:
            newest[row.source] = [row.run_id, row.file_sha256]
    return newest


def _table_digest(conn: Connection, sql: str) -> str:
    return _digest([list(r) for r in conn.execute(text(sql))])


def delivery_owed(conn: Connection) -> bool:
    """True when a delivery is ``pending`` or ``failed``: the alert stage must run to retry it."""
    return bool(
        conn.execute(text("SELECT COUNT(*) FROM delivery WHERE status IN ('pending', 'failed')")).scalar()
    )


def _champion_version(settings: Settings, model_name: str) -> str | None:
    import mlflow
    from mlflow.exceptions import MlflowException

    uri = settings.mlflow_tracking_uri
    client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
    try:
        return str(client.get_model_version_by_alias(model_name, "champion").version)
    except MlflowException:
        return None


def stage_inputs(
    stage: str, settings: Settings, conn: Connection, as_of: date, recorded: dict[str, dict], code: str
) -> dict[str, Any]:
    """The JSON document a stage's fingerprint is the digest of (keys in the module docstring)."""
    from pipelines.ingest import SOURCE_FAMILIES
    from pipelines.world.registry import MODEL_NAME as WORLD_MODEL_NAME

    inputs: dict[str, Any] = {
        "stage": stage,
        "code": code,
        "settings": settings_digest(settings),
        "as_of": as_of.isoformat(),
    }
    if stage in READS_FAMILY:
        inputs["lineage"] = published_lineage(conn, SOURCE_FAMILIES[READS_FAMILY[stage]])
    inputs["upstream"] = {
        up: recorded.get(up, {}).get("fingerprint") for up in STAGES_WITH_FINGERPRINT[stage]
    }
    if stage in ("train_models", "score_areas"):
        inputs["champion"] = _champion_version(settings, settings.brazil_model_name)
    if stage == "world_estimates":
        inputs["champion"] = _champion_version(settings, WORLD_MODEL_NAME)
    if stage == "send_alerts":
        inputs["subscriptions"] = _table_digest(conn, "SELECT * FROM subscription ORDER BY 1")
        inputs["deliveries"] = _table_digest(
            conn, "SELECT status, COUNT(*) FROM delivery GROUP BY status ORDER BY status"
        )
        inputs["feedback"] = _table_digest(conn, "SELECT COUNT(*) FROM feedback")
    return inputs


def fingerprint(inputs: dict[str, Any]) -> str:
    """SHA-256 (hex) of a stage's inputs document."""
    return _digest(inputs)


def load_recorded(settings: Settings) -> dict[str, dict]:
    """The recorded fingerprints, ``{}`` when none were recorded yet."""
    path = settings.home / FILE_NAME
    if not path.exists():
        return {}
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc}); delete it to redo every stage") from exc
    if not isinstance(recorded, dict):
        raise ValueError(f"{path}: expected an object of stage records, got {type(recorded).__name__}")
    return recorded


def save_recorded(settings: Settings, recorded: dict[str, dict]) -> None:
    """Write the records whole: a temp file renamed over the old one."""
    path = settings.home / FILE_NAME
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(recorded, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


class StageFingerprints:
    """Decide per stage whether to skip, and record what each stage read after it ran.

    ``force``: the stage names (DAG ids or ``sdg87`` stage names via :func:`expand_force`) to redo even
    when unchanged; ``{"all"}`` redoes every stage.
    """

    def __init__(self, settings: Settings, as_of: date, force: set[str] | None = None) -> None:
        self.settings = settings
        self.as_of = as_of
        self.force = force or set()
        self.recorded = load_recorded(settings)
        self.code = code_version()

    def _inputs(self, stage: str) -> dict[str, Any]:
        from pipelines.warehouse.engine import make_engine

        engine = make_engine(self.settings.warehouse_url)
        try:
            with engine.connect() as conn:
                inputs = stage_inputs(stage, self.settings, conn, self.as_of, self.recorded, self.code)
                inputs_owed = stage == "send_alerts" and delivery_owed(conn)
        finally:
            engine.dispose()
        return {"inputs": inputs, "owed": inputs_owed}

    def unchanged(self, stage: str) -> bool:
        """True when ``stage`` has a fingerprint, is not forced, and its inputs match the recorded ones."""
        if stage not in STAGES_WITH_FINGERPRINT or "all" in self.force or stage in self.force:
            return False
        previous = self.recorded.get(stage)
        if previous is None:
            return False
        now = self._inputs(stage)
        return not now["owed"] and fingerprint(now["inputs"]) == previous["fingerprint"]

    def mark_skipped(self, stage: str) -> None:
        self.recorded[stage]["outcome"] = "skipped"
        self.recorded[stage]["checked_at"] = datetime.now(UTC).isoformat()
        save_recorded(self.settings, self.recorded)

    def record(self, stage: str, seconds: float) -> None:
        """Store the stage's inputs as read now, after it succeeded."""
        if stage not in STAGES_WITH_FINGERPRINT:
            return
        inputs = self._inputs(stage)["inputs"]
        now = datetime.now(UTC).isoformat()
        self.recorded[stage] = {
            "fingerprint": fingerprint(inputs),
            "inputs": inputs,
            "recorded_at": now,
            "checked_at": now,
            "outcome": "ran",
            "seconds": round(seconds, 1),
        }
        save_recorded(self.settings, self.recorded)


def expand_force(names: list[str], stages: dict[str, list[str]]) -> set[str]:
    """``--force`` values to DAG ids: ``all``, an ``sdg87`` stage (``train`` → both its DAGs) or a DAG id.

    An unknown name is an error naming it and the known ones."""
    known = {dag for dags in stages.values() for dag in dags}
    out: set[str] = set()
    for name in names:
        if name == "all":
            out.add("all")
        elif name in stages:
            out.update(stages[name])
        elif name in known:
            out.add(name)
        else:
            raise ValueError(
                f"--force {name!r}: unknown stage; known: all, {', '.join(stages)}, {', '.join(sorted(known))}"
            )
    return out
