"""``sdg87 feedback import FILE.csv``: record what happened after alerts, in batch.

The CSV has the header ``alert_id,outcome,action_date,service,confirmed_cases,note`` (see
:mod:`pipelines.alerting.feedback` for the rules); every row is checked first and the file is imported whole or
not at all. Importing the same file again changes nothing.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from pipelines.settings import get_settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("feedback", help="import feedback on alerts from a CSV file")
    group = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    i = group.add_parser(
        "import", help="import FILE.csv (alert_id,outcome,action_date,service,confirmed_cases,note)"
    )
    i.add_argument("file", type=Path)
    i.set_defaults(func=cmd_import)


def cmd_import(args: argparse.Namespace) -> int:
    from pipelines.alerting.feedback import import_feedback

    result = import_feedback(args.file, get_settings(), today=datetime.now(UTC).date())
    print(f"recorded {result['rows']} feedback row(s) for {result['alerts']} alert(s)")
    return 0
