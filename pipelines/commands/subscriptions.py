"""``sdg87 subscriptions add|list|remove|erase|import|confirmations``: who receives alerts.

New subscriptions are unconfirmed: ``add`` and ``import`` send each one its confirmation e-mail (unless
``--no-send``); nothing else reaches them until the signed link in it is opened (``sdg87 serve``).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from pipelines.settings import get_settings

ROLES_HINT = (
    "e.g. 'national ministry', 'state labour office', 'municipal child-protection board', 'ILO office'"
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("subscriptions", help="add, list, remove or import alert subscriptions")
    group = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    a = group.add_parser("add", help="subscribe someone (they get a confirmation e-mail first)")
    a.add_argument("--email", required=True)
    a.add_argument("--name", required=True, help="recipient name, e.g. 'Pará state labour office'")
    a.add_argument("--role", required=True, help=ROLES_HINT)
    a.add_argument(
        "--scope",
        required=True,
        help="area id(s) or published name(s), comma-separated: BRA, BRA.PA, Pará, BRA.1500107, NER "
        "(a country outside Brazil: country-level alerts); `sdg87 areas --search` lists the ids",
    )
    a.add_argument("--min-class", default="high", choices=["low", "medium", "high"])
    a.add_argument("--cadence", default="immediate", choices=["immediate", "weekly", "monthly"])
    a.add_argument("--language", default="en", choices=["en", "pt", "es", "fr"])
    a.add_argument("--no-send", action="store_true", help="do not send the confirmation e-mail now")
    a.set_defaults(func=cmd_add)

    ls = group.add_parser("list", help="list subscriptions")
    ls.add_argument("--all", action="store_true", help="include removed subscriptions")
    ls.set_defaults(func=cmd_list)

    r = group.add_parser("remove", help="stop sending to a subscription (by id, see `list`)")
    r.add_argument("subscription_id", type=int)
    r.set_defaults(func=cmd_remove)

    e = group.add_parser("erase", help="erase an address and name everywhere (anonymous counts are kept)")
    e.add_argument("email", help="the address to erase, in every subscription holding it")
    e.set_defaults(func=cmd_erase)

    i = group.add_parser("import", help="add subscriptions from a CSV file (all rows checked first)")
    i.add_argument(
        "file",
        type=Path,
        help="UTF-8 CSV: recipient_name,email,role,scope_area_id[,min_class,cadence,language]",
    )
    i.add_argument("--no-send", action="store_true", help="do not send the confirmation e-mails now")
    i.set_defaults(func=cmd_import)

    c = group.add_parser("confirmations", help="send confirmation e-mails still owed")
    c.set_defaults(func=cmd_confirmations)


def _add(rows: list[dict], no_send: bool) -> int:
    from pipelines.alerting.run import send_confirmations
    from pipelines.alerting.subscriptions import add_subscriptions

    settings = get_settings()
    result = add_subscriptions(rows, settings)
    print(
        f"added {len(result['inserted'])} subscription(s) {result['inserted']}; {result['existing']} already existed"
    )
    if result["inserted"] and not no_send:
        sent = send_confirmations(settings, today=datetime.now(UTC).date())
        print(f"confirmation e-mails sent: {sent['confirmations']}")
    elif result["inserted"]:
        print("confirmation e-mails not sent yet (`sdg87 subscriptions confirmations` sends them)")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    scopes = [s.strip() for s in args.scope.split(",") if s.strip()]
    rows = [
        {"recipient_name": args.name, "email": args.email, "role": args.role, "scope_area_id": scope,
         "min_class": args.min_class, "cadence": args.cadence, "language": args.language}
        for scope in scopes
    ]  # fmt: skip
    return _add(rows, args.no_send)


def cmd_import(args: argparse.Namespace) -> int:
    from pipelines.alerting.subscriptions import read_subscription_csv

    return _add(read_subscription_csv(args.file), args.no_send)


def cmd_list(args: argparse.Namespace) -> int:
    from pipelines.alerting.subscriptions import list_subscriptions
    from pipelines.warehouse.engine import migrate, warehouse_engine

    settings = get_settings()
    migrate(settings.warehouse_url)
    with warehouse_engine(settings) as engine, engine.connect() as conn:
        subs = list_subscriptions(conn, include_inactive=args.all)
    print(
        f"{'id':>4}  {'status':<11} {'scope':<14} {'class':<6} {'cadence':<9} {'lang':<4} email (name, role)"
    )
    for s in subs.to_dict("records"):
        status = "removed" if not s["active"] else ("confirmed" if s["confirmed"] else "unconfirmed")
        print(f"{s['subscription_id']:>4}  {status:<11} {s['scope_area_id']:<14} {s['min_class']:<6} "
              f"{s['cadence']:<9} {s['language']:<4} {s['email']} ({s['recipient_name']}, {s['role']})")  # fmt: skip
    if subs.empty:
        print("(no subscriptions: `sdg87 subscriptions add --help`)")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from pipelines.alerting.subscriptions import remove_subscription
    from pipelines.warehouse.engine import migrate, warehouse_engine

    settings = get_settings()
    migrate(settings.warehouse_url)
    with warehouse_engine(settings) as engine, engine.begin() as conn:
        removed = remove_subscription(conn, args.subscription_id)
    print(
        f"subscription {args.subscription_id} "
        + ("removed" if removed else "was not active (nothing changed)")
    )
    return 0 if removed else 1


def cmd_erase(args: argparse.Namespace) -> int:
    from pipelines.alerting.personal_data import erase_address

    done = erase_address(args.email, get_settings())
    print(
        f"erased: {done['subscriptions']} subscription(s), {done['deliveries']} delivery record(s) "
        f"re-addressed, {done['outbox_files']} outbox file(s) deleted"
    )
    return 0 if done["subscriptions"] else 1


def cmd_confirmations(args: argparse.Namespace) -> int:
    from pipelines.alerting.run import send_confirmations

    result = send_confirmations(get_settings(), today=datetime.now(UTC).date())
    print(
        f"confirmation e-mails sent: {result['confirmations']} (already sent before: {result['already_sent']})"
    )
    return 0
