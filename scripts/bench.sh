#!/usr/bin/env bash
# Every benchmark (`npm run bench`). Prints each bench's figures; exit 1 if one failed.
#
#   scripts/bench_bundle.mjs     no Odoo needed: widget bundle size
#   scripts/bench_*.mjs|.py      every other bench runs against a live Odoo, once per version,
#                                with PBX_ODOO_URL, PBX_ODOO_DB, PBX_ODOO_LOGIN, PBX_ODOO_PASSWORD,
#                                PBX_ODOO_VERSION in its environment (admin/admin, module installed,
#                                no demo data). A new bench only has to be dropped in scripts/.
#
# Environment:
#   PBX_ODOO_URL + PBX_ODOO_DB   use that running Odoo (one version) instead of starting any
#   ODOO_SRC=/path/to/odoo       bench that Odoo only (default: /opt/odoo/17.0, 18.0 and 19.0, those
#                                present)
#   BENCH_CALLS=N                calls per latency bench (default 30)
#   BENCH_ONLY=popup,dial        run only those live benches (scripts/bench_<name>.*); e.g. popup
#                                (bench_popup.mjs) and click-to-dial (bench_dial.mjs) latency
#   ODOO_PYTHON                  interpreter for odoo-bin (default /usr/bin/python3)
#   BENCH_BIG=1 (or --big)       also scripts/benchmark_install.py per version: install, upgrade,
#                                table locks and lookups on 1,000,000 contacts + 200,000 leads,
#                                beside the ORM-compute install (tens of minutes; the seeded
#                                database big_bench_<major> is kept for the next run).
#                                BENCH_BIG_BASELINE=0 skips the ORM-compute install.
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/odoo_lib.sh"   # REPO, PY and the Odoo helpers
cd "$REPO"
odoo_run_dir bench || exit 1
export BENCH_CALLS="${BENCH_CALLS:-30}"
FAILED=0
[[ " $* " == *" --big "* ]] && BENCH_BIG=1

run_bench() {  # file [label]
    local file="$1" label="${2:-}"
    echo "--- $file${label:+ ($label)}"
    case "$file" in
        *.mjs) PBX_BENCH_LABEL="$label" node "$file" ;;
        *.py) PBX_BENCH_LABEL="$label" "$PY" "$file" ;;
    esac || { echo "FAILED: $file${label:+ on $label}"; FAILED=$((FAILED + 1)); }
}

live_benches() {
    local f
    for f in scripts/bench_*.mjs scripts/bench_*.py; do
        [[ -f "$f" && "$f" != scripts/bench_bundle.mjs ]] || continue
        if [[ -n "${BENCH_ONLY:-}" ]]; then
            local name="${f#scripts/bench_}"
            [[ ",$BENCH_ONLY," == *",${name%.*},"* ]] || continue
        fi
        echo "$f"
    done
}

# ---- no Odoo ---------------------------------------------------------------------------------
echo "==================== bundle ===================="
npm run --silent build -- --check >/dev/null 2>&1 || echo "WARNING: the generated bundle is stale (npm run build)"
run_bench scripts/bench_bundle.mjs

# ---- live Odoo -------------------------------------------------------------------------------
mapfile -t LIVE < <(live_benches)
if [[ ${#LIVE[@]} -eq 0 ]]; then
    echo "(no live benches)"
elif [[ -n "${PBX_ODOO_URL:-}" && -n "${PBX_ODOO_DB:-}" ]]; then
    echo "==================== live: $PBX_ODOO_URL ($PBX_ODOO_DB) ===================="
    export PBX_ODOO_LOGIN="${PBX_ODOO_LOGIN:-admin}" PBX_ODOO_PASSWORD="${PBX_ODOO_PASSWORD:-admin}"
    for f in "${LIVE[@]}"; do run_bench "$f" "${PBX_ODOO_VERSION:-odoo}"; done
else
    SRCS=()
    if [[ -n "${ODOO_SRC:-}" ]]; then SRCS=("$ODOO_SRC"); else
        for d in /opt/odoo/17.0 /opt/odoo/18.0 /opt/odoo/19.0; do [[ -f "$d/odoo-bin" ]] && SRCS+=("$d"); done
    fi
    [[ ${#SRCS[@]} -eq 0 ]] && { echo "FAILED: no Odoo source for the live benches (set ODOO_SRC)"; exit 1; }
    for src in "${SRCS[@]}"; do
        major="$(odoo_major "$src")"
        addons="$(odoo_addons_path "$src")"
        addons="$addons,$REPO/odoo_addon"
        db="pbxbench${major}_$("$PY" -c 'import secrets; print(secrets.token_hex(4))')"
        port="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
        log="$RUN_DIR/odoo$major.log"
        echo "==================== live: Odoo $major ($db, port $port, log $log) ===================="
        printf '[options]\n' >"$RUN_DIR/odoo$major.conf"
        if ! (cd "$src" && "$PY" odoo-bin --config="$RUN_DIR/odoo$major.conf" --addons-path="$addons" \
                -d "$db" -i pbx_callcenter "$(odoo_without_demo "$major")" --stop-after-init \
                --http-interface=127.0.0.1 --http-port="$port" --max-cron-threads=0 </dev/null >"$log" 2>&1); then
            echo "FAILED: installing pbx_callcenter on Odoo $major (see $log)"
            FAILED=$((FAILED + 1)); dropdb --if-exists "$db" 2>/dev/null; continue
        fi
        (cd "$src" && exec "$PY" odoo-bin --config="$RUN_DIR/odoo$major.conf" --addons-path="$addons" \
            -d "$db" --db-filter="^${db}\$" --http-interface=127.0.0.1 --http-port="$port" \
            --max-cron-threads=0 </dev/null >>"$log" 2>&1) &
        server=$!
        if "$PY" scripts/odoo_wait.py "http://127.0.0.1:$port/web/login" 180 "$server"; then
            for f in "${LIVE[@]}"; do
                PBX_ODOO_URL="http://127.0.0.1:$port" PBX_ODOO_DB="$db" PBX_ODOO_LOGIN=admin \
                PBX_ODOO_PASSWORD=admin PBX_ODOO_VERSION="$major" run_bench "$f" "odoo$major"
            done
        else
            echo "FAILED: Odoo $major did not answer (see $log)"; FAILED=$((FAILED + 1))
        fi
        kill "$server" 2>/dev/null; wait "$server" 2>/dev/null
        dropdb --if-exists "$db" 2>/dev/null
    done
fi

# ---- opt-in: 1.2M rows -----------------------------------------------------------------------
if [[ "${BENCH_BIG:-0}" == 1 ]]; then
    BIG_SRCS=("${ODOO_SRC:-/opt/odoo/17.0}")
    if [[ -z "${ODOO_SRC:-}" ]]; then
        for d in /opt/odoo/18.0 /opt/odoo/19.0; do [[ -f "$d/odoo-bin" ]] && BIG_SRCS+=("$d"); done
    fi
    for src in "${BIG_SRCS[@]}"; do
        echo "==================== big: Odoo $(odoo_major "$src") ===================="
        "$PY" scripts/benchmark_install.py --odoo "$src" \
            $([[ "${BENCH_BIG_BASELINE:-1}" == 0 ]] && echo --no-baseline) \
            || { echo "FAILED: benchmark_install on $src"; FAILED=$((FAILED + 1)); }
    done
fi
echo
[[ $FAILED -eq 0 ]] && echo "benches done" || echo "$FAILED bench(es) failed"
[[ $FAILED -eq 0 ]]
