#!/usr/bin/env python3
"""Create a PBX connection in a running Odoo and print its API token (shown this once).

    python3 scripts/provision_connection.py --url http://localhost:8069 --db mydb \
        --api-key KEY [--login admin] --name "Head office PBX" [--kind asterisk] \
        [--country VN] [--tz Asia/Ho_Chi_Minh] [--extension 101=alice@example.com ...]

The user must be a Call Center manager. Stdlib only, so it runs anywhere. It talks what the
server recommends: with an API key (`--api-key`, or ODOO_API_KEY; Preferences > Account
Security > New API Key), Odoo 19's JSON-2 API (POST /json/2/<model>/<method>, the key as
bearer); Odoo 17 and 18 have none, so there it falls back to XML-RPC with --login and the key in
place of the password. `--login` + `--password` (no key) is XML-RPC on every version: deprecated
on 19 (removed in Odoo 22), which the script then says.
Prints JSON: {"id": <connection id>, "token": "pbx_..."}.
"""
import argparse
import json
import os
import sys
import urllib.error
import urllib.request
import xmlrpc.client

TIMEOUT = 60  # seconds, every request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a JSON-2 one (Odoo 18 sends /json/... to its login page)."""

    def redirect_request(self, *args, **kwargs):
        return None


class Json2:
    """Odoo 19's external API: POST /json/2/<model>/<method> with named parameters."""

    def __init__(self, url, db, key):
        self.url, self.db, self.key = url, db, key

    def request(self, model, method, params):
        """(HTTP status, parsed JSON answer or None)."""
        request = urllib.request.Request(
            f"{self.url}/json/2/{model}/{method}", data=json.dumps(params).encode(), method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"bearer {self.key}",
                     "X-Odoo-Database": self.db})
        try:
            with urllib.request.build_opener(NoRedirect).open(request, timeout=TIMEOUT) as response:
                status, text = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read()
        try:
            return status, json.loads(text)
        except ValueError:
            return status, None

    def available(self):
        """Whether the server has JSON-2 (Odoo 19+) and takes the key; exits on a refused key."""
        status, body = self.request("res.users", "context_get", {})
        if status == 200 and isinstance(body, dict):
            return True
        if status in (401, 403) and isinstance(body, dict):
            sys.exit(f"Odoo refused the API key: {message_of(body, status)}")
        return False  # 17: 404; 18: a redirect to its login page (its /json/ is web pages)

    def call(self, model, method, **params):
        status, body = self.request(model, method, params)
        if status != 200 or body is None:
            sys.exit(f"Odoo refused {model}.{method}: {message_of(body, status)}")
        return body


def message_of(body, status):
    message = body.get("message") if isinstance(body, dict) else None
    return (message or f"HTTP {status}").strip().splitlines()[-1]


class XmlRpc:
    """XML-RPC (Odoo 17 and 18; deprecated on 19): the first parameter goes positionally (as
    Odoo's create needs), the others by name."""

    def __init__(self, url, db, login, secret):
        self.db, self.secret = db, secret
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", allow_none=True)
        self.major = common.version()["server_version_info"][0]
        self.uid = common.authenticate(db, login, secret, {})
        if not self.uid:
            sys.exit("authentication failed")
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def call(self, model, method, **params):
        first, *rest = params.items()
        try:
            return self.models.execute_kw(self.db, self.uid, self.secret, model, method,
                                          [first[1]], dict(rest))
        except xmlrpc.client.Fault as fault:
            sys.exit(f"Odoo refused {model}.{method}: {fault.faultString.strip().splitlines()[-1]}")


def connect(args):
    """JSON-2 when there is a key and the server has it, else XML-RPC."""
    if args.api_key:
        json2 = Json2(args.url, args.db, args.api_key)
        if json2.available():
            return json2
    if not args.login:
        sys.exit("--login is needed: this server has no JSON-2 API (Odoo 17 and 18): XML-RPC")
    rpc = XmlRpc(args.url, args.db, args.login, args.api_key or args.password)
    if rpc.major >= 19:
        print(f"note: XML-RPC is deprecated on Odoo {rpc.major} (removed in Odoo 22): pass "
              "--api-key to use its JSON-2 API", file=sys.stderr)
    return rpc


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--api-key", default=os.environ.get("ODOO_API_KEY"),
                        help="an API key of the user (default: $ODOO_API_KEY)")
    parser.add_argument("--login", help="needed for XML-RPC (Odoo 17, 18 or no --api-key)")
    parser.add_argument("--password", help="XML-RPC without an API key")
    parser.add_argument("--name", required=True)
    parser.add_argument("--kind", default="generic")
    parser.add_argument("--country", help="ISO code used to read national numbers, e.g. VN")
    parser.add_argument("--tz", help="timezone of the PBX's naive dates, e.g. Europe/Paris")
    parser.add_argument("--extension", action="append", default=[],
                        help="NUMBER or NUMBER=user-login-or-email, repeatable")
    args = parser.parse_args(argv)
    args.url = args.url.rstrip("/")
    if not (args.api_key or args.password):
        parser.error("--api-key (or ODOO_API_KEY) or --password is required")
    call = connect(args).call

    vals = {"name": args.name, "kind": args.kind}
    if args.country:
        country = call("res.country", "search", domain=[("code", "=", args.country.upper())],
                       limit=1)
        if not country:
            sys.exit(f"unknown country {args.country}")
        vals["country_id"] = country[0]
    if args.tz:
        vals["tz"] = args.tz
    result = call("pbx.connection", "provision", vals=vals)

    for spec in args.extension:
        number, _, who = spec.partition("=")
        ext = {"connection_id": result["id"], "name": number}
        if who:
            users = call("res.users", "search",
                         domain=["|", ("login", "=", who), ("email", "=", who)], limit=1)
            if not users:
                sys.exit(f"no user with login or email {who}")
            ext["user_id"] = users[0]
        call("pbx.extension", "create", vals_list=[ext])

    print(json.dumps(result))


if __name__ == "__main__":
    main()
