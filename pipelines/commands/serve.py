"""``sdg87 serve``: the web service behind the confirm, unsubscribe, feedback and dashboard links in
e-mails; ``sdg87 dashboard-link SCOPE`` prints a signed dashboard link for a scope (e.g. for a partner's
system reading ``/api/v1``), valid for ``SDG87_LINK_MAX_AGE_DAYS``.

It listens on the host and port of ``SDG87_PUBLIC_URL`` (default ``http://127.0.0.1:8087``) unless
``--host``/``--port`` say otherwise; behind a reverse proxy, set ``SDG87_PUBLIC_URL`` to the public address.
With the public development ``SDG87_SECRET_KEY`` it refuses to start (exit 2, naming the variable) unless it
listens on loopback and ``SDG87_PUBLIC_URL`` is local.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from urllib.parse import urlsplit

from pipelines.alerting.links import InsecureKeyError, LinkSigner
from pipelines.settings import get_settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the confirm / unsubscribe / feedback pages (Ctrl-C stops it)")
    p.add_argument("--host", help="listen address (default: the host of SDG87_PUBLIC_URL)")
    p.add_argument("--port", type=int, help="listen port (default: the port of SDG87_PUBLIC_URL)")
    p.set_defaults(func=cmd_serve)
    d = sub.add_parser("dashboard-link", help="print a signed, expiring dashboard link for a scope area_id")
    d.add_argument("scope", help="area_id of the scope, e.g. BRA (national) or BRA.PA (a state)")
    d.add_argument("--lang", default="en", choices=["en", "pt", "es", "fr"], help="language of the page")
    d.set_defaults(func=cmd_dashboard_link)


def cmd_dashboard_link(args: argparse.Namespace) -> int:
    from pipelines.alerting.subscriptions import known_area_ids
    from pipelines.warehouse.engine import make_engine, migrate

    settings = get_settings()
    migrate(settings.warehouse_url)
    engine = make_engine(settings.warehouse_url)
    try:
        with engine.connect() as conn:
            known = args.scope in known_area_ids(conn)
    finally:
        engine.dispose()
    if not known:
        print(f"sdg87 dashboard-link: {args.scope!r} is not a known area_id", file=sys.stderr)
        return 2
    try:
        print(
            LinkSigner.from_settings(settings).dashboard_url(args.scope, datetime.now(UTC).date(), args.lang)
        )
    except InsecureKeyError as exc:
        print(f"sdg87 dashboard-link: {exc}", file=sys.stderr)
        return 2
    return 0


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
