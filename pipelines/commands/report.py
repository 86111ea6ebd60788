"""``sdg87 report``: alert-to-referral delay, share acted on, confirmed-case rate; HTML under reports/.

``--language`` (``en``, ``pt``, ``es``, ``fr``; default ``en``) sets the words of the printed text, the
HTML report and its charts.
"""

from __future__ import annotations

import argparse

from pipelines.settings import get_settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="print what alerts led to and write reports/alerts-report.html")
    p.add_argument(
        "--language",
        default="en",
        choices=["en", "pt", "es", "fr"],
        help="language of the printed text, the HTML and charts",
    )
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from pipelines.alerting.report import build_report, print_report

    print_report(build_report(get_settings(), language=args.language), language=args.language)
    return 0
