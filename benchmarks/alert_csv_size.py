"""Size of a national alert e-mail's CSV attachment: every scored municipality vs the alert level only.

Area names and parents are the real 5,570 municipalities of the shipped municipality list; the scores are
SYNTHETIC (seeded): ``--high`` municipalities at high risk (57 by default), ``--medium`` at medium, the
rest low. Prints the CSV bytes and the base64 bytes an e-mail carries for both attachments.

    python benchmarks/alert_csv_size.py [--high 57] [--medium 500]
"""

from __future__ import annotations

import argparse
import base64
from pathlib import Path

import numpy as np
import pandas as pd

from alerts.table import scores_csv
from pipelines.ingest.sources.brazil.areas import read_municipalities

LIST = Path(__file__).resolve().parents[1] / "data/sample/brazil/covariates/abj_muni_codes_latlon.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--high", type=int, default=57)
    parser.add_argument("--medium", type=int, default=500)
    args = parser.parse_args()
    munis = read_municipalities(LIST)
    ids = "BRA." + munis["ibge7"].astype(str)
    areas = pd.concat([
        pd.DataFrame({"area_id": "BRA." + munis["uf"].unique(), "parent_id": "BRA", "name": munis["uf"].unique()}),
        pd.DataFrame({"area_id": ids, "parent_id": "BRA." + munis["uf"], "name": munis["name"]}),
    ])  # fmt: skip
    rng = np.random.default_rng(87)
    p = np.sort(rng.beta(0.5, 40, len(ids)))[::-1]
    risk = np.where(np.arange(len(ids)) < args.high, "high",
                    np.where(np.arange(len(ids)) < args.high + args.medium, "medium", "low"))  # fmt: skip
    scores = pd.DataFrame({"area_id": ids, "period": pd.Timestamp("2025-01-01"), "p": p, "p_lo": p * 0.7,
                           "p_hi": np.minimum(p * 1.4, 1), "risk_class": risk, "model_name": "brazil_risk",
                           "model_version": "3"})  # fmt: skip
    listed = dict(zip(ids[:25], range(1, 26), strict=True))
    for label, frame in (
        ("every scored municipality", scores),
        ("high only", scores[scores["risk_class"] == "high"]),
    ):
        data = scores_csv(frame, areas, listed)
        print(
            f"{label:<28} rows={len(frame):>5}  csv={len(data):>8,} B  base64={len(base64.b64encode(data)):>8,} B"
        )


if __name__ == "__main__":
    main()
