"""Checks the `node` found on PATH against package.json's engines.node (scripts/setup.sh runs it).

    /usr/bin/python3 scripts/check_node.py [path/to/package.json]

Exit 0 and one line when it satisfies the range; exit 1 and one message (what is required, what
was found, how to fix) when node is missing or its version is outside the range; exit 2 when
engines.node is missing or uses a syntax read here: alternatives joined by `||`, each made of
space-separated `^`, `~`, `>=`, `>`, `<=`, `<`, `=` or bare versions, partial ones (`>=24`) too.
"""

import json
import os
import re
import shutil
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMPARATOR = re.compile(r"^(\^|~|>=|>|<=|<|=)?v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$")
VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)")


class RangeError(ValueError):
    """engines.node is not in the syntax this script reads."""


def _bump(parts, index):
    """The lowest version above every version starting with parts[:index + 1]."""
    return tuple(parts[:index]) + (parts[index] + 1,) + (0,) * (2 - index)


def _comparator_allows(text, version):
    match = COMPARATOR.match(text)
    if not match:
        raise RangeError(text)
    op = match.group(1) or "="
    given = [int(g) for g in match.group(2, 3, 4) if g is not None]
    low = tuple(given + [0] * (3 - len(given)))
    if op == ">=":
        return version >= low
    if op == "<":
        return version < low
    if op == ">":
        return version >= _bump(low, len(given) - 1)
    if op == "<=":
        return version < _bump(low, len(given) - 1)
    if op == "^":  # up to the next change of the first non-zero part given
        first = next((i for i, part in enumerate(given) if part), len(given) - 1)
        return low <= version < _bump(low, first)
    if op == "~":  # patch changes only (minor ones too when only the major is given)
        return low <= version < _bump(low, min(1, len(given) - 1))
    return low <= version < _bump(low, len(given) - 1)  # "=" or bare: exact, or any of "20.x"


def satisfies(version, node_range):
    """Whether version (a (major, minor, patch) tuple) is in the npm range node_range."""
    alternatives = [alt.split() for alt in node_range.split("||")]
    if not node_range.strip() or any(not alt for alt in alternatives):
        raise RangeError(node_range)
    return any(all(_comparator_allows(c, version) for c in alt) for alt in alternatives)


def main(argv):
    package_json = argv[1] if len(argv) > 1 else os.path.join(REPO, "package.json")
    with open(package_json, encoding="utf-8") as fh:
        node_range = (json.load(fh).get("engines") or {}).get("node")
    if not isinstance(node_range, str):
        print("%s has no engines.node to check node against" % package_json)
        return 2
    fix = ("Fix: install a Node.js that matches (`nvm install` reads .nvmrc) and put it first on "
           "PATH, then run scripts/setup.sh again.")
    node = shutil.which("node")
    if not node:
        print("Node.js is required (package.json engines.node: %s) but no `node` is on PATH. %s"
              % (node_range, fix))
        return 1
    found = subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    match = VERSION.match(found)
    try:
        ok = bool(match) and satisfies(tuple(int(g) for g in match.groups()), node_range)
    except RangeError as error:
        print("package.json engines.node %r: cannot read %r (supported: ^ ~ >= > <= < = and ||)"
              % (node_range, str(error)))
        return 2
    if not ok:
        print("Node.js %s is required (package.json engines.node), found %s at %s. %s"
              % (node_range, found or "no version", node, fix))
        return 1
    print("Node.js %s at %s satisfies engines.node %s" % (found, node, node_range))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
