"""The ``sdg87`` command. Each command group lives in ``pipelines/commands/<group>.py`` and registers its
subcommands through ``register(subparsers)``; add a module to :data:`COMMAND_MODULES` to add a group.

Run ``sdg87 --help`` for the list.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

COMMAND_MODULES = [
    "pipelines.commands.stages",
    "pipelines.commands.inspect",
    "pipelines.commands.subscriptions",
    "pipelines.commands.feedback",
    "pipelines.commands.serve",
    "pipelines.commands.report",
    "pipelines.commands.forecast",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sdg87",
        description="Predictive risk alerts for forced labour and child labour (SDG target 8.7).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one clear line for the user; the traceback with SDG87_DEBUG=1
        if os.environ.get("SDG87_DEBUG"):
            raise
        print(f"sdg87 {args.command}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
