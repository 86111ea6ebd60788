"""What a run left behind, read back from the warehouse, MLflow and the outbox (never from task returns).

``collect_summary(settings)`` returns a plain dict; ``print_summary`` prints it for people.
"""

from __future__ import annotations

from typing import Any

from pipelines.fingerprints import STAGES_WITH_FINGERPRINT, load_recorded
from pipelines.settings import Settings
from pipelines.sql_files import query
from pipelines.warehouse.engine import warehouse_engine
from pipelines.world.registry import MODEL_NAME as WORLD_MODEL_NAME


def _champion(settings: Settings, model_name: str) -> dict[str, Any] | None:
    import mlflow
    from mlflow.exceptions import MlflowException

    # Registry URI explicit: mlflow.set_registry_uri() elsewhere in the process must not redirect us.
    uri = settings.mlflow_tracking_uri
    client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
    try:
        mv = client.get_model_version_by_alias(model_name, "champion")
    except MlflowException:
        return None
    run = client.get_run(mv.run_id)
    return {
        "version": mv.version,
        "run_id": mv.run_id,
        "family": run.data.tags.get("model_family", "lightgbm"),
        "metrics": dict(run.data.metrics),
    }


def collect_summary(settings: Settings) -> dict[str, Any]:
    """Loads, latest scoring cycle, deliveries and the champion model of the Brazil study area."""
    with warehouse_engine(settings) as engine:
        with engine.connect() as conn:
            loads = [dict(r._mapping) for r in conn.execute(query("summary_latest_loads"))]
            held = {r.source: int(r.rows_published) for r in conn.execute(query("summary_published_rows"))}
            cycle = conn.execute(
                query("summary_latest_score_cycle"), {"model_name": settings.brazil_model_name}
            ).first()
            classes: dict[str, int] = {}
            if cycle is not None:
                params = {
                    "model_name": settings.brazil_model_name,
                    "model_version": cycle.model_version,
                    "period": cycle.period,
                    "horizon": cycle.horizon,
                }
                classes = {
                    r.risk_class: int(r.areas) for r in conn.execute(query("summary_scores_by_class"), params)
                }
            deliveries = [dict(r._mapping) for r in conn.execute(query("summary_deliveries"))]
            world = [
                dict(r._mapping)
                for r in conn.execute(query("summary_world_estimates"), {"model_name": WORLD_MODEL_NAME})
            ]
    eml = sorted(settings.outbox_dir.glob("*.eml")) if settings.outbox_dir.exists() else []
    return {
        "loads": loads,
        "rows_held": held,
        "score_cycle": dict(cycle._mapping) if cycle is not None else None,
        "scores_by_class": classes,
        "deliveries": deliveries,
        "outbox": str(settings.outbox_dir),
        "outbox_files": len(eml),
        "champion": _champion(settings, settings.brazil_model_name),
        "world_champion": _champion(settings, WORLD_MODEL_NAME),
        "world_estimates": world,
        "stages": load_recorded(settings),
    }


def print_summary(settings: Settings, elapsed_seconds: float | None = None) -> None:
    s = collect_summary(settings)
    out = print
    out("")
    out("sdg87 summary" + (f" — pipeline took {elapsed_seconds:.0f} s" if elapsed_seconds else ""))
    out("Ingest (newest load per source; rows held = rows published by all loads):")
    for load in s["loads"]:
        gate = {True: "passed", False: "FAILED", None: "not run"}[load["validation_success"]]
        out(
            f"  {load['source']:<24} {load['status']:<10} gate {gate:<8} "
            f"rows held {s['rows_held'].get(load['source'], 0):>8,}"
        )
    if s["stages"]:
        out("Stages (skipped = inputs unchanged since the recorded run; `sdg87 run --force` redoes):")
        order = list(STAGES_WITH_FINGERPRINT)
        for stage, rec in sorted(
            s["stages"].items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99
        ):
            out(
                f"  {stage:<24} {rec['outcome']:<10} fingerprint {rec['fingerprint'][:12]} "
                f"recorded {rec['recorded_at'][:19]} ({rec['seconds']:.0f} s)"
            )
    champ = s["champion"]
    if champ:
        m, fam = champ["metrics"], champ["family"]
        out(
            f"Model: {settings.brazil_model_name} champion = version {champ['version']} ({fam}, "
            f"MLflow run {champ['run_id']})"
        )
        if "aupr" in m:
            extra = ", ".join(
                f"{label} {m[key]:.3f}"
                for label, key in (
                    ("AUROC", "h1_auroc"),
                    ("precision@100", "h1_p_at_100"),
                )
                if key in m
            )
            out(
                f"  backtest (horizon 1, mean over the gate years): AUPR {m['aupr']:.3f} vs "
                f"{m.get('best_baseline_aupr', float('nan')):.3f} for the strongest alternative; {extra}"
            )
    else:
        out(f"Model: no champion registered for {settings.brazil_model_name}")
    wchamp, world = s["world_champion"], s["world_estimates"]
    if wchamp:
        m = wchamp["metrics"]
        out(
            f"World model: {WORLD_MODEL_NAME} champion = version {wchamp['version']} (MLflow run {wchamp['run_id']})"
        )
        if "model_mae" in m and "baseline_mae" in m:
            out(
                f"  leave one country out: mean abs. error {m['model_mae']:.2f} pp vs "
                f"{m['baseline_mae']:.2f} for the regional mean"
            )
    if world:
        types = ", ".join(f"{r['intervention_type']} {r['countries']}" for r in world)
        out(
            f"World estimates for {str(world[0]['period'])[:4]}: {sum(r['countries'] for r in world)} countries: {types}"
        )
    cycle = s["score_cycle"]
    if cycle:
        by = ", ".join(f"{c} {s['scores_by_class'].get(c, 0):,}" for c in ("high", "medium", "low"))
        out(
            f"Scores: {cycle['areas']:,} areas for {str(cycle['period'])[:4]} (horizon {cycle['horizon']}, "
            f"model version {cycle['model_version']}): {by}"
        )
    else:
        out("Scores: none")
    sent = [d for d in s["deliveries"] if d["status"] == "sent"]
    where = (
        f"{s['outbox_files']} .eml file(s) in {s['outbox']}"
        if settings.smtp_host is None
        else f"via the relay {settings.smtp_host}"
    )
    out(
        "E-mails: "
        + (", ".join(f"{d['messages']} {d['kind']} sent" for d in sent) or "none sent")
        + f"; {where}"
    )
    out("Look around:")
    out("  make airflow-ui   # Airflow UI on http://127.0.0.1:8080 with these DAG runs")
    out("  make mlflow-ui    # MLflow UI on http://127.0.0.1:5000 with the runs and registered model")
    out("  uv run sdg87 lineage   # every load, its checksum and gate result")
