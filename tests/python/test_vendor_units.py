"""The vendor units (odoo_addon/pbx_callcenter/vendors/<name>/): the core names no unit, no unit
imports another, each pure protocol loads without Odoo, and every unit listed is loaded."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from pbx_callcenter import vendors

MODULE = Path(__file__).resolve().parents[2] / "odoo_addon" / "pbx_callcenter"
CORE = ("models", "controllers", "lib")


def _imports(path: Path) -> list[str]:
    """The modules a Python file imports, relative ones written with their dots."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            names += [base] + [f"{base}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


def test_every_listed_unit_is_a_folder_and_every_folder_is_listed():
    folders = sorted(p.name for p in (MODULE / "vendors").iterdir()
                     if p.is_dir() and not p.name.startswith("__"))
    assert sorted(vendors.VENDORS) == folders


@pytest.mark.parametrize("part", CORE)
def test_the_core_imports_no_vendor_unit(part):
    offenders = {str(path.relative_to(MODULE)): [name for name in _imports(path) if "vendors" in name]
                 for path in (MODULE / part).rglob("*.py")}
    assert {path: names for path, names in offenders.items() if names} == {}


@pytest.mark.parametrize("unit", vendors.VENDORS)
def test_a_unit_imports_no_other_unit(unit):
    others = set(vendors.VENDORS) - {unit}
    found = {str(path.relative_to(MODULE)): name
             for path in (MODULE / "vendors" / unit).rglob("*.py")
             for name in _imports(path)
             if any(f"vendors.{other}" in name or name.startswith(f"..{other}") for other in others)}
    assert found == {}


@pytest.mark.parametrize("unit", [u for u in vendors.VENDORS if (MODULE / "vendors" / u / "protocol.py").exists()])
def test_a_units_protocol_is_pure(unit):
    module = importlib.import_module(f"pbx_callcenter.vendors.{unit}.protocol")
    assert not [name for name in _imports(Path(module.__file__)) if name.split(".")[0] == "odoo"]


@pytest.mark.parametrize("unit", vendors.VENDORS)
def test_a_unit_has_its_odoo_side_for_load(unit):
    assert (MODULE / "vendors" / unit / "models.py").exists()
    assert (MODULE / "vendors" / unit / "controllers.py").exists()
