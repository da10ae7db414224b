"""scripts/check_node.py, the Node.js version check of scripts/setup.sh, run as setup.sh runs it.

The `node` it meets is a two-line shell script written here that prints a chosen `node --version`
(e.g. v16.0.0), alone on PATH: no other Node.js is installed for these tests.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / "scripts" / "check_node.py"
RANGE = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["engines"]["node"]

spec = importlib.util.spec_from_file_location("check_node", CHECK)
check_node = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_node)


def run_check(tmp_path: Path, version: str | None, package_json: Path | None = None):
    """Runs the check with only a fake `node` printing `version` on PATH (none when None)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    if version is not None:
        node = bin_dir / "node"
        node.write_text(f"#!/bin/sh\necho {version}\n")
        node.chmod(0o755)
    args = [sys.executable, str(CHECK)] + ([str(package_json)] if package_json else [])
    return subprocess.run(args, env={"PATH": str(bin_dir)}, capture_output=True, text=True, check=False)


def test_node_16_is_refused_saying_what_is_required_what_was_found_and_how_to_fix(tmp_path):
    result = run_check(tmp_path, "v16.0.0")
    assert result.returncode == 1
    message = result.stdout.strip()
    assert "\n" not in message
    assert f"Node.js {RANGE} is required" in message
    assert f"found v16.0.0 at {tmp_path / 'bin' / 'node'}" in message
    assert "`nvm install` reads .nvmrc" in message


@pytest.mark.parametrize("version, ok", [
    ("v20.18.1", False), ("v20.19.0", True), ("v20.20.2", True), ("v21.7.3", False), ("v22.12.0", False),
    ("v22.13.0", True), ("v23.11.1", False), ("v24.0.0", True), ("v26.1.0", True),
])
def test_the_package_json_range_is_enforced_at_its_edges(tmp_path, version, ok):
    result = run_check(tmp_path, version)
    assert (result.returncode, version in result.stdout) == (0 if ok else 1, True)


def test_no_node_on_path_is_refused(tmp_path):
    result = run_check(tmp_path, None)
    assert result.returncode == 1
    assert "no `node` is on PATH" in result.stdout


@pytest.mark.parametrize("engines", [{}, {"node": "20.x"}, {"node": ">=20 ||"}])
def test_a_range_it_cannot_read_is_an_error_not_a_pass(tmp_path, engines):
    package_json = tmp_path / "package.json"
    package_json.write_text(json.dumps({"engines": engines}))
    assert run_check(tmp_path, "v20.20.2", package_json).returncode == 2


@pytest.mark.parametrize("node_range, version, ok", [
    ("^0.2.3", (0, 2, 9), True), ("^0.2.3", (0, 3, 0), False), ("^0.0.3", (0, 0, 4), False),
    ("~1.2", (1, 2, 9), True), ("~1.2", (1, 3, 0), False), ("~1", (1, 9, 0), True),
    (">20", (20, 99, 0), False), (">20.1.2", (20, 1, 3), True), ("<=20", (20, 9, 9), True),
    ("20.1.2", (20, 1, 2), True), ("20.1", (20, 2, 0), False), (">=18 <20", (20, 0, 0), False),
])
def test_npm_range_operators(node_range, version, ok):
    assert check_node.satisfies(version, node_range) is ok
