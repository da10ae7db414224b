"""Pytest setup: make ``lib`` (``from lib import phone``) and the vendors' pure units
(``from pbx_callcenter.vendors.zadarma import protocol``) importable without Odoo, and load
shared fixtures."""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
import types
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
MODULE = ROOT / "odoo_addon" / "pbx_callcenter"
sys.path.insert(0, str(MODULE))

# The module's package without its __init__ (which imports Odoo): the vendors' protocol modules
# import ``...lib`` relatively, so they load as pbx_callcenter.vendors.<name>.protocol, and
# ``lib.x`` is the same module object as ``pbx_callcenter.lib.x`` (one PayloadError class).
_package = types.ModuleType("pbx_callcenter")
_package.__path__ = [str(MODULE)]
sys.modules.setdefault("pbx_callcenter", _package)
# and its tests package without its __init__ (which imports the Odoo tests): pure test helpers
_tests = types.ModuleType("pbx_callcenter.tests")
_tests.__path__ = [str(MODULE / "tests")]
sys.modules.setdefault("pbx_callcenter.tests", _tests)
sys.modules["lib"] = importlib.import_module("pbx_callcenter.lib")
for _info in pkgutil.iter_modules([str(MODULE / "lib")]):
    sys.modules[f"lib.{_info.name}"] = importlib.import_module(f"pbx_callcenter.lib.{_info.name}")

FIXTURES = ROOT / "tests" / "fixtures"


def fixture_cases(name: str) -> list[dict[str, Any]]:
    """The ``cases`` of a shared JSON fixture in tests/fixtures."""
    with (FIXTURES / name).open(encoding="utf-8") as handle:
        return json.load(handle)["cases"]
