"""The staging-frame half of a source contract: catalogue, units, finite in-range values, plausible years.

:func:`observation_violations` checks a long observation staging frame (columns of
:mod:`pipelines.ingest.connector`) and its indicator definitions against a declared contract (anything with
``unit_of(code)``, ``sources``, ``year_bounds(today)``, see :class:`pipelines.ingest.contract.SourceContract`):

- every ``indicator_code`` (frame and definitions) is declared, with the declared unit;
- every ``source`` is one the contract names; ``area_id``, ``period`` and ``vintage`` are never blank;
- every ``value`` is finite and inside ``UNIT_BOUNDS`` of its unit; ``count`` values are whole numbers;
- ``period`` years lie in the contract's year bounds; no ``vintage`` after ``today`` or before the first year.

Pure: no I/O, no clock (``today`` is passed in). Returns :class:`Violation` s; the caller refuses the load.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from pipelines.quality.plain import plain_row

EXAMPLES = 3
# unit → (min, max, whole numbers only). Every unit has a finite upper bound: 1e308 is never a value.
UNIT_BOUNDS: dict[str, tuple[float, float, bool]] = {
    "percent": (0.0, 100.0, False),
    "count": (0.0, 10_000_000.0, True),
    "persons": (0.0, 10_000_000_000.0, False),
    "index_0_1": (0.0, 1.0, False),
    "flag_0_1": (0.0, 1.0, True),
    "ordinal_0_4": (0.0, 4.0, True),
    "years": (0.0, 120.0, False),
    "per_1000": (0.0, 1000.0, False),
    "brl_2010": (0.0, 1_000_000.0, False),
    "usd": (0.0, 10_000_000.0, False),
    "usd_2015": (0.0, 10_000_000.0, False),
    "score_-10_10": (-10.0, 10.0, False),
    "index_0_100": (0.0, 100.0, False),
    "per_100": (0.0, 1000.0, False),
    "per_100000": (0.0, 100_000.0, False),
    "percent_gross": (0.0, 300.0, False),
    "percent_change": (-1000.0, 1000.0, False),
    "intl_usd_ppp": (0.0, 10_000_000.0, False),
    "persons_million": (0.0, 10_000.0, False),
    "usd_ppp_2011_per_day": (0.0, 10_000.0, False),
    "age_years": (0.0, 25.0, False),  # ILAB reports half years (17.5)
}


@dataclass
class Violation:
    """One broken rule: ``rule`` (short name), ``column``, ``detail``, a few example rows and, for rows of
    a staging frame, their ``lines`` in the quarantined ``staging.csv`` (1 = its header)."""

    rule: str
    column: str
    detail: str
    examples: list[dict] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    def text(self) -> str:
        """One line: rule, column, detail and the first examples (each with its staging line if known)."""
        numbers = self.lines or [None] * len(self.examples)
        shown = "; ".join(
            (f"staging.csv line {n}: " if n else "") + plain_row(e)
            for n, e in list(zip(numbers, self.examples, strict=False))[:EXAMPLES]
        )
        return f"{self.rule} on {self.column}: {self.detail}" + (f" e.g. {shown}" if shown else "")


def _examples(frame: pd.DataFrame, mask: np.ndarray) -> tuple[list[dict], list[int]]:
    """The first rows under ``mask`` (key columns) and their lines in the staging CSV the refusal
    quarantines (rows in frame order after a header line)."""
    cols = [c for c in ("area_id", "period", "indicator_code", "vintage", "value") if c in frame.columns]
    at = np.flatnonzero(mask)[:EXAMPLES]
    return frame.iloc[at][cols].astype(str).to_dict(orient="records"), [int(i) + 2 for i in at]


def _years(values: pd.Series) -> np.ndarray:
    """Years of a ``datetime.date`` column (NaN where missing), via its unique values."""
    years = {v: float(v.year) for v in values.dropna().unique() if hasattr(v, "year")}
    return values.astype(object).map(years).to_numpy(dtype=float, na_value=np.nan)


def _blank(values: pd.Series) -> np.ndarray:
    """Missing or whitespace-only, judged on the distinct values (a 2 M-row column has few)."""
    blanks = [v for v in values.dropna().unique() if isinstance(v, str) and not v.strip()]
    return (values.isna() | values.isin(blanks)).to_numpy(dtype=bool)


def catalogue_violations(codes: pd.Series, units: pd.Series | None, contract) -> list[Violation]:
    """Codes (and their units, if given) not as declared."""
    out = []
    unique = pd.Series(codes.dropna().unique(), dtype=object)
    declared = {c: contract.unit_of(str(c)) for c in unique}
    unknown = sorted(str(c) for c, unit in declared.items() if unit is None)
    if unknown:
        out.append(
            Violation(
                "indicator not in catalogue", "indicator_code", f"{len(unknown)} code(s): {unknown[:5]}"
            )
        )
    if units is not None:
        pairs = pd.DataFrame({"code": codes, "unit": units}).drop_duplicates()
        wrong = [
            f"{c}: {u!r} (declared {declared.get(c)!r})"
            for c, u in zip(pairs["code"], pairs["unit"], strict=True)
            if declared.get(c) is not None and u != declared.get(c)
        ]
        if wrong:
            out.append(Violation("undeclared unit", "unit", "; ".join(wrong[:5])))
    return out


def observation_violations(
    frame: pd.DataFrame, indicators: pd.DataFrame, contract, today: date
) -> list[Violation]:
    """Every contract rule the observation staging ``frame`` breaks (module docstring); empty if none."""
    out = catalogue_violations(indicators["indicator_code"], indicators["unit"], contract)
    if frame.empty:
        return out
    out += catalogue_violations(frame["indicator_code"], None, contract)
    bad_source = ~frame["source"].isin(list(contract.sources)).to_numpy()
    if bad_source.any():
        out.append(
            Violation(
                "unknown source", "source", f"{int(bad_source.sum())} row(s)", *_examples(frame, bad_source)
            )
        )
    for col in ("area_id", "period", "vintage", "indicator_code"):
        blank = _blank(frame[col])
        if blank.any():
            out.append(Violation("blank key", col, f"{int(blank.sum())} row(s)", *_examples(frame, blank)))
    values = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    not_finite = ~np.isfinite(values)
    if not_finite.any():
        out.append(
            Violation("not finite", "value", f"{int(not_finite.sum())} value(s) missing, inf or NaN",
                      *_examples(frame, not_finite))
        )  # fmt: skip
    units = frame["indicator_code"].map(
        {c: contract.unit_of(str(c)) for c in frame["indicator_code"].unique()}
    )
    for unit, (lo, hi, whole) in UNIT_BOUNDS.items():
        rows = (units == unit).to_numpy() & ~not_finite
        if not rows.any():
            continue
        outside = rows & ((values < lo) | (values > hi))
        if outside.any():
            out.append(
                Violation("out of range", f"value (unit {unit})",
                          f"{int(outside.sum())} value(s) outside [{lo}, {hi}]", *_examples(frame, outside))
            )  # fmt: skip
        if whole:
            with np.errstate(invalid="ignore"):
                fractional = rows & (np.mod(values, 1) != 0)
            if fractional.any():
                out.append(
                    Violation("not a whole number", f"value (unit {unit})",
                              f"{int(fractional.sum())} value(s)", *_examples(frame, fractional))
                )  # fmt: skip
    first, last = contract.year_bounds(today)
    years = _years(frame["period"])
    with np.errstate(invalid="ignore"):
        bad_year = ~np.isnan(years) & ((years < first) | (years > last))
    if bad_year.any():
        out.append(
            Violation("year out of range", "period", f"{int(bad_year.sum())} row(s) outside [{first}, {last}]",
                      *_examples(frame, bad_year))
        )  # fmt: skip
    vintages = frame["vintage"]
    future = vintages.map(
        {v: (v > today or v.year < first) for v in vintages.dropna().unique() if isinstance(v, date)}
    ).fillna(False).to_numpy(dtype=bool)  # fmt: skip
    if future.any():
        out.append(
            Violation("vintage out of range", "vintage",
                      f"{int(future.sum())} row(s) published before {first} or after {today}",
                      *_examples(frame, future))
        )  # fmt: skip
    return out
