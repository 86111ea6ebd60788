"""Run a :class:`SuiteSpec` with Great Expectations on a pandas frame and report what failed.

GX runs in an ephemeral context (nothing written to disk), on a whole-dataframe batch, progress bars off.
It is imported inside :func:`validate_frame` because the import costs seconds and floods the log.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pipelines.quality.suite_spec import SuiteSpec

EXAMPLE_ROWS = 5


@dataclass
class FailedExpectation:
    """One failed rule: ``rule`` is the GX expectation type, ``column`` the column(s) it checked."""

    rule: str
    column: str
    detail: str
    examples: list[dict[str, Any]] = field(default_factory=list)
    # The line of each example in the quarantined staging CSV (line 1 is its header).
    lines: list[int] = field(default_factory=list)


@dataclass
class ValidationReport:
    """The outcome of one suite on one frame."""

    suite: str
    success: bool
    evaluated: int
    failed: list[FailedExpectation]

    def summary_json(self) -> str:
        """A compact JSON summary for the ``ingest_run.validation_summary`` column."""
        return json.dumps(
            {
                "suite": self.suite,
                "success": self.success,
                "evaluated": self.evaluated,
                "failed": [{"rule": f.rule, "column": f.column, "detail": f.detail} for f in self.failed],
            },
            sort_keys=True,
        )


def _unit_column(unit: str) -> str:
    return "value__" + re.sub(r"\W", "_", unit)


def _year_column(column: str) -> str:
    return column + "__year"


def _as_year(values: pd.Series) -> pd.Series:
    """Dates (``datetime.date``/timestamps) as their year; numbers unchanged; unparseable → NaN."""
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float)
    return pd.Series([getattr(v, "year", math.nan) for v in values], index=values.index, dtype=float)


def validation_frame(frame: pd.DataFrame, spec: SuiteSpec) -> pd.DataFrame:
    """Return a copy of ``frame`` with the derived columns the suite checks.

    One ``value__<unit>`` column per unit range whose unit the frame holds (NaN on other rows) and one
    ``<column>__year`` column per freshness rule on a date column.
    """
    out = frame.copy()
    if spec.ranges_by_unit and {"unit", "value"} <= set(frame.columns):
        present = set(frame["unit"].dropna().unique())
        for unit in spec.ranges_by_unit:
            if unit in present:  # one float column per unit the frame holds, not per unit known
                out[_unit_column(unit)] = frame["value"].where(frame["unit"] == unit)
    for col in spec.newest_min:
        if col in frame.columns:
            out[_year_column(col)] = _as_year(frame[col])
    return out


def _history_expectations(gxe, spec: SuiteSpec, present: set[str]) -> list:
    """Row-count change versus the previous load, and freshness (newest values not older than before)."""
    exps: list = []
    if spec.previous_rows:
        lo = math.ceil(spec.previous_rows / spec.max_row_change)
        hi = math.floor(spec.previous_rows * spec.max_row_change)
        meta = {"rule": "row_count_change", "previous_rows": spec.previous_rows}
        exps.append(gxe.ExpectTableRowCountToBeBetween(min_value=lo, max_value=hi, meta=meta))
    for col, newest in spec.newest_min.items():
        if _year_column(col) in present:
            meta = {"rule": "freshness", "column": col}
            exps.append(gxe.ExpectColumnMaxToBeBetween(column=_year_column(col), min_value=newest, meta=meta))
    return exps


def _expectations(gxe, spec: SuiteSpec, frame: pd.DataFrame) -> list:
    exps: list = [gxe.ExpectColumnToExist(column=c) for c in spec.columns]
    present = set(frame.columns)
    if set(spec.key) <= present:
        if len(spec.key) == 1:
            exps.append(gxe.ExpectColumnValuesToBeUnique(column=spec.key[0]))
        else:
            exps.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=list(spec.key)))
    exps += [gxe.ExpectColumnValuesToNotBeNull(column=c) for c in spec.not_null if c in present]
    for col, (lo, hi) in spec.ranges.items():
        if col in present:
            exps.append(gxe.ExpectColumnValuesToBeBetween(column=col, min_value=lo, max_value=hi))
    for unit, (lo, hi) in spec.ranges_by_unit.items():
        col = _unit_column(unit)
        if col in present:
            exps.append(gxe.ExpectColumnValuesToBeBetween(column=col, min_value=lo, max_value=hi))
    for col, values in spec.allowed.items():
        if col in present:
            exps.append(gxe.ExpectColumnValuesToBeInSet(column=col, value_set=sorted(values)))
    for col, pattern in spec.patterns.items():
        if col in present:
            exps.append(gxe.ExpectColumnValuesToMatchRegex(column=col, regex=pattern))
    for col_a, col_b in spec.ordered_pairs:
        if {col_a, col_b} <= present:
            exps.append(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A=col_a, column_B=col_b, or_equal=True)
            )
    lo, hi = spec.row_count
    exps.append(gxe.ExpectTableRowCountToBeBetween(min_value=lo, max_value=hi))
    return exps + _history_expectations(gxe, spec, present)


def _failure(result, frame: pd.DataFrame) -> FailedExpectation:
    config = result.expectation_config
    kwargs = config.kwargs
    column = kwargs.get("column") or ",".join(kwargs.get("column_list") or []) or "(table)"
    if "column_A" in kwargs:
        column = f"{kwargs['column_A']}>={kwargs['column_B']}"
    if column.startswith("value__"):
        column = f"value (unit {column.removeprefix('value__')})"
    if column.endswith("__year"):
        column = f"{column.removesuffix('__year')} (as year)"
    rule = config.type
    meta = config.meta or {}
    if meta.get("rule"):
        rule = f"{config.type} ({meta['rule']})"
    res = result.result or {}
    if "unexpected_count" in res:
        detail = f"{res.get('unexpected_count')} unexpected values"
        bounds = {k: kwargs[k] for k in ("min_value", "max_value", "regex") if kwargs.get(k) is not None}
        if bounds:
            detail += f" (expected {bounds})"
    elif "observed_value" in res:
        detail = f"observed {res['observed_value']!r}"
        bounds = {k: kwargs[k] for k in ("min_value", "max_value") if kwargs.get(k) is not None}
        if bounds:
            detail += f", expected {bounds}"
        if meta.get("rule") == "row_count_change":
            detail += f" (previous load: {meta['previous_rows']} rows)"
        if meta.get("rule") == "freshness":
            detail += " (the newest value already published)"
    else:
        detail = "failed"
    idx = [i for i in list(res.get("unexpected_index_list") or [])[:EXAMPLE_ROWS] if i in frame.index]
    # Derived range columns and geometry bytes only make the message unreadable.
    cols = [c for c in frame.columns if not c.startswith("value__") and not c.endswith(("_wkb", "__year"))]
    examples = frame.loc[idx, cols].to_dict(orient="records") if idx else []
    lines = [int(frame.index.get_loc(i)) + 2 for i in idx]  # the quarantine CSV: header, then rows in order
    return FailedExpectation(rule=rule, column=column, detail=detail, examples=examples, lines=lines)


def validate_frame(frame: pd.DataFrame, spec: SuiteSpec) -> ValidationReport:
    """Validate ``frame`` against ``spec``; returns a report (does not raise on failure)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    # GX logs every skipped doc-registration and ephemeral docs folder at INFO: hundreds of lines per run.
    gx_logger = logging.getLogger("great_expectations")
    gx_logger.setLevel(logging.WARNING)
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.data_context.types.base import ProgressBarsConfig

    gx_logger.setLevel(logging.WARNING)

    data = validation_frame(frame, spec).reset_index(drop=True)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch_def = (
        context.data_sources.add_pandas(name=spec.name)
        .add_dataframe_asset(name="staging")
        .add_batch_definition_whole_dataframe("all")
    )
    # The suite is built whole, then added once: ``suite.add_expectation`` re-serialises the stored suite on
    # every call, which made a 125-rule suite cost seconds before any row was checked.
    suite = context.suites.add(
        gx.ExpectationSuite(name=spec.name, expectations=_expectations(gxe, spec, data))
    )
    batch = batch_def.get_batch(batch_parameters={"dataframe": data})
    result = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    failed = [_failure(r, data) for r in result.results if not r.success]
    return ValidationReport(spec.name, bool(result.success), len(result.results), failed)
