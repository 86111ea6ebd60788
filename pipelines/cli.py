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


class DefaultsHelpFormatter(argparse.HelpFormatter):
    """Appends ``(default: …)`` to an option's help when it has a default worth showing (not None, not a
    flag's False) and the help does not state it already."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if (
            "default" in text
            or not action.option_strings
            or default in (None, False, argparse.SUPPRESS)
            or isinstance(action, argparse._HelpAction)
        ):
            return text
        return f"{text} (default: %(default)s)"


def _with_defaults(parser: argparse.ArgumentParser) -> None:
    """Give ``parser`` and every subcommand parser under it :class:`DefaultsHelpFormatter`."""
    parser.formatter_class = DefaultsHelpFormatter
    for action in parser._actions:
        if (
            not action.help
            and action.option_strings
            and action.default not in (None, False, argparse.SUPPRESS)
        ):
            action.help = "(default: %(default)s)"  # argparse prints no line for an option without help
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _with_defaults(child)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sdg87",
        description="Predictive risk alerts for forced labour and child labour (SDG target 8.7).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    _with_defaults(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # inside the try: a closed pipe (`sdg87 report | head`) surfaces here
        return code
    except BrokenPipeError:
        # The reader stopped reading: not an error of ours. Point stdout at /dev/null so the flush at
        # exit does not raise again, and exit as a process killed by SIGPIPE would (128 + 13).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one clear line for the user; the traceback with SDG87_DEBUG=1
        if os.environ.get("SDG87_DEBUG"):
            raise
        print(f"sdg87 {args.command}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
