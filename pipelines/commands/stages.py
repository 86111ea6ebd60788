"""``sdg87 run`` and one command per stage; each runs that stage's Airflow DAG(s).

``sdg87 ingest`` also loads a single source directly (``sdg87 ingest brazil_population --path FILE``), which
is what a data engineer uses to try a new file before scheduling it.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, date, datetime

from pipelines.orchestrate import PIPELINE, STAGES, AirflowSession, ensure_airflow_db
from pipelines.settings import get_settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="run the whole pipeline once (ingest → features → train → score → alerts)")
    _as_of_option(p)
    _force_option(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("ingest", help="run the ingest DAGs, or load one source directly")
    p.add_argument(
        "target",
        nargs="?",
        default="all",
        help="'all' (default), a family ('brazil', 'world') or one source name (see `sdg87 sources`)",
    )
    p.add_argument("--path", help="load this file instead of the shipped one (single source only)")
    p.add_argument(
        "--accept-row-change", action="store_true", help="accept a row count far from the previous load"
    )
    p.add_argument(
        "--allow-shrink",
        action="store_true",
        help="accept a file with more than 20%% fewer rows than the partition it replaces",
    )
    p.add_argument(
        "--accept-boundary-change",
        action="store_true",
        help="accept boundaries that moved or changed size against the published version",
    )
    p.set_defaults(func=cmd_ingest)

    for stage, help_text in [
        ("features", "build the feature table (DAG build_features)"),
        ("train", "train, evaluate and register the models; promote if better (DAG train_models)"),
        ("score", "score every area with the champion model (DAG score_areas)"),
        ("alerts", "send alert e-mails for high-risk areas (DAG send_alerts)"),
    ]:
        p = sub.add_parser(stage, help=help_text)
        _as_of_option(p)
        _force_option(p)
        p.set_defaults(func=cmd_stage, stage=stage)

    p = sub.add_parser("migrate", help="create or upgrade the warehouse schema")
    p.set_defaults(func=cmd_migrate)


def _as_of_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        metavar="DATE",
        help="the reference date (YYYY-MM-DD) every task uses: what was known then (default: today, UTC)",
    )


def _force_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--force",
        nargs="?",
        const="all",
        default=None,
        metavar="STAGES",
        help="redo stages whose inputs did not change: alone, every stage; or a comma list of stages "
        "(features, train, score, alerts) or DAG ids (e.g. world_estimates)",
    )


def _forced(args: argparse.Namespace) -> set[str]:
    from pipelines.fingerprints import expand_force

    value = getattr(args, "force", None)
    if value is None:
        return set()
    try:
        return expand_force([v.strip() for v in value.split(",") if v.strip()], STAGES)
    except ValueError as exc:
        raise SystemExit(str(exc)) from exc


def _as_of(args: argparse.Namespace) -> date:
    """The run's as-of date, read from the clock here once when not given: the one edge that may."""
    return getattr(args, "as_of", None) or datetime.now(UTC).date()


def _prepare():
    from pipelines.warehouse.engine import migrate

    settings = get_settings()
    settings.ensure_dirs()
    migrate(settings.warehouse_url)
    ensure_airflow_db(settings)
    return settings


def run_stages(dag_ids: list[str], settings, as_of: date, force: set[str] | None = None) -> None:
    """Run each DAG in order; a stage whose fingerprint is unchanged is skipped (``pipelines/fingerprints.py``)."""
    from pipelines.fingerprints import StageFingerprints

    stages = StageFingerprints(settings, as_of, force)
    with AirflowSession(settings) as airflow:  # one Airflow process, started by the first DAG that runs
        for dag_id in dag_ids:
            print(f"  {dag_id:<16} ...", end="", flush=True)
            if stages.unchanged(dag_id):
                stages.mark_skipped(dag_id)
                print(" skipped (inputs unchanged; --force redoes it)", flush=True)
                continue
            result = airflow.run_dag(dag_id, as_of=as_of)
            stages.record(dag_id, result.seconds)
            print(f" ok ({result.seconds:.0f} s)", flush=True)


def cmd_run(args: argparse.Namespace) -> int:
    from pipelines.summary import print_summary

    start = time.perf_counter()
    force = _forced(args)
    # The demo: the shipped example subscriptions are seeded before the alert run (never in a deployment).
    settings = _prepare().model_copy(update={"seed_examples": True})
    as_of = _as_of(args)
    print(f"sdg87: running the whole pipeline as of {as_of} (state in {settings.home})")
    run_stages(PIPELINE, settings, as_of, force)
    print_summary(settings, elapsed_seconds=time.perf_counter() - start)
    return 0


def cmd_stage(args: argparse.Namespace) -> int:
    force = _forced(args)
    settings = _prepare()
    run_stages(STAGES[args.stage], settings, _as_of(args), force)
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from pipelines.ingest import SOURCE_FAMILIES, run_source

    target = args.target
    if target == "all" or target in SOURCE_FAMILIES:
        if args.path:
            raise SystemExit("--path loads one source: name a source, not a family")
        settings = _prepare()
        run_stages([f"ingest_{target}"] if target != "all" else STAGES["ingest"], settings, _as_of(args))
        return 0
    known = {s for names in SOURCE_FAMILIES.values() for s in names}
    if target not in known:
        raise SystemExit(
            f"unknown source {target!r}; known: all, {', '.join(SOURCE_FAMILIES)}, {', '.join(sorted(known))}"
        )
    from pipelines.warehouse.engine import migrate

    settings = get_settings()
    settings.ensure_dirs()
    migrate(settings.warehouse_url)
    result = run_source(
        target,
        path=args.path,
        settings=settings,
        accept_row_change=args.accept_row_change,
        allow_shrink=args.allow_shrink,
        accept_boundary_change=args.accept_boundary_change,
    )
    print(
        f"{result['source']}: {result['status']} — {result['rows_published']} of {result['rows_in']} rows "
        f"published (run {result['run_id']})"
    )
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from pipelines.warehouse.engine import migrate

    settings = get_settings()
    settings.ensure_dirs()
    migrate(settings.warehouse_url)
    print(f"warehouse at {settings.warehouse_url} is at the newest schema")
    return 0
