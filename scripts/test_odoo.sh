#!/usr/bin/env bash
# Tier 2: install the module in a fresh database of each real Odoo (17.0, 18.0, 19.0) and run its tests.
#
#   bash scripts/test_odoo.sh            (npm run test:odoo)
#
# Environment:
#   ODOO_SRC=/path/to/odoo     test on that source tree only (version read from odoo/release.py);
#                              default: /opt/odoo/17.0, /opt/odoo/18.0 and /opt/odoo/19.0, those present
#                              (ODOO_SEARCH_DIRS="dir dir" to look elsewhere).
#   PBX_FETCH_ODOO=1           also fetch each supported version not found (=18.0,19.0: those only)
#                              by a shallow git clone, cached (scripts/odoo_lib.sh odoo_fetch:
#                              ODOO_GIT_URL, PBX_ODOO_CACHE); a failed fetch counts 1 failure.
#                              Default: nothing fetched.
#   ODOO_ADDONS_PATH=...       Odoo's own addons dirs (default: <src>/odoo/addons when it holds crm,
#                              else <src>/addons,<src>/odoo/addons as in a git checkout)
#   ODOO_TEST_ADDONS=dir       dir holding the module (default <repo>/odoo_addon)
#   ODOO_TEST_MODULE=name      module to install and test (default pbx_callcenter)
#   ODOO_TEST_TAGS=...         --test-tags (default /<module>)
#   ODOO_PYTHON=/usr/bin/python3   interpreter for odoo-bin (never the pyenv python3)
#   RUN_DIR=dir                logs go to $RUN_DIR/odoo<major>.log (default <repo>/.run)
#   KEEP_DB=1                  keep the test databases (default: dropped afterwards)
#   ODOO_TEST_TIMEOUT=secs     per version (default 2400)
#   ODOO_TEST_EXIT_GRACE=secs  kill odoo-bin that has not exited this long after printing its test
#                              result (default 60; counted as a failure: a test left threads behind)
#   ODOO_TEST_SERIAL=1         run versions one after the other instead of in parallel
#   ODOO_TEST_PORT=port        first HTTP port tried (default 8169 + 4 x (PID mod 400))
#
# Tests run without demo data (--without-demo=all; =True on 19) so they are deterministic.
# Output: per version a report and `TIER2 odoo<major>: passed=N failed=M`; last line `N passed, N failed`.
# Exit 1 if anything failed. No Odoo source at all: a loud SKIPPED line, exit 0, nothing counted.
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${ODOO_PYTHON:-/usr/bin/python3}"
source "$REPO/scripts/odoo_lib.sh"
ADDONS="${ODOO_TEST_ADDONS:-$REPO/odoo_addon}"
MODULE="${ODOO_TEST_MODULE:-pbx_callcenter}"
TAGS="${ODOO_TEST_TAGS:-/$MODULE}"
RUN_DIR="${RUN_DIR:-$REPO/.run}"
TIMEOUT="${ODOO_TEST_TIMEOUT:-2400}"
EXIT_GRACE="${ODOO_TEST_EXIT_GRACE:-60}"
mkdir -p "$RUN_DIR"
RUN_DIR="$(cd "$RUN_DIR" && pwd)"
ADDONS="$(cd "$ADDONS" 2>/dev/null && pwd || echo "$ADDONS")"

# ---- which Odoo trees -------------------------------------------------------------------------
SRCS=()
FETCH_FAILED=()
if [[ -n "${ODOO_SRC:-}" ]]; then
    if odoo_tree_ok "$ODOO_SRC"; then
        SRCS+=("$(cd "$ODOO_SRC" && pwd)")
    else
        echo "ERROR: ODOO_SRC=$ODOO_SRC has no odoo-bin / odoo/release.py"
        echo "TIER2 odoo: passed=0 failed=1"
        echo "0 passed, 1 failed"
        exit 1
    fi
else
    for d in ${ODOO_SEARCH_DIRS:-/opt/odoo/17.0 /opt/odoo/18.0 /opt/odoo/19.0}; do
        odoo_tree_ok "$d" && SRCS+=("$d")
    done
    if [[ -n "${PBX_FETCH_ODOO:-}" && "$PBX_FETCH_ODOO" != 0 ]]; then
        want=("${ODOO_VERSIONS[@]}")
        [[ "$PBX_FETCH_ODOO" != 1 ]] && IFS=', ' read -r -a want <<<"$PBX_FETCH_ODOO"
        for v in "${want[@]}"; do
            have=0
            for src in "${SRCS[@]}"; do [[ "$(odoo_major "$src")" == "${v%%.*}" ]] && have=1; done
            [[ $have == 1 ]] && continue
            if src="$(odoo_fetch "$v")"; then SRCS+=("$src"); else FETCH_FAILED+=("$v"); fi
        done
    fi
fi
fetch_failures() {  # one failure per version PBX_FETCH_ODOO asked for that could not be fetched
    for v in "${FETCH_FAILED[@]}"; do echo "TIER2 odoo${v%%.*}: passed=0 failed=1 (fetch of Odoo $v failed)"; done
}
if [[ ${#SRCS[@]} -eq 0 && ${#FETCH_FAILED[@]} -gt 0 ]]; then
    fetch_failures
    echo "0 passed, ${#FETCH_FAILED[@]} failed"
    exit 1
fi
if [[ ${#SRCS[@]} -eq 0 ]]; then
    echo "################################################################################"
    echo "SKIPPED: no Odoo source (set ODOO_SRC or install /opt/odoo/17.0, /opt/odoo/18.0, /opt/odoo/19.0)"
    echo "################################################################################"
    echo "0 passed, 0 failed"
    exit 0
fi

if [[ ! -f "$ADDONS/$MODULE/__manifest__.py" ]]; then
    echo "ERROR: $ADDONS/$MODULE/__manifest__.py is missing (run: npm run build)"
    for src in "${SRCS[@]}"; do echo "TIER2 odoo$(odoo_major "$src"): passed=0 failed=1"; done
    echo "0 passed, ${#SRCS[@]} failed"
    exit 1
fi

if ! "$PY" -c 'import psycopg2' 2>/dev/null; then
    echo "ERROR: $PY cannot import psycopg2: run scripts/setup.sh"
fi


addons_path_for() {
    local src="$1"
    if [[ -n "${ODOO_ADDONS_PATH:-}" ]]; then
        echo "$ODOO_ADDONS_PATH"
    else
        odoo_addons_path "$src"
    fi
}

# ---- run one version (in the background) -----------------------------------------------------
declare -A DB LOG RCFILE TIMEFILE LABEL PID
run_one() {  # src major port
    local src="$1" major="$2" port="$3"
    local db="${DB[$major]}" log="${LOG[$major]}"
    local start=$SECONDS rc
    : >"$log"
    {
        echo "# $(date -u +%FT%TZ) odoo $major at $src, db $db, port $port"
        echo "# addons: $(addons_path_for "$src"),$ADDONS"
    } >>"$log"
    # empty config file: never pick up a ~/.odoorc left on the machine
    printf '[options]\n' >"$RUN_DIR/odoo$major.conf"
    (
        cd "$src" || exit 99
        exec timeout --kill-after=30 "$TIMEOUT" "$PY" odoo-bin \
            --config="$RUN_DIR/odoo$major.conf" \
            --addons-path="$(addons_path_for "$src"),$ADDONS" \
            -d "$db" --db-filter="^${db}\$" \
            -i "$MODULE" "$(odoo_without_demo "$major")" \
            --test-enable --test-tags "$TAGS" \
            --stop-after-init \
            --http-interface=127.0.0.1 --http-port="$port" \
            --max-cron-threads=0 --log-level=info --db_maxconn="${ODOO_TEST_DB_MAXCONN:-32}" \
            </dev/null
    ) >>"$log" 2>&1 &
    local opid=$! seen=0
    # Watchdog: Odoo waits at exit for non-daemon threads (e.g. request threads a test left
    # blocked). Once the result line is printed, give it EXIT_GRACE seconds, then kill it.
    while kill -0 "$opid" 2>/dev/null; do
        sleep 2
        if [[ $seen == 0 ]] && grep -q -m1 ' odoo\.tests\.result: ' "$log"; then seen=$SECONDS; fi
        if [[ $seen != 0 ]] && (( SECONDS - seen > EXIT_GRACE )); then
            echo "# test_odoo.sh: HUNG: odoo-bin still running ${EXIT_GRACE}s after its odoo.tests.result line (non-daemon threads left by a test?): killed" >>"$log"
            kill -TERM "$opid" 2>/dev/null          # timeout passes it on to Odoo (2nd signal: force quit)
            sleep 5
            pkill -KILL -P "$opid" 2>/dev/null
            kill -KILL "$opid" 2>/dev/null
            break
        fi
    done
    wait "$opid"
    rc=$?
    # for test_all.sh's live tier: where this database is and whether the module got installed
    echo "$db" >"$RUN_DIR/odoo$major.db"
    echo "$src" >"$RUN_DIR/odoo$major.src"
    echo "$(addons_path_for "$src"),$ADDONS" >"$RUN_DIR/odoo$major.addons"
    psql -d "$db" -tAc "SELECT count(*) FROM ir_module_module WHERE name='$MODULE' AND state='installed'" \
        >"$RUN_DIR/odoo$major.installed" 2>/dev/null || echo 0 >"$RUN_DIR/odoo$major.installed"
    echo "$rc" >"${RCFILE[$major]}"
    echo "$((SECONDS - start))" >"${TIMEFILE[$major]}"
}

MAJORS=()
rm -f "$RUN_DIR"/odoo*.db "$RUN_DIR"/odoo*.installed
# From ODOO_TEST_PORT, else from a base this run's PID picks: two runs started side by side (one
# per Odoo version, say) would otherwise both find 8169 free and race for it while installing.
next_port="${ODOO_TEST_PORT:-$((8169 + ($$ % 400) * 4))}"
for src in "${SRCS[@]}"; do
    major="$(odoo_major "$src")"
    [[ -n "$major" ]] || major="x"
    MAJORS+=("$major")
    suffix="$("$PY" -c 'import secrets; print(secrets.token_hex(4))')"
    DB[$major]="pbxtest${major}_${suffix}"
    LOG[$major]="$RUN_DIR/odoo$major.log"
    RCFILE[$major]="$RUN_DIR/odoo$major.rc"
    TIMEFILE[$major]="$RUN_DIR/odoo$major.time"
    LABEL[$major]="odoo$major"
    rm -f "${RCFILE[$major]}" "${TIMEFILE[$major]}"
    port="$(free_port "$next_port")"
    next_port=$((port + 1))
    echo "== Odoo $major ($src): db ${DB[$major]}, http port $port, log ${LOG[$major]}"
    if [[ "${ODOO_TEST_SERIAL:-0}" == 1 ]]; then
        run_one "$src" "$major" "$port"
    else
        run_one "$src" "$major" "$port" &
        PID[$major]=$!
    fi
done

cleanup_dbs() {
    [[ "${KEEP_DB:-0}" == 1 ]] && return
    for major in "${MAJORS[@]}"; do
        dropdb --if-exists "${DB[$major]}" >/dev/null 2>&1 || true
    done
}
on_signal() {
    for major in "${MAJORS[@]}"; do
        # run_one's subshell -> its (timeout -> odoo-bin) child: timeout passes TERM on to Odoo
        [[ -n "${PID[$major]:-}" ]] && pkill -TERM -P "${PID[$major]}" 2>/dev/null
    done
    wait
    cleanup_dbs
    exit 130
}
trap on_signal INT TERM

for major in "${MAJORS[@]}"; do
    [[ -n "${PID[$major]:-}" ]] && wait "${PID[$major]}"
done
trap - INT TERM

total_passed=0
total_failed=0
for major in "${MAJORS[@]}"; do
    rc="$(cat "${RCFILE[$major]}" 2>/dev/null || echo 99)"
    secs="$(cat "${TIMEFILE[$major]}" 2>/dev/null || echo '?')"
    echo
    echo "== Odoo $major: install + tests took ${secs}s, exit code $rc (log: ${LOG[$major]})"
    [[ "$rc" == 124 || "$rc" == 137 ]] && echo "  PROBLEM: timed out after ${TIMEOUT}s"
    out="$("$PY" "$REPO/scripts/odoo_parse_log.py" --label "${LABEL[$major]}" \
        --exit-code "$rc" --module "$MODULE" "${LOG[$major]}")"
    echo "$out"
    line="$(grep -E '^TIER2 ' <<<"$out" | tail -n1)"
    p="$(sed -n 's/.*passed=\([0-9]*\).*/\1/p' <<<"$line")"
    f="$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' <<<"$line")"
    if [[ -z "$p" || -z "$f" ]]; then p=0; f=1; echo "TIER2 ${LABEL[$major]}: passed=0 failed=1"; fi
    total_passed=$((total_passed + p))
    total_failed=$((total_failed + f))
done

fetch_failures
total_failed=$((total_failed + ${#FETCH_FAILED[@]}))
cleanup_dbs
[[ "${KEEP_DB:-0}" == 1 ]] && echo "(databases kept: $(for m in "${MAJORS[@]}"; do printf '%s ' "${DB[$m]}"; done))"
echo "$total_passed passed, $total_failed failed"
[[ $total_failed -eq 0 ]]
