# Shared by the scripts that run Odoo (test_odoo.sh, i18n_export.sh, demo.sh, bench.sh):
#   source "$(dirname "${BASH_SOURCE[0]}")/odoo_lib.sh"      (sets REPO, and PY unless set)

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"   # the repository this file is in
PY="${PY:-${ODOO_PYTHON:-/usr/bin/python3}}"              # the interpreter for odoo-bin

odoo_run_dir() {  # [<sub>]: RUN_DIR becomes ${RUN_DIR:-$REPO/.run}[/<sub>], created and absolute
                  # (relative to the current folder)
    RUN_DIR="${RUN_DIR:-$REPO/.run}${1:+/$1}"
    mkdir -p "$RUN_DIR" && RUN_DIR="$(cd "$RUN_DIR" && pwd)"
}

odoo_major() {  # prints 17, 18 ... from <src>/odoo/release.py
    sed -n 's/^version_info *= *(\([0-9][0-9]*\),.*/\1/p' "$1/odoo/release.py" 2>/dev/null | head -n1
}

odoo_addons_path() {  # Odoo's own addons of <src>: odoo/addons when it holds them (never the stale
                      # top-level addons/ of the 18.0 copy), else both folders
    if [[ -d "$1/odoo/addons/crm" ]]; then echo "$1/odoo/addons"; else echo "$1/addons,$1/odoo/addons"; fi
}

odoo_without_demo() {  # the option that installs no demo data, as <major> reads it: 19 takes a
                       # boolean (and warns on "all"), 17 and 18 a module list
    if [[ "${1:-0}" -ge 19 ]]; then echo "--without-demo=True"; else echo "--without-demo=all"; fi
}

odoo_with_demo() {  # the option that installs demo data, as <major> reads it: 19 installs none
                    # unless told (--with-demo); 17 and 18 do by default (nothing printed)
    if [[ "${1:-0}" -ge 19 ]]; then echo "--with-demo"; fi
}

free_port() {  # the first TCP port from <start> (200 tried) that nobody listens on
    "$PY" - "$1" <<'PYEOF'
import socket, sys
start = int(sys.argv[1])
for port in range(start, start + 200):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
PYEOF
}

# ---- fetching Odoo ------------------------------------------------------------------------------
ODOO_VERSIONS=(17.0 18.0 19.0)   # the supported versions, oldest first

odoo_tree_ok() {  # <dir> [<version>]: true when <dir> holds odoo-bin and odoo/release.py (of
                  # <version>'s major when given)
    [[ -f "$1/odoo-bin" && -f "$1/odoo/release.py" ]] || return 1
    [[ -z "${2:-}" || "$(odoo_major "$1")" == "${2%%.*}" ]]
}

odoo_cache_dir() {  # <version>: where odoo_fetch keeps it
    echo "${PBX_ODOO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pbx_callcenter/odoo}/$1"
}

# odoo_fetch <version>: prints the path of an Odoo <version> source tree; messages and git's
# progress go to stderr. ODOO_SRC when set (never fetched); else the tree an earlier fetch left in
# PBX_ODOO_CACHE (default ~/.cache/pbx_callcenter/odoo)/<version> (no network); else a shallow
# clone of branch <version> of ODOO_GIT_URL (default the public odoo/odoo), made in a temporary
# folder and renamed once complete, so an interrupted clone never counts as a tree. A cached tree
# that lost odoo-bin or odoo/release.py is fetched again. Exit 1 with one message when it cannot.
# Odoo's Python dependencies come from Debian (scripts/setup.sh).
odoo_fetch() (
    set +e   # every failure is handled below, also under a caller's set -e
    v="${1:-}"
    url="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"
    say() { echo "[odoo fetch] $*" >&2; }
    if [[ -n "${ODOO_SRC:-}" ]]; then
        odoo_tree_ok "$ODOO_SRC" || { say "ODOO_SRC=$ODOO_SRC has no odoo-bin / odoo/release.py"; exit 1; }
        cd "$ODOO_SRC" && pwd
        exit
    fi
    if [[ " ${ODOO_VERSIONS[*]} " != *" $v "* ]]; then
        say "unsupported Odoo version '$v' (supported: ${ODOO_VERSIONS[*]})"; exit 1
    fi
    fail() {  # <what failed> [git's line]
        say "FAILED to fetch Odoo $v: $1"
        [[ -n "${2:-}" ]] && say "    $2"
        say "Set ODOO_SRC to an Odoo $v source tree, or ODOO_GIT_URL to a reachable git mirror of" \
            "odoo/odoo, or put a tree at /opt/odoo/$v."
        exit 1
    }
    dir="$(odoo_cache_dir "$v")"
    cache="$(dirname "$dir")"
    mkdir -p "$cache" 2>/dev/null || fail "cannot create $cache (PBX_ODOO_CACHE to put it elsewhere)"
    cache="$(cd "$cache" && pwd)"; dir="$cache/$v"
    marker="$dir/.git/pbx_callcenter_fetch"   # written by a complete fetch of ours
    exec {lock}>"$cache/.$v.lock"
    flock -n "$lock" || { say "waiting for another fetch of Odoo $v into $dir"; flock "$lock"; }
    rm -rf "$cache/.$v.part."*   # left by an interrupted fetch (the lock says none runs now)
    if odoo_tree_ok "$dir" "$v"; then
        say "using Odoo $v at $dir (cached$([[ -f "$marker" ]] && echo ": $(cat "$marker")"))"
        echo "$dir"
        exit 0
    fi
    if [[ -e "$dir" || -L "$dir" ]]; then
        [[ -f "$marker" ]] || fail "$dir exists but is not an Odoo $v tree, nor a fetch of ours: move it away"
        say "$dir is not a complete Odoo $v tree (odoo-bin or odoo/release.py missing): fetching it again"
        rm -rf "$dir"
    fi
    # a local path as file:// (git ignores --depth for a plain path)
    [[ "$url" != *:* && -d "$url" ]] && url="file://$(cd "$url" && pwd)"
    export GIT_TERMINAL_PROMPT=0   # never ask for a password: fail instead
    err="$(timeout 60 git ls-remote --exit-code --heads "$url" "refs/heads/$v" 2>&1 >/dev/null)"
    case $? in
        0) ;;
        2) fail "$url has no branch $v" ;;
        124) fail "no answer from $url within 60 s" ;;
        *) fail "git cannot read $url:" "$(grep -m1 '^fatal:' <<<"$err" || tail -n1 <<<"$err")" ;;
    esac
    tmp="$(mktemp -d "$cache/.$v.part.XXXXXX")" || fail "cannot create a folder in $cache"
    trap 'rm -rf "$tmp"' EXIT
    say "fetching Odoo $v: shallow clone of branch $v of $url into $dir"
    start=$SECONDS
    git -c http.lowSpeedLimit=1000 -c http.lowSpeedTime=60 clone --depth 1 --single-branch \
        --branch "$v" --progress "$url" "$tmp" >&2 || fail "git clone of branch $v of $url failed (above)"
    odoo_tree_ok "$tmp" "$v" || fail "branch $v of $url holds no Odoo $v (odoo-bin, odoo/release.py)"
    commit="$(git -C "$tmp" rev-parse --short=12 HEAD)"
    echo "branch $v of $url at $commit, fetched $(date -u +%FT%TZ)" >"$tmp/.git/pbx_callcenter_fetch"
    mv -T "$tmp" "$dir" || fail "cannot rename $tmp to $dir"
    say "Odoo $v ($commit) fetched into $dir in $((SECONDS - start))s"
    echo "$dir"
)

odoo_demo_src() {  # <dir>... newest first: sets ODOO_PICKED to the tree the demo runs on and
                   # ODOO_PICKED_FROM to how: ODOO_SRC; else "found", the first <dir> with odoo-bin;
                   # else "fetched", the newest supported version by odoo_fetch. Status 1 if none.
    ODOO_PICKED="" ODOO_PICKED_FROM=""
    if [[ -n "${ODOO_SRC:-}" ]]; then ODOO_PICKED="$ODOO_SRC" ODOO_PICKED_FROM=ODOO_SRC; return 0; fi
    local d
    for d in "$@"; do
        if [[ -f "$d/odoo-bin" ]]; then ODOO_PICKED="$d" ODOO_PICKED_FROM=found; return 0; fi
    done
    ODOO_PICKED="$(odoo_fetch "${ODOO_VERSIONS[-1]}")" || return 1
    ODOO_PICKED_FROM=fetched
}
