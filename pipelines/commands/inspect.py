"""Commands that look at state: ``sdg87 summary``, ``sdg87 lineage``, ``sdg87 sources``, ``sdg87 ui``."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys

from pipelines.settings import get_settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("summary", help="what the last run left: loads, model, scores, e-mails")
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("lineage", help="list loads: source, file checksum, rows, gate result, time")
    p.add_argument("--source", help="only this source (`sdg87 sources` lists them; default: every source)")
    p.add_argument("--limit", type=int, default=50, help="newest loads shown")
    p.set_defaults(func=cmd_lineage)

    p = sub.add_parser("areas", help="list the area ids a subscription scope may name, and their feed")
    p.add_argument("--search", metavar="TEXT", help="only ids or names containing TEXT (any case)")
    p.add_argument(
        "--level",
        choices=["region", "0", "1", "2"],
        help="region (UN SDG region), 0 country, 1 state, 2 municipality",
    )
    p.set_defaults(func=cmd_areas)

    p = sub.add_parser("sources", help="list the ingest sources by family")
    p.set_defaults(func=cmd_sources)

    p = sub.add_parser("ui", help="start the Airflow or MLflow UI on this state (Ctrl-C stops it)")
    p.add_argument("which", choices=["airflow", "mlflow"])
    p.add_argument("--port", type=int, help="port on 127.0.0.1 (default: 8080 for airflow, 5000 for mlflow)")
    p.set_defaults(func=cmd_ui)


def cmd_summary(args: argparse.Namespace) -> int:
    from pipelines.summary import print_summary

    print_summary(get_settings())
    return 0


def cmd_lineage(args: argparse.Namespace) -> int:
    from sqlalchemy import Integer, String, bindparam

    from pipelines.ingest import SOURCE_FAMILIES
    from pipelines.sql_files import query
    from pipelines.warehouse.engine import warehouse_engine

    known = sorted({s for names in SOURCE_FAMILIES.values() for s in names})
    if args.source is not None and args.source not in known:
        print(f"sdg87 lineage: unknown source {args.source!r}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    settings = get_settings()
    # Typed binds: PostgreSQL cannot infer the type of a NULL compared with IS NULL.
    stmt = query("lineage_runs").bindparams(
        bindparam("source", type_=String), bindparam("limit", type_=Integer)
    )
    with warehouse_engine(settings) as engine, engine.connect() as conn:
        rows = conn.execute(stmt, {"source": args.source, "limit": args.limit}).all()
    print(f"{'started (UTC)':<20} {'source':<24} {'status':<10} {'gate':<6} {'rows':>9}  sha256")
    for r in rows:
        gate = {True: "pass", False: "FAIL", None: "-"}[r.validation_success]
        started = str(r.started_at)[:19]
        print(
            f"{started:<20} {r.source:<24} {r.status:<10} {gate:<6} {r.rows_published:>9,}  {r.file_sha256[:12]}"
        )
    if not rows:
        print("(no loads yet: run `sdg87 ingest`)")
    return 0


def cmd_areas(args: argparse.Namespace) -> int:
    from pipelines.alerting.scopes import load_areas, search_areas
    from pipelines.warehouse.engine import make_engine, migrate

    settings = get_settings()
    migrate(settings.warehouse_url)
    engine = make_engine(settings.warehouse_url)
    try:
        with engine.connect() as conn:
            found = search_areas(load_areas(conn), args.search, args.level)
    finally:
        engine.dispose()
    if found.empty:
        print("(no area matches: run `sdg87 ingest` first, or search for less)", file=sys.stderr)
        return 1
    print(f"{'area_id':<14} {'level':<5} {'feed':<12} name")
    for row in found.itertuples():
        print(f"{row.area_id:<14} {row.level:<5} {row.feed:<12} {row.name}")
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    from pipelines.ingest import SOURCE_FAMILIES

    for family, names in SOURCE_FAMILIES.items():
        print(f"{family}: {', '.join(names)}")
    return 0


def _airflow_ui(settings, port: int) -> int:
    """Airflow's components on loopback (:mod:`pipelines.airflow_local`) until Ctrl-C."""
    import time

    from pipelines.airflow_local import LocalAirflow, wait_healthy
    from pipelines.orchestrate import PASSWORDS_FILE, ensure_airflow_db

    ensure_airflow_db(settings)
    airflow = LocalAirflow(settings, port, settings.home / "logs" / "airflow").start()
    try:
        wait_healthy(airflow)
        passwords = settings.airflow_home / PASSWORDS_FILE
        print(
            f"Airflow UI on http://127.0.0.1:{port}: log in as admin, the password is in {passwords} "
            "(owner-only). DAGs start paused: unpause them in the UI. Ctrl-C stops everything.",
            flush=True,
        )
        while not airflow.exited():
            time.sleep(1)
    except KeyboardInterrupt:
        print("stopping Airflow ...", flush=True)
    finally:
        how = airflow.stop()
    print("Airflow stopped: " + ", ".join(f"{name} {h}" for name, h in how.items()), flush=True)
    return 0


def _mlflow_ui(settings, port: int) -> int:
    """``mlflow ui`` on loopback until Ctrl-C, stopped the way :func:`_airflow_ui` stops Airflow.

    ``mlflow ui`` starts uvicorn and its workers and a job runner with a Huey consumer per job type; the
    consumers notice only later that the server is gone, and die of a KeyboardInterrupt traceback when a
    terminal's Ctrl-C reaches them. So the UI leads its own process group (one Ctrl-C reaches only this
    process) and :func:`pipelines.airflow_local.stop_groups` stops that whole group before this returns."""
    from pipelines.airflow_local import stop_groups
    from pipelines.orchestrate import _bin

    cmd = [
        _bin("mlflow"), "ui", "--backend-store-uri", settings.mlflow_tracking_uri,
        "--default-artifact-root", settings.mlflow_artifact_root,
        "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    print(f"Starting MLflow UI on http://127.0.0.1:{port} (Ctrl-C stops it)", flush=True)
    proc = subprocess.Popen(cmd, env=dict(os.environ), start_new_session=True)
    code = 0
    try:
        code = proc.wait()  # the UI stopped by itself (a busy port, say)
    except KeyboardInterrupt:
        print("stopping MLflow ...", flush=True)
    finally:
        how = stop_groups({"mlflow": proc})
    print(f"MLflow stopped: {how['mlflow']}", flush=True)
    return code


def _stop_on_signals() -> None:
    """Ctrl-C (SIGINT) and SIGTERM (``kill``, a service manager) both stop the UI and everything it
    started, whatever the process inherited: a shell's background job starts with SIGINT ignored, and
    the default SIGTERM would end this process alone and leave the components' process groups running."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, interrupt)


def cmd_ui(args: argparse.Namespace) -> int:
    settings = get_settings()
    settings.ensure_dirs()
    _stop_on_signals()
    if args.which == "airflow":
        return _airflow_ui(settings, args.port or 8080)
    return _mlflow_ui(settings, args.port or 5000)
