"""Dashboard rendering on the current warehouse (``$SDG87_HOME``, e.g. after ``make run``): for each scope,
the time of ``GET /dashboard`` (median of ``--repeat`` requests through the app in process), the size of
the page and of its inline SVG map, and the number of alerted areas shown.

    uv run python benchmarks/dashboard_render.py --scope BRA --scope BRA.PA
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient  # noqa: E402

from pipelines.alerting.links import LinkSigner  # noqa: E402
from pipelines.settings import get_settings  # noqa: E402
from pipelines.web.app import create_app  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scope", action="append", help="scope area_id (repeatable; default BRA and BRA.PA)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    settings = get_settings()
    settings.rate_limit_per_minute = 10_000
    client = TestClient(create_app(settings))
    today = datetime.now(UTC).date()
    print(f"{'scope':<10} {'median s':>9} {'page KB':>8} {'svg KB':>7} {'paths':>6} {'alerted':>8}")
    for scope in args.scope or ["BRA", "BRA.PA"]:
        path = (
            LinkSigner.from_settings(settings)
            .dashboard_url(scope, today)
            .removeprefix(settings.public_url.rstrip("/"))
        )
        times, page = [], ""
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - start)
            response.raise_for_status()
            page = response.text
        svg = page[page.find("<svg") : page.find("</svg>") + 6] if "<svg" in page else ""
        alerted = re.search(r"Alerted areas: (\d+)", page).group(1)
        print(f"{scope:<10} {statistics.median(times):>9.2f} {len(page.encode()) / 1024:>8.0f} "
              f"{len(svg.encode()) / 1024:>7.0f} {svg.count('<path'):>6} {alerted:>8}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
