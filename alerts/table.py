"""The CSV attached to an alert e-mail: every scored area in the scope (pure: frames in, bytes out).

One row per ``area_id`` in ``scores``, highest ``p`` first; columns :data:`CSV_COLUMNS`; probabilities as
decimals in [0, 1] with four digits; ``period`` is the first day of the target year. Text cells that a
spreadsheet would run as a formula (leading ``=``, ``+``, ``-``, ``@``, tab or CR) are prefixed with ``'``.
"""

from __future__ import annotations

import csv
import io
import math

import pandas as pd

CSV_COLUMNS = ["rank", "area_id", "name", "parent", "p", "p_lo", "p_hi", "risk_class", "alerted", "period",
               "model_name", "model_version"]  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def scores_csv(scores: pd.DataFrame, areas: pd.DataFrame, alerted: set[str] | frozenset[str]) -> bytes:
    """UTF-8 CSV (with BOM, so spreadsheet programs read accents) of ``scores`` with names and parents."""
    names = dict(zip(areas["area_id"], areas["name"], strict=True))
    parents = dict(zip(areas["area_id"], areas["parent_id"], strict=True))
    ordered = scores.sort_values(["p", "area_id"], ascending=[False, True])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for rank, row in enumerate(ordered.to_dict("records"), start=1):
        area_id = row["area_id"]
        period = pd.Timestamp(row["period"]).date().isoformat()
        writer.writerow(
            [_cell(v) for v in (
                rank, area_id, names.get(area_id, ""), names.get(parents.get(area_id), "") or "",
                float(row["p"]), row.get("p_lo"), row.get("p_hi"), row["risk_class"],
                "yes" if area_id in alerted else "no", period, row["model_name"], row["model_version"],
            )]
        )  # fmt: skip
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
