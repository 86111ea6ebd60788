"""The CSV attached to an alert e-mail: every scored area in the scope (pure: frames in, bytes out).

One row per ``area_id`` in ``scores``, highest ``p`` first; columns :data:`CSV_COLUMNS`, headed in the
subscriber's language (catalogue keys ``csv_<column>``); probabilities as decimals in [0, 1] with four
digits; ``period`` is the first day of the target year; ``alert_ref`` is the alert id of an area this
message alerts, listed in its body or not (what ``sdg87 feedback import`` and the feedback form record an
outcome against), empty otherwise; ``feedback_link`` is that alert's signed feedback form, when given. Text
cells that a spreadsheet would run as a formula (leading ``=``, ``+``, ``-``, ``@``, tab or CR) are
prefixed with ``'``.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping

import pandas as pd

from alerts.i18n import CATALOG, texts

CSV_COLUMNS = ["rank", "area_id", "name", "parent", "p", "p_lo", "p_hi", "risk_class", "alerted", "alert_ref",
               "feedback_link", "period", "model_name", "model_version"]  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def header_columns() -> dict[str, str]:
    """Every language's CSV header word -> its column in :data:`CSV_COLUMNS` (to read a returned file)."""
    return {words[f"csv_{c}"]: c for words in CATALOG.values() for c in CSV_COLUMNS}


def scores_csv(
    scores: pd.DataFrame,
    areas: pd.DataFrame,
    alert_refs: Mapping[str, int],
    language: str = "en",
    feedback_urls: Mapping[str, str] | None = None,
) -> bytes:
    """UTF-8 CSV (with BOM, so spreadsheet programs read accents) of ``scores`` with names and parents;
    ``alert_refs`` maps each alerted area to its alert id, ``feedback_urls`` to its feedback form."""
    feedback_urls = feedback_urls or {}
    t = texts(language)
    names = dict(zip(areas["area_id"], areas["name"], strict=True))
    parents = dict(zip(areas["area_id"], areas["parent_id"], strict=True))
    ordered = scores.sort_values(["p", "area_id"], ascending=[False, True])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([t[f"csv_{c}"] for c in CSV_COLUMNS])
    for rank, row in enumerate(ordered.to_dict("records"), start=1):
        area_id = row["area_id"]
        period = pd.Timestamp(row["period"]).date().isoformat()
        writer.writerow(
            [_cell(v) for v in (
                rank, area_id, names.get(area_id, ""), names.get(parents.get(area_id), "") or "",
                float(row["p"]), row.get("p_lo"), row.get("p_hi"),
                t.get(f"class_{row['risk_class']}", row["risk_class"]),
                t["csv_yes"] if area_id in alert_refs else t["csv_no"], alert_refs.get(area_id),
                feedback_urls.get(area_id), period, row["model_name"], row["model_version"],
            )]
        )  # fmt: skip
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
