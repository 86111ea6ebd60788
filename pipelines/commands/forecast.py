"""``sdg87 forecast``: write what the model says, as of a date, for every area of a study to a CSV file."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "forecast",
        help="risk per area for a target year, using only what was known at --as-of (writes a CSV)",
    )
    p.add_argument(
        "--study",
        choices=["brazil", "world"],
        required=True,
        help="brazil: municipality risk of an employer-list event; world: child-labour prevalence per country",
    )
    p.add_argument("--as-of", required=True, type=date.fromisoformat, help="YYYY-MM-DD: what was known then")
    p.add_argument(
        "--horizon",
        type=int,
        default=1,
        help="brazil: years ahead of the last complete year (default 1); world: ignored (the estimate is for"
        " the year before --as-of)",
    )
    p.add_argument("--out", required=True, type=Path, help="CSV file to write")
    p.add_argument(
        "--counts",
        type=Path,
        help="brazil: also write the expected number of municipalities with an event per state and"
        " nationally, with its 90 %% interval, to this CSV file",
    )
    p.set_defaults(func=cmd_forecast)


def cmd_forecast(args: argparse.Namespace) -> int:
    from pipelines.settings import get_settings

    counts = None
    if args.study == "world":
        from pipelines.world.forecast import score_world

        frame = score_world(get_settings(), args.as_of)
    else:
        from pipelines.brazil.forecast import forecast_brazil

        forecast = forecast_brazil(args.as_of, args.horizon, get_settings())
        frame, counts = forecast.areas, forecast.counts
    args.out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.out, index=False)
    period = int(frame["period"].iloc[0]) if len(frame) else None
    print(f"wrote {len(frame)} areas, target year {period}, study {args.study}: {args.out}")
    if counts is not None:
        national = counts.loc[counts["state"] == "BRA"].iloc[0]
        print(
            f"expected {national['expected']:.0f} municipalities with an event in {period}, 90 % interval "
            f"[{national['lo']:.0f}, {national['hi']:.0f}]"
        )
        if args.counts is not None:
            args.counts.parent.mkdir(parents=True, exist_ok=True)
            counts.to_csv(args.counts, index=False)
            print(f"wrote the count per state and nationally: {args.counts}")
    return 0
