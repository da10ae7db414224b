"""Pytest setup: make ``lib`` importable (``from lib import phone``) and load shared fixtures."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "odoo_addon" / "pbx_callcenter"))

FIXTURES = ROOT / "tests" / "fixtures"


def fixture_cases(name: str) -> list[dict[str, Any]]:
    """The ``cases`` of a shared JSON fixture in tests/fixtures."""
    with (FIXTURES / name).open(encoding="utf-8") as handle:
        return json.load(handle)["cases"]
