"""``sdg87 report``: alert-to-referral delay, share acted on, confirmed-case rate; HTML under reports/."""

from __future__ import annotations

import argparse

from pipelines.settings import get_settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="print what alerts led to and write reports/alerts-report.html")
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from pipelines.alerting.report import build_report, print_report

    print_report(build_report(get_settings()))
    return 0
