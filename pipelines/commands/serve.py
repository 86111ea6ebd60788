"""``sdg87 serve``: the web service behind the confirm, unsubscribe and feedback links in e-mails.

It listens on the host and port of ``SDG87_PUBLIC_URL`` (default ``http://127.0.0.1:8087``) unless
``--host``/``--port`` say otherwise; behind a reverse proxy, set ``SDG87_PUBLIC_URL`` to the public address.
With the public development ``SDG87_SECRET_KEY`` it refuses to start (exit 2, naming the variable) unless it
listens on loopback and ``SDG87_PUBLIC_URL`` is local.
"""

from __future__ import annotations

import argparse
import sys
from urllib.parse import urlsplit

from pipelines.alerting.links import InsecureKeyError
from pipelines.settings import get_settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the confirm / unsubscribe / feedback pages (Ctrl-C stops it)")
    p.add_argument("--host", help="listen address (default: the host of SDG87_PUBLIC_URL)")
    p.add_argument("--port", type=int, help="listen port (default: the port of SDG87_PUBLIC_URL)")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from pipelines.web.app import create_app

    settings = get_settings()
    url = urlsplit(settings.public_url)
    host = args.host or url.hostname or "127.0.0.1"
    port = args.port or url.port or 8087
    try:
        app = create_app(settings, bind_host=host)
    except InsecureKeyError as exc:
        print(f"sdg87 serve: {exc}", file=sys.stderr)
        return 2
    print(f"sdg87 links on http://{host}:{port} (links in e-mails point at {settings.public_url})")
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0
