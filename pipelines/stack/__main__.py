"""``python -m pipelines.stack up|down|status|smtp-sink`` (``make up`` / ``make down``).

``up`` starts the stack in ``$SDG87_HOME/stack`` on the default ports (:class:`StackPorts`), waits until
every service is healthy and prints the URLs and the log-in; ``down`` stops it; ``smtp-sink`` is the SMTP
server the stack runs in place of a relay (every accepted message becomes a ``.eml`` file in ``--dir``).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from pipelines.settings import get_settings
from pipelines.stack.processes import StackError
from pipelines.stack.services import Stack


def _smtp_sink(port: int, folder: Path) -> int:
    from pipelines.mail.smtp_server import LocalSmtpServer

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with LocalSmtpServer(folder, port=port):
        print(f"SMTP sink on port {port}, writing to {folder}", flush=True)
        stop.wait()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.stack", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("up", help="start the stack and wait until it is healthy")
    sub.add_parser("down", help="stop the stack")
    sub.add_parser("status", help="which services are running")
    sink = sub.add_parser("smtp-sink", help="run the SMTP sink standing in for a relay")
    sink.add_argument("--port", type=int, required=True)
    sink.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "smtp-sink":
        return _smtp_sink(args.port, args.dir)
    stack = Stack(get_settings().home)
    try:
        if args.command == "up":
            print(f"starting the distributed stack in {stack.dir} (this takes a minute or two)", flush=True)
            stack.up()
            print(stack.describe())
        elif args.command == "down":
            stopped = stack.down()
            print(f"stopped: {', '.join(stopped) or 'nothing was running'}")
        else:
            for name, up in stack.running().items():
                print(f"{name:14} {'running' if up else 'stopped'}")
    except StackError as exc:
        print(f"sdg87 stack: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
