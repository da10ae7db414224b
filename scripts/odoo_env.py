"""The running Odoo that scripts/bench.sh and scripts/test_all.sh describe to what they start.

Read by the Python benches (scripts/bench_*.py) and the live tests (tests/live/support): the
PBX_ODOO_* variables of those runners' headers, each with its default. Stdlib only.
"""
import os
from typing import NamedTuple


class OdooEnv(NamedTuple):
    url: str        # PBX_ODOO_URL, without a trailing /
    db: str         # PBX_ODOO_DB
    login: str      # PBX_ODOO_LOGIN (admin)
    password: str   # PBX_ODOO_PASSWORD (admin)
    version: str    # PBX_ODOO_VERSION: 17, 18, 19
    src: str        # PBX_ODOO_SRC: the Odoo source tree
    addons: str     # PBX_ODOO_ADDONS_PATH: the full --addons-path
    python: str     # PBX_ODOO_PYTHON, else ODOO_PYTHON, else Debian's /usr/bin/python3


def odoo_env(url="", version=""):
    """The PBX_ODOO_* variables; `url` and `version` are the defaults of those two."""
    get = os.environ.get
    return OdooEnv(
        url=get("PBX_ODOO_URL", url).rstrip("/"),
        db=get("PBX_ODOO_DB", ""),
        login=get("PBX_ODOO_LOGIN", "admin"),
        password=get("PBX_ODOO_PASSWORD", "admin"),
        version=get("PBX_ODOO_VERSION", version),
        src=get("PBX_ODOO_SRC", ""),
        addons=get("PBX_ODOO_ADDONS_PATH", ""),
        python=get("PBX_ODOO_PYTHON") or get("ODOO_PYTHON") or "/usr/bin/python3",
    )
