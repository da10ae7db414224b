#!/usr/bin/env bash
# Every test tier, summed. `npm test` runs this; .ci/run runs it after scripts/setup.sh.
# The LAST line is exactly `N passed, N failed` (`, N skipped` is appended only when a
# JS/Python test was skipped). Exit 1 if anything failed or a tier crashed.
#
# Tier 1 (no Odoo):
#   build      `npm run build -- --check`: bundle and __manifest__.py up to date (1 check)
#   vitest     web/tests (counts test cases from vitest's JSON report): every test on @odoo/owl
#              2.2.11 (Odoo 17), the widget tests again on npm's OWL 2.8 (Odoo 18, 19) and on the
#              owl.js each Odoo tree present ships (17.0, 18.0, 19.0: web/tests/owl/odoo_owl_trees.mjs);
#              a tree missing prints `SKIPPED: no Odoo <v> source: widget tests on its owl.js not run`
#   pytest     tests/python with /usr/bin/python3 (counts from a JUnit XML report)
#   typecheck  `npm run typecheck` (tsc, TypeScript 7), 1 check
#   eslint     `npm run lint:ts` (web/, scripts/; eslint.config.js), 1 check
#   flake8     `npm run lint:py` (odoo_addon/, scripts/, tests/; .flake8), 1 check
# Tier 2 (real Odoo, scripts/test_odoo.sh): the module's Odoo tests on 17.0, 18.0 and 19.0.
# Tier 3 (live, only if tests/live/*.py exist): for each Odoo version whose tier 2 install
#   succeeded, the tier 2 database (module installed, NO demo data, admin/admin) is served by a
#   real threaded odoo-bin on 127.0.0.1, and each tests/live/*.py runs as
#       /usr/bin/python3 tests/live/<name>.py          (cwd = repo root, no stdin)
#   with these variables:
#       PBX_ODOO_URL        http://127.0.0.1:<port>   (server already answering /web/login)
#       PBX_ODOO_DB         database name
#       PBX_ODOO_LOGIN / PBX_ODOO_PASSWORD            admin / admin
#       PBX_ODOO_VERSION    17, 18 or 19
#       PBX_ODOO_SRC        Odoo source tree (odoo-bin is there)
#       PBX_ODOO_ADDONS_PATH  full --addons-path (Odoo's addons + <repo>/odoo_addon)
#       PBX_ODOO_PYTHON     /usr/bin/python3
#       PBX_ODOO_LOG        the live server's log file
#       PBX_RUN_DIR         a scratch directory for this test (reports, extra servers' logs)
#   A live test creates the records it needs itself (JSON-RPC as admin, or `odoo-bin shell`), may
#   start its own extra server (e.g. --workers=2) on a free port, must stop what it starts,
#   talks only to 127.0.0.1, and prints as its LAST line `N passed, N failed`. A non-zero
#   exit with no failure counted, a missing last line, or PBX_LIVE_TIMEOUT (default 900 s)
#   counts 1 failure.
#
# Environment: RUN_DIR (default <repo>/.run), KEEP_DB=1, ODOO_SRC, SKIP_ODOO=1 (tier 1 only),
# PBX_OWL_JS_<major> (an Odoo's owl.js), and everything scripts/test_odoo.sh reads.
# Tier 3 alone, on databases an earlier run kept: ONLY_LIVE=1 skips tiers 1 and 2 and serves the
# $RUN_DIR/odoo<major>.db databases of `KEEP_DB=1 RUN_DIR=... bash scripts/test_odoo.sh` (any
# ODOO_TEST_TAGS; never dropped); LIVE_VERSIONS="19" and LIVE_TESTS="test_live_fuzz" (file
# names without .py) restrict it to those versions and files.
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
PY="${ODOO_PYTHON:-/usr/bin/python3}"
export RUN_DIR="${RUN_DIR:-$REPO/.run}"
mkdir -p "$RUN_DIR"
RUN_DIR="$(cd "$RUN_DIR" && pwd)"
LIVE_TIMEOUT="${PBX_LIVE_TIMEOUT:-900}"
USER_KEEP_DB="${KEEP_DB:-0}"
ONLY_LIVE="${ONLY_LIVE:-0}"
[[ $ONLY_LIVE == 1 ]] && USER_KEEP_DB=1   # databases of an earlier run: never dropped here

PASSED=0
FAILED=0
SKIPPED=0
SUMMARY=()
add() {  # tier passed failed [skipped] [note]
    local tier="$1" p="$2" f="$3" s="${4:-0}" note="${5:-}"
    PASSED=$((PASSED + p)); FAILED=$((FAILED + f)); SKIPPED=$((SKIPPED + s))
    SUMMARY+=("$(printf '%-14s passed=%-5s failed=%-4s skipped=%-3s %s' "$tier" "$p" "$f" "$s" "$note")")
}
banner() { echo; echo "==================== $* ===================="; }
T0=$SECONDS

# ---- tier 1: build freshness ------------------------------------------------------------------
banner "tier 1: build --check"
if [[ $ONLY_LIVE == 1 ]]; then
    echo "(ONLY_LIVE=1: skipped)"
elif [[ -f scripts/build.mjs ]]; then
    if npm run --silent build -- --check </dev/null; then
        add build 1 0
    else
        echo "FAILED: generated files are stale: run \`npm run build\` and commit the result"
        add build 0 1 0 "stale build output or build crash"
    fi
else
    echo "(scripts/build.mjs absent: skipped)"
fi

# ---- tier 1: vitest ---------------------------------------------------------------------------
banner "tier 1: vitest"
OWL_SKIPPED=()
if [[ $ONLY_LIVE == 1 ]]; then
    echo "(ONLY_LIVE=1: skipped)"
elif [[ -x node_modules/.bin/vitest ]]; then
    # vitest.config.ts defines a project per owl.js found by the same module
    while read -r major version path; do
        if [[ "$path" == - ]]; then
            OWL_SKIPPED+=("SKIPPED: no Odoo $major.0 source: widget tests on its owl.js not run (install /opt/odoo/$major.0 or set PBX_OWL_JS_$major)")
        else
            echo "Odoo $major.0 ships OWL $version ($path): the widget tests run on it too"
        fi
    done < <(node web/tests/owl/odoo_owl_trees.mjs </dev/null)
    if [[ ${#OWL_SKIPPED[@]} -gt 0 ]]; then
        echo "################################################################################"
        printf '%s\n' "${OWL_SKIPPED[@]}"
        echo "################################################################################"
    fi
    report="$RUN_DIR/vitest.json"
    rm -f "$report"
    node_modules/.bin/vitest run --passWithNoTests --reporter=default --reporter=json \
        --outputFile.json="$report" </dev/null
    rc=$?
    read -r p f s note < <(node -e '
        const fs = require("fs");
        let r;
        try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); }
        catch (e) { console.log("0 1 0 no-json-report"); process.exit(0); }
        let p = r.numPassedTests || 0, f = r.numFailedTests || 0;
        const s = (r.numPendingTests || 0) + (r.numTodoTests || 0);
        // a test file that failed to load has no failed test case: count it once
        let broken = 0;
        for (const t of r.testResults || []) {
            const failedCases = (t.assertionResults || []).filter(a => a.status === "failed").length;
            if (t.status === "failed" && failedCases === 0) broken++;
        }
        f += broken;
        console.log(`${p} ${f} ${s} ${broken ? broken + "-files-failed-to-run" : "-"}`);
    ' "$report")
    if [[ $rc -ne 0 && $f -eq 0 ]]; then f=1; note="vitest-exit-$rc"; fi
    add vitest "$p" "$f" "$s" "$([[ $note != - ]] && echo "$note")"
    for line in "${OWL_SKIPPED[@]}"; do SUMMARY+=("  $line"); done
else
    echo "FAILED: node_modules/.bin/vitest missing (run scripts/setup.sh)"
    add vitest 0 1 0 "vitest not installed"
fi

# ---- tier 1: pytest ---------------------------------------------------------------------------
banner "tier 1: pytest tests/python"
if [[ $ONLY_LIVE == 1 ]]; then
    echo "(ONLY_LIVE=1: skipped)"
elif [[ -d tests/python ]]; then
    report="$RUN_DIR/pytest.xml"
    rm -f "$report"
    "$PY" -m pytest -q -p no:cacheprovider --junitxml="$report" tests/python </dev/null
    rc=$?
    read -r p f s < <("$PY" - "$report" <<'EOF'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception:
    print(0, 0, 0); sys.exit()
suites = [root] if root.tag == 'testsuite' else root.findall('testsuite')
t = f = e = s = 0
for su in suites:
    t += int(su.get('tests', 0)); f += int(su.get('failures', 0))
    e += int(su.get('errors', 0)); s += int(su.get('skipped', 0))
print(t - f - e - s, f + e, s)
EOF
)
    note=""
    if [[ $rc -eq 5 ]]; then note="no tests collected"; echo "WARNING: pytest collected no test";
    elif [[ $rc -ne 0 && $f -eq 0 ]]; then f=1; note="pytest-exit-$rc"; fi
    add pytest "$p" "$f" "$s" "$note"
else
    echo "(tests/python absent: skipped)"
fi

# ---- tier 1: type check and linters ---------------------------------------------------------------
# One check each: passed when `npm run <script>` exits 0; the failure note counts the findings.
npm_check() {  # tier script finding-pattern (grep -E, one match per finding)
    local tier="$1" script="$2" pattern="$3" out="$RUN_DIR/$1.out" rc n
    banner "tier 1: $tier (npm run $script)"
    if [[ $ONLY_LIVE == 1 ]]; then echo "(ONLY_LIVE=1: skipped)"; return; fi
    npm run --silent "$script" </dev/null 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    if [[ $rc -eq 0 ]]; then add "$tier" 1 0; return; fi
    n="$(grep -cE "$pattern" "$out")"
    echo "FAILED: npm run $script (exit $rc)"
    add "$tier" 0 1 0 "$n finding(s), exit $rc$([[ $n == 0 ]] && echo ': not installed? run scripts/setup.sh')"
}
npm_check typecheck typecheck 'error TS[0-9]+'
npm_check eslint lint:ts '^ +[0-9]+:[0-9]+ +(error|warning) '
npm_check flake8 lint:py '^[^ :]+:[0-9]+:[0-9]+: [A-Z][0-9]+ '

# ---- tier 2: Odoo ------------------------------------------------------------------------------
banner "tier 2: Odoo (scripts/test_odoo.sh)"
LIVE_FILES=()
if compgen -G "tests/live/*.py" >/dev/null; then
    for f in tests/live/*.py; do
        [[ -n "${LIVE_TESTS:-}" && " $LIVE_TESTS " != *" $(basename "$f" .py) "* ]] && continue
        LIVE_FILES+=("$f")
    done
fi
if [[ "${SKIP_ODOO:-0}" == 1 ]]; then
    echo "(SKIP_ODOO=1: skipped)"
elif [[ $ONLY_LIVE == 1 ]]; then
    echo "(ONLY_LIVE=1: skipped; live tests on $(cat "$RUN_DIR"/odoo*.db 2>/dev/null | xargs))"
    if ! compgen -G "$RUN_DIR/odoo*.db" >/dev/null; then
        echo "FAILED: ONLY_LIVE=1 but no database kept in $RUN_DIR (KEEP_DB=1 RUN_DIR=$RUN_DIR bash scripts/test_odoo.sh)"
        add live 0 1 0 "no kept database"
    fi
else
    keep=$USER_KEEP_DB
    [[ ${#LIVE_FILES[@]} -gt 0 ]] && keep=1
    out="$RUN_DIR/test_odoo.out"
    KEEP_DB=$keep bash scripts/test_odoo.sh </dev/null 2>&1 | tee "$out"
    last="$(tail -n1 "$out")"
    if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        note="$(grep -q '^SKIPPED: no Odoo source' "$out" && echo 'SKIPPED: no Odoo source')"
        add odoo "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" 0 "$note"
        while read -r line; do SUMMARY+=("  ${line}"); done < <(grep '^TIER2 ' "$out")
    else
        echo "FAILED: scripts/test_odoo.sh crashed (no summary line)"
        add odoo 0 1 0 "test_odoo.sh crashed"
    fi
fi

# ---- tier 3: live tests against a served tier 2 database ----------------------------------------
LIVE_PID=""
stop_live_server() {
    if [[ -n "$LIVE_PID" ]] && kill -0 "$LIVE_PID" 2>/dev/null; then
        kill "$LIVE_PID" 2>/dev/null
        for _ in $(seq 1 20); do kill -0 "$LIVE_PID" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$LIVE_PID" 2>/dev/null
        wait "$LIVE_PID" 2>/dev/null
    fi
    LIVE_PID=""
}
trap 'stop_live_server; exit 130' INT TERM

if [[ ${#LIVE_FILES[@]} -gt 0 && "${SKIP_ODOO:-0}" != 1 ]]; then
    for dbfile in "$RUN_DIR"/odoo*.db; do
        [[ -f "$dbfile" ]] || continue
        major="$(basename "$dbfile" .db)"; major="${major#odoo}"
        [[ -n "${LIVE_VERSIONS:-}" && " $LIVE_VERSIONS " != *" $major "* ]] && continue
        db="$(cat "$dbfile")"
        src="$(cat "$RUN_DIR/odoo$major.src")"
        addons="$(cat "$RUN_DIR/odoo$major.addons")"
        ok="$(cat "$RUN_DIR/odoo$major.installed" 2>/dev/null || echo 0)"
        banner "tier 3: live tests on Odoo $major ($db)"
        live_t0=$SECONDS
        if [[ "$ok" != 1 ]]; then
            echo "FAILED: module not installed on Odoo $major: live tests not run"
            add "live$major" 0 "${#LIVE_FILES[@]}" 0 "module install failed"
            continue
        fi
        port="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
        slog="$RUN_DIR/live$major.server.log"
        (cd "$src" && exec "$PY" odoo-bin --config="$RUN_DIR/odoo$major.conf" --addons-path="$addons" \
            -d "$db" --db-filter="^${db}\$" --http-interface=127.0.0.1 --http-port="$port" \
            --max-cron-threads=0 --log-level=info </dev/null >"$slog" 2>&1) &
        LIVE_PID=$!
        up=0
        "$PY" scripts/odoo_wait.py "http://127.0.0.1:$port/web/login" 180 "$LIVE_PID" && up=1
        if [[ $up != 1 ]]; then
            echo "FAILED: live Odoo $major server did not answer; last log lines:"; tail -n 30 "$slog"
            add "live$major" 0 "${#LIVE_FILES[@]}" 0 "server did not start"
            stop_live_server
            continue
        fi
        for t in "${LIVE_FILES[@]}"; do
            name="$(basename "$t" .py)"
            tdir="$RUN_DIR/live$major/$name"; mkdir -p "$tdir"
            file_t0=$SECONDS
            echo "--- $t on Odoo $major (server $port)"
            PBX_ODOO_URL="http://127.0.0.1:$port" PBX_ODOO_DB="$db" PBX_ODOO_LOGIN=admin \
            PBX_ODOO_PASSWORD=admin PBX_ODOO_VERSION="$major" PBX_ODOO_SRC="$src" \
            PBX_ODOO_ADDONS_PATH="$addons" PBX_ODOO_PYTHON="$PY" PBX_ODOO_LOG="$slog" \
            PBX_RUN_DIR="$tdir" timeout --kill-after=20 "$LIVE_TIMEOUT" "$PY" "$t" </dev/null 2>&1 \
                | tee "$tdir/output.txt"
            rc=${PIPESTATUS[0]}
            last="$(grep -v '^[[:space:]]*$' "$tdir/output.txt" | tail -n1)"
            if [[ "$last" =~ ^([A-Za-z]+:\ )?([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
                p="${BASH_REMATCH[2]}"; f="${BASH_REMATCH[3]}"; note=""
                if [[ $rc -ne 0 && $f -eq 0 ]]; then f=1; note="exit $rc"; fi
            else
                p=0; f=1; note="no closing 'N passed, N failed' line (exit $rc)"
            fi
            [[ $rc -eq 124 || $rc -eq 137 ]] && note="timed out after ${LIVE_TIMEOUT}s"
            add "live$major:$name" "$p" "$f" 0 "${note:+$note, }$((SECONDS - file_t0))s"
            skip="$(grep -m1 '^SKIPPED: ' "$tdir/output.txt")" && SUMMARY+=("  $skip")  # e.g. no Asterisk build
        done
        stop_live_server
        SUMMARY+=("  live$major: $((SECONDS - live_t0))s (server start + every live test)")
    done
    if [[ "$USER_KEEP_DB" != 1 ]]; then
        for dbfile in "$RUN_DIR"/odoo*.db; do
            [[ -f "$dbfile" ]] && dropdb --if-exists "$(cat "$dbfile")" >/dev/null 2>&1
        done
    fi
fi
trap - INT TERM

# ---- summary -----------------------------------------------------------------------------------
banner "summary ($((SECONDS - T0))s)"
for line in "${SUMMARY[@]}"; do echo "$line"; done
if [[ $SKIPPED -gt 0 ]]; then
    echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
else
    echo "$PASSED passed, $FAILED failed"
fi
[[ $FAILED -eq 0 ]]
