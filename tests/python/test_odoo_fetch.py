"""scripts/odoo_lib.sh odoo_fetch / odoo_demo_src and scripts/test_odoo.sh's PBX_FETCH_ODOO, run by bash.

A local git repository made here stands in for github.com/odoo/odoo: branches 17.0 and 19.0, two
commits each, holding the files the scripts read to decide on a tree and its version (odoo-bin,
odoo/release.py's version_info); no Odoo source.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "scripts" / "odoo_lib.sh"
TEST_ODOO = ROOT / "scripts" / "test_odoo.sh"
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def make_repo(path: Path, branches: dict[str, int]) -> Path:
    """A git repository with one branch per {name: major}, each two commits of a fake Odoo tree."""
    git("init", "-q", str(path), cwd=path.parent)
    for branch, major in branches.items():
        git("checkout", "-q", "--orphan", branch, cwd=path)
        git("rm", "-rqf", "--ignore-unmatch", ".", cwd=path)
        (path / "odoo").mkdir(exist_ok=True)
        (path / "odoo-bin").write_text("#!/usr/bin/env python3\n")
        (path / "odoo" / "release.py").write_text(f"version_info = ({major}, 0, 0, 'final', 0, '')\n")
        git("add", "-A", cwd=path)
        git("commit", "-qm", f"{branch}: first", cwd=path)
        (path / "odoo-bin").write_text("#!/usr/bin/env python3\n# second commit\n")
        git("commit", "-qam", f"{branch}: second", cwd=path)
    return path


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return make_repo(tmp_path_factory.mktemp("upstream") / "odoo", {"17.0": 17, "19.0": 19})


def run(script: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """bash -c 'source odoo_lib.sh; <script>' with HOME in tmp_path and no Odoo variable inherited."""
    clean = {k: v for k, v in os.environ.items()
             if k not in {"ODOO_SRC", "ODOO_GIT_URL", "PBX_ODOO_CACHE", "PBX_FETCH_ODOO",
                          "XDG_CACHE_HOME", "ODOO_SEARCH_DIRS"}}
    clean.update(GIT_ENV, HOME=str(tmp_path / "home"), **env)
    return subprocess.run(["bash", "-c", f'source "{LIB}"; {script}'], env=clean, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


def fetch(version: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    return run(f"odoo_fetch {version}", tmp_path, **env)


def entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.exists() else []


@pytest.mark.parametrize("version", ["17.0", "19.0"])
def test_clones_that_branch_shallowly_into_the_default_cache(repo, tmp_path, version):
    r = fetch(version, tmp_path, XDG_CACHE_HOME=str(tmp_path / "xdg"), ODOO_GIT_URL=str(repo))
    assert r.returncode == 0, r.stderr
    tree = tmp_path / "xdg" / "pbx_callcenter" / "odoo" / version
    assert r.stdout == f"{tree}\n"
    assert git("rev-parse", "--is-shallow-repository", cwd=tree) == "true"
    assert git("rev-list", "--count", "HEAD", cwd=tree) == "1"
    assert git("rev-parse", "HEAD", cwd=tree) == git("rev-parse", version, cwd=repo)
    assert f"({version[:2]}, 0, 0" in (tree / "odoo" / "release.py").read_text()
    assert "Receiving objects: 100%" in r.stderr   # git's progress reaches the terminal
    assert entries(tree.parent) == [version]        # no temporary clone left


def test_a_cached_tree_is_used_without_the_url(repo, tmp_path):
    cache = tmp_path / "cache"
    first = fetch("19.0", tmp_path, PBX_ODOO_CACHE=str(cache), ODOO_GIT_URL=str(repo))
    assert first.returncode == 0, first.stderr
    again = fetch("19.0", tmp_path, PBX_ODOO_CACHE=str(cache), ODOO_GIT_URL=str(tmp_path / "gone"))
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout == f"{cache / '19.0'}\n"
    assert "cached: branch 19.0 of file://" in again.stderr
    assert "Cloning" not in again.stderr


def test_odoo_src_wins_and_nothing_is_cloned(repo, tmp_path):
    own = make_repo(tmp_path / "own", {"17.0": 17})
    cache = tmp_path / "cache"
    r = fetch("19.0", tmp_path, ODOO_SRC=str(own), PBX_ODOO_CACHE=str(cache), ODOO_GIT_URL=str(repo))
    assert (r.returncode, r.stdout) == (0, f"{own}\n")
    assert not cache.exists()
    bad = fetch("19.0", tmp_path, ODOO_SRC=str(tmp_path), PBX_ODOO_CACHE=str(cache), ODOO_GIT_URL=str(repo))
    assert bad.returncode == 1 and bad.stdout == ""
    assert f"ODOO_SRC={tmp_path} has no odoo-bin" in bad.stderr
    assert not cache.exists()


def test_an_unreachable_url_gives_one_message_and_leaves_no_tree(tmp_path):
    cache = tmp_path / "cache"
    gone = tmp_path / "gone"
    r = fetch("19.0", tmp_path, PBX_ODOO_CACHE=str(cache), ODOO_GIT_URL=str(gone))
    assert r.returncode == 1 and r.stdout == ""
    lines = r.stderr.splitlines()
    assert lines == [
        f"[odoo fetch] FAILED to fetch Odoo 19.0: git cannot read {gone}:",
        f"[odoo fetch]     fatal: '{gone}' does not appear to be a git repository",
        "[odoo fetch] Set ODOO_SRC to an Odoo 19.0 source tree, or ODOO_GIT_URL to a reachable git"
        " mirror of odoo/odoo, or put a tree at /opt/odoo/19.0.",
    ]
    assert entries(cache) == []


def test_a_missing_branch_is_named(repo, tmp_path):
    cache = tmp_path / "cache"
    r = fetch("18.0", tmp_path, PBX_ODOO_CACHE=str(cache), ODOO_GIT_URL=str(repo))
    assert r.returncode == 1
    assert f"FAILED to fetch Odoo 18.0: file://{repo} has no branch 18.0" in r.stderr
    assert entries(cache) == []


def test_a_branch_holding_another_version_is_refused(tmp_path):
    wrong = make_repo(tmp_path / "wrong", {"19.0": 17})
    cache = tmp_path / "cache"
    r = fetch("19.0", tmp_path, PBX_ODOO_CACHE=str(cache), ODOO_GIT_URL=str(wrong))
    assert r.returncode == 1
    assert "holds no Odoo 19.0" in r.stderr
    assert entries(cache) == []


def test_an_unsupported_version_is_refused(repo, tmp_path):
    r = fetch("16.0", tmp_path, PBX_ODOO_CACHE=str(tmp_path / "cache"), ODOO_GIT_URL=str(repo))
    assert r.returncode == 1
    assert "unsupported Odoo version '16.0' (supported: 17.0 18.0 19.0)" in r.stderr
    assert not (tmp_path / "cache").exists()


def test_a_half_cached_tree_is_fetched_again(repo, tmp_path):
    cache = tmp_path / "cache"
    assert fetch("19.0", tmp_path, PBX_ODOO_CACHE=str(cache), ODOO_GIT_URL=str(repo)).returncode == 0
    (cache / "19.0" / "odoo-bin").unlink()
    r = fetch("19.0", tmp_path, PBX_ODOO_CACHE=str(cache), ODOO_GIT_URL=str(repo))
    assert r.returncode == 0, r.stderr
    assert "is not a complete Odoo 19.0 tree" in r.stderr and "Receiving objects" in r.stderr
    assert (cache / "19.0" / "odoo-bin").is_file()


# Stands in for ssh (GIT_SSH_VARIANT=simple: called as `ssh <host> <command>`): runs the command
# here; its second call, the clone after ls-remote, kills its whole process group (kill -9 0),
# as a power cut or `kill -9` would, before git has received anything.
KILLING_SSH = """#!/bin/sh
n=$(cat "$0.calls" 2>/dev/null || echo 0); echo $((n + 1)) >"$0.calls"
[ "$n" -ge 1 ] && kill -9 0
exec sh -c "$2"
"""


def test_a_killed_clone_never_counts_and_is_cleared_next_time(repo, tmp_path):
    ssh = tmp_path / "ssh"
    ssh.write_text(KILLING_SSH)
    ssh.chmod(0o755)
    cache = tmp_path / "cache"
    env = {**os.environ, **GIT_ENV, "HOME": str(tmp_path), "PBX_ODOO_CACHE": str(cache),
           "ODOO_GIT_URL": f"localhost:{repo}", "GIT_SSH_COMMAND": str(ssh), "GIT_SSH_VARIANT": "simple"}
    env.pop("ODOO_SRC", None)
    killed = subprocess.run(["bash", "-c", f'source "{LIB}"; odoo_fetch 19.0'], env=env,
                            capture_output=True, text=True, timeout=60, start_new_session=True)
    assert killed.returncode == -9, killed.stderr
    assert (ssh.parent / "ssh.calls").read_text() == "2\n"
    assert [p.startswith(".19.0.part.") for p in entries(cache)] == [True]   # no 19.0
    r = fetch("19.0", tmp_path, PBX_ODOO_CACHE=str(cache), ODOO_GIT_URL=str(repo))
    assert r.returncode == 0, r.stderr
    assert entries(cache) == ["19.0"]


def test_a_folder_not_made_by_a_fetch_is_left_alone(repo, tmp_path):
    cache = tmp_path / "cache"
    (cache / "19.0").mkdir(parents=True)
    (cache / "19.0" / "notes.txt").write_text("mine")
    r = fetch("19.0", tmp_path, PBX_ODOO_CACHE=str(cache), ODOO_GIT_URL=str(repo))
    assert r.returncode == 1
    assert "is not an Odoo 19.0 tree, nor a fetch of ours: move it away" in r.stderr
    assert (cache / "19.0" / "notes.txt").read_text() == "mine"


def pick(tmp_path: Path, dirs: str, **env: str) -> subprocess.CompletedProcess:
    return run(f'odoo_demo_src {dirs} && echo "$ODOO_PICKED_FROM $ODOO_PICKED"', tmp_path, **env)


def test_the_demo_fetches_19_when_no_tree_is_found(repo, tmp_path):
    cache = tmp_path / "cache"
    r = pick(tmp_path, f"{tmp_path}/19.0 {tmp_path}/18.0 {tmp_path}/17.0",
             PBX_ODOO_CACHE=str(cache), ODOO_GIT_URL=str(repo))
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"fetched {cache / '19.0'}\n"
    assert git("rev-parse", "HEAD", cwd=cache / "19.0") == git("rev-parse", "19.0", cwd=repo)


def test_the_demo_takes_the_first_tree_found_or_odoo_src_without_fetching(repo, tmp_path):
    found = make_repo(tmp_path / "18.0", {"18.0": 18})
    cache = tmp_path / "cache"
    env = {"PBX_ODOO_CACHE": str(cache), "ODOO_GIT_URL": str(repo)}
    r = pick(tmp_path, f"{tmp_path}/19.0 {found} {tmp_path}/17.0", **env)
    assert (r.returncode, r.stdout) == (0, f"found {found}\n")
    r = pick(tmp_path, f"{tmp_path}/19.0", ODOO_SRC=str(found), **env)
    assert (r.returncode, r.stdout) == (0, f"ODOO_SRC {found}\n")
    assert not cache.exists()
    r = pick(tmp_path, f"{tmp_path}/19.0", PBX_ODOO_CACHE=str(cache), ODOO_GIT_URL=str(tmp_path / "gone"))
    assert r.returncode == 1 and r.stdout == ""
    assert "FAILED to fetch Odoo 19.0" in r.stderr


def run_test_odoo(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    return run(f'bash "{TEST_ODOO}"', tmp_path, ODOO_SEARCH_DIRS=str(tmp_path / "none"),
               RUN_DIR=str(tmp_path / "run"), **env)


def test_the_odoo_tier_skips_and_fetches_nothing_unless_asked(repo, tmp_path):
    cache = tmp_path / "cache"
    r = run_test_odoo(tmp_path, PBX_ODOO_CACHE=str(cache), ODOO_GIT_URL=str(repo))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "\nSKIPPED: no Odoo source (set ODOO_SRC" in r.stdout
    assert r.stdout.splitlines()[-1] == "0 passed, 0 failed"
    assert not cache.exists()


def test_a_failed_fetch_asked_for_counts_one_failure(repo, tmp_path):
    cache = tmp_path / "cache"
    r = run_test_odoo(tmp_path, PBX_FETCH_ODOO="18.0", PBX_ODOO_CACHE=str(cache), ODOO_GIT_URL=str(repo))
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert lines[-2:] == ["TIER2 odoo18: passed=0 failed=1 (fetch of Odoo 18.0 failed)", "0 passed, 1 failed"]
    assert "SKIPPED" not in r.stdout
    assert "has no branch 18.0" in r.stderr


def test_fetch_1_asks_for_every_supported_version(tmp_path):
    r = run_test_odoo(tmp_path, PBX_FETCH_ODOO="1", PBX_ODOO_CACHE=str(tmp_path / "cache"),
                      ODOO_GIT_URL=str(tmp_path / "gone"))
    assert r.returncode == 1
    assert r.stdout.splitlines()[-4:] == [
        *(f"TIER2 odoo{v}: passed=0 failed=1 (fetch of Odoo {v}.0 failed)" for v in (17, 18, 19)),
        "0 passed, 3 failed",
    ]
    assert r.stderr.count("FAILED to fetch Odoo") == 3
