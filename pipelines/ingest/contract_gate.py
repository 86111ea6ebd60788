"""Apply a source's declared contract to its copied inputs and to its staging frame.

- :func:`check_inputs`: every CSV role the contract declares (a folder role: each ``*.csv`` in it) through
  :func:`pipelines.ingest.contract.check_csv`, before the connector parses anything.
- :func:`check_staged`: observations through :func:`pipelines.quality.contract_checks.observation_violations`;
  areas through the boundary rules of :mod:`pipelines.ingest.boundary_checks` (movement against the
  published version only unless ``accept_boundary_change``).

A broken rule raises :class:`~pipelines.ingest.contract.ContractError` naming the primary file, the rule of
the first violation and every violation found.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pandas as pd
import shapely
from sqlalchemy import Engine

from pipelines.ingest.boundary_checks import (
    extent_violations,
    history_violations,
    parent_violations,
    partial_parents,
    reference_violations,
)
from pipelines.ingest.connector import Connector, Staged
from pipelines.ingest.contract import ContractError, SourceContract, check_csv
from pipelines.quality.contract_checks import Violation, observation_violations
from pipelines.sql_files import query

log = logging.getLogger(__name__)


def check_inputs(files: dict[str, Path], contract: SourceContract, today: date) -> None:
    """Check every declared CSV input; raises on the first broken rule (file, line, rule)."""
    for role, csv_contract in contract.files.items():
        path = Path(files[role])
        members = sorted(path.rglob("*.csv")) if path.is_dir() else [path]
        for member in members:
            check_csv(member, csv_contract, today, contract.first_year)


def _published_boundaries(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(query("ingest_published_boundaries")).all()
    return pd.DataFrame(
        rows,
        columns=[
            "area_id",
            "level",
            "study",
            "centroid_lon",
            "centroid_lat",
            "area_km2",
            "geometry_simplified_wkb",
        ],
    )


def _parent_bounds(published: pd.DataFrame) -> pd.DataFrame:
    countries = published.loc[published["level"] == "0"].dropna(subset=["geometry_simplified_wkb"])
    bounds = shapely.bounds(shapely.from_wkb(countries["geometry_simplified_wkb"].to_numpy()))
    return pd.DataFrame(bounds, columns=["min_lon", "min_lat", "max_lon", "max_lat"]).assign(
        area_id=countries["area_id"].to_numpy()
    )


def area_violations(
    frame: pd.DataFrame,
    contract: SourceContract,
    files: dict[str, Path],
    engine: Engine,
    accept_change: bool,
    keep_existing: frozenset[str] = frozenset(),
) -> list[Violation]:
    """Every boundary rule of ``contract.areas`` the area staging ``frame`` breaks; areas in
    ``keep_existing`` (owned by another source, never overwritten) are not compared with the published."""
    rules = contract.areas
    if rules is None or frame.empty:
        return []
    out: list[Violation] = []
    if rules.extent:
        out += extent_violations(frame, rules.extent)
    if rules.reference_points is not None:
        out += reference_violations(
            frame, rules.reference_points(files), rules.reference_km, rules.reference_exceptions
        )
    published = _published_boundaries(engine)
    if rules.parent_extent_margin is not None:
        bounds = _parent_bounds(published)
        partial = partial_parents(frame, bounds, rules.parent_extent_margin)
        if partial:
            log.warning(
                "parent-extent rule skipped for %s: published geometry covers part of its children",
                sorted(partial),
            )
        out += parent_violations(
            frame,
            bounds.loc[~bounds["area_id"].isin(partial)],
            rules.parent_extent_margin,
            rules.parent_outside_share,
        )
    if not accept_change:
        # History is what this study published: a placeholder another study inserted while the area was
        # absent (world_areas inserts BRA until brazil_areas owns it) is no earlier version of this boundary.
        studies = set(frame["study"].dropna()) if "study" in frame.columns else set(published["study"])
        previous = published.loc[
            published["study"].isin(studies), ["area_id", "centroid_lon", "centroid_lat", "area_km2"]
        ]
        own = frame.loc[~frame["area_id"].isin(keep_existing)]
        out += history_violations(own, previous, rules.max_shift_km, rules.max_area_change)
        if out and out[-1].rule.startswith("boundary"):
            out[-1].detail += "; rerun with --accept-boundary-change if the new boundaries are intended"
    return out


def check_staged(
    staged: Staged,
    contract: SourceContract,
    files: dict[str, Path],
    engine: Engine,
    today: date,
    accept_boundary_change: bool,
    connector: Connector,
    named: Path,
) -> None:
    """Raise :class:`ContractError` naming file ``named`` if the staging frame breaks its contract."""
    if connector.target == "area":
        violations = area_violations(
            staged.frame, contract, files, engine, accept_boundary_change, connector.keep_existing
        )
    else:
        violations = observation_violations(staged.frame, staged.indicators, contract, today)
    if violations:
        first = violations[0]
        detail = " | ".join(v.text() for v in violations)
        raise ContractError(named, first.rule, detail)
