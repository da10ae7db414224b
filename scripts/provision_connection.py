#!/usr/bin/env python3
"""Create a PBX connection in a running Odoo and print its API token (shown this once).

    python3 scripts/provision_connection.py --url http://localhost:8069 --db mydb \
        --login admin --password admin --name "Head office PBX" [--kind asterisk] \
        [--country VN] [--tz Asia/Ho_Chi_Minh] [--extension 101=alice@example.com ...]

The user must be a Call Center manager. Talks XML-RPC (stdlib only), so it runs anywhere.
Prints JSON: {"id": <connection id>, "token": "pbx_..."}.
"""
import argparse
import json
import sys
import xmlrpc.client


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--kind", default="generic")
    parser.add_argument("--country", help="ISO code used to read national numbers, e.g. VN")
    parser.add_argument("--tz", help="timezone of the PBX's naive dates, e.g. Europe/Paris")
    parser.add_argument("--extension", action="append", default=[],
                        help="NUMBER or NUMBER=user-login-or-email, repeatable")
    args = parser.parse_args(argv)

    common = xmlrpc.client.ServerProxy(f"{args.url}/xmlrpc/2/common", allow_none=True)
    uid = common.authenticate(args.db, args.login, args.password, {})
    if not uid:
        sys.exit("authentication failed")
    models = xmlrpc.client.ServerProxy(f"{args.url}/xmlrpc/2/object", allow_none=True)

    def call(model, method, *params, **kw):
        try:
            return models.execute_kw(args.db, uid, args.password, model, method, list(params), kw)
        except xmlrpc.client.Fault as fault:
            sys.exit(f"Odoo refused {model}.{method}: {fault.faultString.strip().splitlines()[-1]}")

    vals = {"name": args.name, "kind": args.kind}
    if args.country:
        country = call("res.country", "search", [("code", "=", args.country.upper())], limit=1)
        if not country:
            sys.exit(f"unknown country {args.country}")
        vals["country_id"] = country[0]
    if args.tz:
        vals["tz"] = args.tz
    result = call("pbx.connection", "provision", vals)

    for spec in args.extension:
        number, _, who = spec.partition("=")
        ext = {"connection_id": result["id"], "name": number}
        if who:
            users = call("res.users", "search",
                         ["|", ("login", "=", who), ("email", "=", who)], limit=1)
            if not users:
                sys.exit(f"no user with login or email {who}")
            ext["user_id"] = users[0]
        call("pbx.extension", "create", ext)

    print(json.dumps(result))


if __name__ == "__main__":
    main()
