"""The project's own stages at the scale users grow to, each next to the raw library doing the same work.

All data here is GENERATED (seeded, made up; it is about no place): square grid cells with made-up ids
``GEN.<grid>.<n>``, a sparse employer-list-style event table (``area_id``, ``year`` = month index,
``events``, ``workers``) and a dense feature matrix with a 0/1 label. It is written to a temporary
directory named ``sdg87-generated-scale-*`` (with a ``GENERATED.txt`` label), never to ``data/`` or the
warehouse, and removed at the end.

Sizes (``--quick`` shrinks every one of them, so a test can run the script end to end):

- ViEWS scale: 13,110 cells (115 × 114 grid) × 240 months × 40 features (3,146,400 training rows).
- Global 0.5° grid: 259,200 cells (720 × 360).

Stages (the project's code, then the raw library, each in its own child process so its peak resident
set size (``VmHWM``) is its own; times are wall-clock seconds of the stage's work, data loading
excluded):

- ``features``: ``features.spatial.neighbour_pairs`` over the ViEWS grid, then
  ``features.history.history_panel`` and ``features.spatial.neighbour_event_panel`` (the panel forms of
  ``history_features`` / ``neighbour_event_features``) for every month — against ``geopandas.sjoin`` (intersects) plus the same lags with NumPy/SciPy on a dense
  cell × month matrix.
- ``features_global``: the same for the global grid and the last 12 months (36 months of history).
- ``training``: ``models.risk_model.RiskModel("lightgbm", calibrate=False, level="pooled").fit`` on the
  ViEWS matrix — against ``lightgbm.train`` on the NumPy array with the same parameters, rounds and one thread.
- ``scoring``: on the global grid, ``RiskModel.predict_proba``, ``models.risk.risk_class``,
  ``alerts.select.select_alerts`` for ``--subscriptions`` subscriptions (each scoped to a made-up
  region, a few to the whole grid), then ``RiskModel.contributions`` and ``models.drivers.top_drivers``
  only for the alerted cells — against ``Booster.predict`` on every cell plus
  ``Booster.predict(pred_contrib=True)`` (SHAP) on the same alerted cells.

Output, one line per stage: ``BENCH <stage> ratio=<stage s / raw s> goal=<goal> peak_gb=<max of both
peaks, GiB>``; goals are upper bounds on the ratio, after a line of the raw figures (``stage project_s raw_s project_gb raw_gb``).

    python benchmarks/scale.py [--quick] [--subscriptions 1000] [--repeat 1] [--stages features,training,...]
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED = 87
N_FEATURES = 40
GOALS = {"features": 2.0, "features_global": 2.0, "training": 1.3, "scoring": 2.0}
PEAK_GOAL_GB = 4.0
RISK_MEDIUM, RISK_HIGH = 0.05, 0.15
SCORING_TRAIN_ROWS = 300_000  # rows the scoring model is fitted on (not timed)
THREADS = 1  # make_classifier trains and predicts on one thread (n_jobs=1); so does the raw side
EVENT_RATE = 0.02

FULL = {"views": (115, 114), "global": (720, 360), "months": 240, "global_months": 36, "global_targets": 12,
        "cell_deg": 0.5, "region_cells": 20}  # fmt: skip
QUICK = {"views": (30, 20), "global": (60, 40), "months": 24, "global_months": 12, "global_targets": 3,
         "cell_deg": 0.5, "region_cells": 10}  # fmt: skip


# ---------------------------------------------------------------- generated data (parent process)


def grid_cells(name: str, nx: int, ny: int, deg: float, region_cells: int):
    """Square cells of ``deg`` degrees on an ``nx`` × ``ny`` grid from (-180, -90): ``area_id``,
    ``parent_id`` (a made-up region of ``region_cells``² cells), centroid lon/lat (degrees), geometry."""
    import geopandas as gpd
    import shapely

    col, row = np.meshgrid(np.arange(nx), np.arange(ny), indexing="xy")
    col, row = col.ravel(), row.ravel()
    x0, y0 = -180.0 + col * deg, -90.0 + row * deg
    region = (row // region_cells) * (nx // region_cells + 1) + col // region_cells
    return gpd.GeoDataFrame(
        {
            "area_id": [f"GEN.{name}.{i}" for i in range(len(col))],
            "parent_id": [f"GEN.{name}.region{r}" for r in region],
            "centroid_lon": x0 + deg / 2,
            "centroid_lat": y0 + deg / 2,
        },
        geometry=shapely.box(x0, y0, x0 + deg, y0 + deg),
        crs="EPSG:4326",
    )


def event_panel(area_ids: np.ndarray, months: int, rng: np.random.Generator) -> pd.DataFrame:
    """Sparse generated events: about :data:`EVENT_RATE` of cell-months, more where a cell had one."""
    risk = rng.gamma(0.5, 2.0, size=len(area_ids))
    p = np.clip(EVENT_RATE * risk, 0.0, 0.5)
    hit = rng.random((len(area_ids), months)) < p[:, None]
    cell, month = np.nonzero(hit)
    events = rng.integers(1, 4, size=len(cell)).astype("float64")
    return pd.DataFrame(
        {
            "area_id": area_ids[cell],
            "year": month.astype("int64"),
            "events": events,
            "workers": events * rng.integers(1, 30, size=len(cell)),
        }  # fmt: skip
    )


def feature_matrix(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` × :data:`N_FEATURES` float64 features and a 0/1 label (about 2 % positives) from 8 of them."""
    X = rng.standard_normal((n, N_FEATURES))
    X[:, 1] = np.floor(np.abs(X[:, 1]) * 2)  # a count-like column
    X[rng.random((n, N_FEATURES)) < 0.02] = np.nan
    margin = -4.3 + 0.8 * np.nan_to_num(X[:, 0]) + 0.5 * np.nan_to_num(X[:, 1])
    margin += 0.3 * np.nan_to_num(X[:, 2:8]).sum(axis=1) * (X[:, 0] > 0)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-margin))).astype("int64")
    return X, y


def generate(work: Path, sizes: dict) -> dict:
    """Write every generated input under ``work``; returns the sizes that describe them."""
    rng = np.random.default_rng(SEED)
    (work / "GENERATED.txt").write_text(
        "GENERATED benchmark data (benchmarks/scale.py, seed 87): made-up cells, events and features.\n"
    )
    deg, rc = sizes["cell_deg"], sizes["region_cells"]
    views = grid_cells("views", *sizes["views"], deg, rc)
    world = grid_cells("global", *sizes["global"], deg, rc)
    views.to_parquet(work / "views_cells.parquet")
    world.to_parquet(work / "global_cells.parquet")
    event_panel(views["area_id"].to_numpy(), sizes["months"], rng).to_parquet(work / "views_events.parquet")
    event_panel(world["area_id"].to_numpy(), sizes["global_months"], rng).to_parquet(
        work / "global_events.parquet"
    )
    n_train = len(views) * sizes["months"]
    X, y = feature_matrix(n_train, rng)
    np.save(work / "train_X.npy", X)
    np.save(work / "train_y.npy", y)
    del X
    Xg, _ = feature_matrix(len(world), rng)
    np.save(work / "global_X.npy", Xg)
    return {"views_cells": len(views), "global_cells": len(world), "train_rows": n_train}


def subscriptions(world: pd.DataFrame, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` generated subscriptions: every tenth to the whole grid, the rest to a random region; a
    third of them ``medium`` and up, a fifth on a weekly digest."""
    regions = np.sort(world["parent_id"].unique())
    scope = rng.choice(regions, size=n)
    scope[::10] = "GEN.global"
    return pd.DataFrame(
        {
            "subscription_id": np.arange(1, n + 1),
            "scope_area_id": scope,
            "min_class": np.where(np.arange(n) % 3 == 0, "medium", "high"),
            "cadence": np.where(np.arange(n) % 5 == 0, "weekly", "immediate"),
        }
    )


# ---------------------------------------------------------------- stages (child processes)


def _features_project(cells, events, targets: list[int]) -> object:
    from features.history import history_panel
    from features.spatial import neighbour_event_panel, neighbour_pairs

    pairs = neighbour_pairs(cells)
    ids = pd.Index(cells["area_id"], name="area_id")
    own = history_panel(events, ids, targets, 0)
    return pd.concat([own, neighbour_event_panel(pairs, events, ids, targets).drop(columns="year")], axis=1)


def _features_raw(cells, events, targets: list[int]) -> object:
    """The same lags with ``sjoin`` and array code: dense cell × month counts, cumulative sums, one sparse
    neighbour matrix product per lag."""
    import geopandas as gpd
    from scipy import sparse

    joined = gpd.sjoin(cells[["geometry"]], cells[["geometry"]], predicate="intersects")
    left = joined.index.to_numpy()
    right = joined["index_right"].to_numpy()
    keep = left != right
    n = len(cells)
    adj = sparse.csr_matrix((np.ones(keep.sum()), (left[keep], right[keep])), shape=(n, n))
    code = pd.Index(cells["area_id"]).get_indexer(events["area_id"])
    months = int(max(targets)) + 1
    ev = np.zeros((n, months))
    wk = np.zeros((n, months))
    np.add.at(ev, (code, events["year"].to_numpy()), events["events"].to_numpy())
    np.add.at(wk, (code, events["year"].to_numpy()), events["workers"].to_numpy())
    hit = (ev > 0).astype("float64")
    zero = np.zeros((n, 1))
    c_ev = np.hstack([zero, np.cumsum(ev, axis=1)])
    c_wk = np.hstack([zero, np.cumsum(wk, axis=1)])
    c_hit = np.hstack([zero, np.cumsum(hit, axis=1)])
    last = np.where(hit > 0, np.arange(months)[None, :], -1)
    last = np.hstack([np.full((n, 1), -1), np.maximum.accumulate(last, axis=1)])
    deg = np.asarray(adj.sum(axis=1)).ravel()
    out = []
    for t in targets:
        lo = max(t - 3, 0)
        ev3 = c_ev[:, t] - c_ev[:, lo]
        hit3 = (c_hit[:, t] - c_hit[:, lo] > 0).astype("float64")
        lag1 = hit[:, t - 1] if t >= 1 else np.zeros(n)
        cols = {
            "event_lag1": lag1,
            "event_lag2": hit[:, t - 2] if t >= 2 else np.zeros(n),
            "events_3y": ev3,
            "workers_3y": c_wk[:, t] - c_wk[:, lo],
            "years_since_event": np.where(last[:, t] >= 0, t - last[:, t], np.nan),
            "ever_listed": (last[:, t] >= 0).astype("float64"),
            "event_years_past": c_hit[:, t],
            "history_years": np.full(n, float(t)),
            "n_neighbours": deg,
            "nbr_event_share_1y": np.where(deg > 0, adj @ lag1 / np.maximum(deg, 1), np.nan),
            "nbr_with_event_3y": adj @ hit3,
            "nbr_events_3y": adj @ ev3,
        }
        out.append(cols)
    index = pd.Index(cells["area_id"], name="area_id")[np.tile(np.arange(n), len(targets))]
    data = {"year": np.repeat(np.asarray(targets, dtype="int64"), n)}
    data.update({name: np.concatenate([o[name] for o in out]) for name in out[0]})
    return pd.DataFrame(data, index=index, copy=False)


def _training_project(X: np.ndarray, y: np.ndarray, work: Path) -> float:
    from models.risk_model import RiskModel

    names = [f"gen_{i:02d}" for i in range(X.shape[1])]
    frame = pd.DataFrame(X, columns=names, copy=False)
    start = time.perf_counter()
    RiskModel("lightgbm", names, random_state=SEED, calibrate=False, level="pooled").fit(frame, y)
    seconds = time.perf_counter() - start
    return seconds


def _training_raw(X: np.ndarray, y: np.ndarray, work: Path) -> float:
    import lightgbm as lgb

    from models.lightgbm_model import DEFAULT_PARAMS

    start = time.perf_counter()
    params = {**DEFAULT_PARAMS, "objective": "binary", "seed": SEED, "deterministic": True,
              "force_row_wise": True, "num_threads": THREADS, "verbose": -1}  # fmt: skip
    rounds = params.pop("n_estimators")
    lgb.train(params, lgb.Dataset(X, label=y), num_boost_round=rounds)
    return time.perf_counter() - start


def _scoring_model(X: np.ndarray, y: np.ndarray, work: Path) -> None:
    """The model scoring uses (untimed): the project's LightGBM risk model on the first rows of the
    training matrix, pickled to ``model.pkl``."""
    from models.risk_model import RiskModel

    names = [f"gen_{i:02d}" for i in range(X.shape[1])]
    frame = pd.DataFrame(X, columns=names, copy=False)
    model = RiskModel("lightgbm", names, random_state=SEED, calibrate=False, level="pooled").fit(frame, y)
    (work / "model.pkl").write_bytes(pickle.dumps(model))


def _scoring_project(work: Path, n_subs: int) -> float:
    from alerts.select import HISTORY_COLUMNS, select_alerts
    from features.catalog import FEATURE_LABELS
    from models.drivers import top_drivers
    from models.risk import risk_class

    model = pickle.loads((work / "model.pkl").read_bytes())
    cells = pd.read_parquet(work / "global_cells.parquet", columns=["area_id", "parent_id"])
    frame = pd.DataFrame(np.load(work / "global_X.npy"), columns=model.features, copy=False)
    regions = cells["parent_id"].drop_duplicates()
    areas = pd.concat(
        [
            cells,
            pd.DataFrame({"area_id": regions, "parent_id": "GEN.global"}),
            pd.DataFrame({"area_id": ["GEN.global"], "parent_id": [None]}),
        ],
        ignore_index=True,
    )
    subs = subscriptions(cells, n_subs, np.random.default_rng(SEED))
    history = pd.DataFrame(columns=HISTORY_COLUMNS)
    start = time.perf_counter()
    p = model.predict_proba(frame)
    scores = pd.DataFrame(
        {
            "area_id": cells["area_id"],
            "period": "2026-01-01",
            "horizon": 1,
            "model_name": "generated",
            "model_version": "1",
            "p": p,
            "risk_class": risk_class(p, RISK_MEDIUM, RISK_HIGH),
        }  # fmt: skip
    )
    scored = time.perf_counter()
    selection = select_alerts(scores, areas, subs, history)
    selected = time.perf_counter()
    alerted = pd.Index(selection.alerts["area_id"].unique())
    rows = frame.loc[cells["area_id"].isin(alerted).to_numpy()]
    top_drivers(model.contributions(rows), FEATURE_LABELS, n=3)
    seconds = time.perf_counter() - start
    np.save(work / "alerted_rows.npy", rows.index.to_numpy())
    print(f"# scoring: {len(subs)} subscriptions, {len(selection.alerts)} alerts on {len(alerted)} cells; "
          f"scores {scored - start:.2f} s, selection {selected - scored:.2f} s, "
          f"drivers {start + seconds - selected:.2f} s", flush=True)  # fmt: skip
    return seconds


def _scoring_raw(work: Path) -> float:
    model = pickle.loads((work / "model.pkl").read_bytes())
    booster = model.estimator_.booster_
    X = np.load(work / "global_X.npy")
    alerted = np.load(work / "alerted_rows.npy")
    start = time.perf_counter()
    booster.predict(X, num_threads=THREADS)
    booster.predict(X[alerted], pred_contrib=True, num_threads=THREADS)
    return time.perf_counter() - start


def child(stage: str, side: str, work: Path, sizes: dict, n_subs: int) -> None:
    """Run one side of one stage; prints ``{"seconds": .., "peak_gb": ..}`` as the last stdout line."""
    if stage in ("features", "features_global"):
        import geopandas as gpd

        grid = "views" if stage == "features" else "global"
        cells = gpd.read_parquet(work / f"{grid}_cells.parquet")
        events = pd.read_parquet(work / f"{grid}_events.parquet")
        months = sizes["months"] if grid == "views" else sizes["global_months"]
        first = 1 if grid == "views" else months - sizes["global_targets"]
        targets = list(range(first, months))
        run = _features_project if side == "project" else _features_raw
        start = time.perf_counter()
        run(cells, events, targets)
        seconds = time.perf_counter() - start
    elif stage == "training":
        X, y = np.load(work / "train_X.npy"), np.load(work / "train_y.npy")
        run = _training_project if side == "project" else _training_raw
        seconds = run(X, y, work)
    elif stage == "scoring_model":
        X, y = np.load(work / "train_X.npy", mmap_mode="r"), np.load(work / "train_y.npy")
        _scoring_model(np.asarray(X[:SCORING_TRAIN_ROWS]), y[:SCORING_TRAIN_ROWS], work)
        seconds = 0.0
    elif stage == "scoring":
        seconds = _scoring_project(work, n_subs) if side == "project" else _scoring_raw(work)
    else:
        raise ValueError(f"unknown stage {stage!r}")
    print(json.dumps({"seconds": seconds, "peak_gb": peak_rss_gb()}), flush=True)


def peak_rss_gb() -> float:
    """This process's peak resident set size in GiB: ``VmHWM`` (reset at exec, unlike ``ru_maxrss``,
    which a child inherits from the parent it was forked from)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024**2  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


# ---------------------------------------------------------------- parent


def run_side(stage: str, side: str, work: Path, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, __file__, "--child", stage, side, str(work),
           "--subscriptions", str(args.subscriptions)] + (["--quick"] if args.quick else [])  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise RuntimeError(f"benchmark stage {stage} ({side}) failed with exit code {done.returncode}")
    *notes, last = done.stdout.strip().splitlines()
    for note in notes:
        print(note, flush=True)
    return json.loads(last)


def bench_line(stage: str, project: dict, raw: dict) -> str:
    """The line the benchmark is read by: ``BENCH <stage> ratio=.. goal=<=.. peak_gb=..``."""
    ratio = project["seconds"] / raw["seconds"]
    peak = max(project["peak_gb"], raw["peak_gb"])
    return f"BENCH {stage} ratio={ratio:.2f} goal={GOALS[stage]:g} peak_gb={peak:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (for the test)")
    parser.add_argument("--subscriptions", type=int, default=1000, help="subscriptions in alert selection")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per side, alternating; the fastest counts"
    )
    parser.add_argument("--stages", default=",".join(GOALS), help="comma-separated subset of stages")
    parser.add_argument("--child", nargs=3, metavar=("STAGE", "SIDE", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.child:
        stage, side, work = args.child
        child(stage, side, Path(work), sizes, args.subscriptions)
        return 0
    stages = [s for s in args.stages.split(",") if s]
    unknown = sorted(set(stages) - set(GOALS))
    if unknown:
        parser.error(f"unknown stages {unknown}; expected some of {list(GOALS)}")
    work = Path(tempfile.mkdtemp(prefix="sdg87-generated-scale-"))
    try:
        start = time.perf_counter()
        described = generate(work, sizes)
        print(f"# GENERATED data ({time.perf_counter() - start:.0f} s): {described}", flush=True)
        if "scoring" in stages:
            run_side("scoring_model", "project", work, args)
        for stage in stages:
            runs = {"project": [], "raw": []}
            for _ in range(max(args.repeat, 1)):  # alternate, so both sides see the same machine load
                for side in runs:
                    runs[side].append(run_side(stage, side, work, args))
            project, raw = (
                {
                    "seconds": min(r["seconds"] for r in runs[side]),
                    "peak_gb": max(r["peak_gb"] for r in runs[side]),
                }
                for side in runs
            )
            print(f"# {stage} project_s={project['seconds']:.2f} raw_s={raw['seconds']:.2f} "
                  f"project_gb={project['peak_gb']:.2f} raw_gb={raw['peak_gb']:.2f}", flush=True)  # fmt: skip
            print(bench_line(stage, project, raw), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
