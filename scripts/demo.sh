#!/usr/bin/env bash
# A running demo: Odoo with pbx_callcenter and its demo data, fed simulated PBX calls.
#
#   npm run demo            (bash scripts/demo.sh)
#
# 1. scripts/setup.sh (packages, PostgreSQL, node_modules);
# 2. database pbx_demo recreated with `-i pbx_callcenter` WITH demo data on ODOO_SRC, else on the
#    newest Odoo found of /opt/odoo/19.0, 18.0, 17.0 (`ODOO_SRC=/opt/odoo/17.0 npm run demo` for
#    another), else on Odoo 19.0 fetched once by a shallow git clone into ~/.cache/pbx_callcenter/odoo
#    (scripts/odoo_lib.sh odoo_fetch: ODOO_GIT_URL, PBX_ODOO_CACHE);
# 3. Odoo served on http://127.0.0.1:8069 (HOST / PORT to change);
# 4. the demo's PBX stand-in (scripts/demo_pbx.ts) on the next free port from 8071 (PBX_PORT):
#    serves the call recordings and answers click-to-dial, the demo connection pointed at it;
#    each time the salesperson (login sales, extension 102) logs in, it rings their extension:
#    the known caller Grace Caller (answered, recorded), an unknown number, Grace again (missed);
# 5. simulated calls played on that extension, so the call log, chatter and activities are filled:
#    `npm run simulate -- --url ... --db pbx_demo --token <demo token> --scenario all`;
# 6. Odoo stays in the foreground (its log streamed here) until Ctrl-C, which stops it.
#
# Environment: ODOO_SRC, ODOO_GIT_URL, PBX_ODOO_CACHE, PORT (8069), HOST (127.0.0.1), PBX_DEMO_DB (pbx_demo), RUN_DIR (<repo>/.run),
#   PBX_PORT (first free from 8071), DEMO_SCENARIO (all), DEMO_NO_WAIT=1 (stop Odoo and exit after
#   the simulation; for scripts/CI).
set -uo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/odoo_lib.sh"   # REPO, PY and the Odoo helpers
cd "$REPO"
odoo_run_dir || exit 1
PORT="${PORT:-8069}"
HOST="${HOST:-127.0.0.1}"
DB="${PBX_DEMO_DB:-pbx_demo}"
MODULE=pbx_callcenter
TOKEN="pbx_demo_token_do_not_use_in_production"
SCENARIO="${DEMO_SCENARIO:-all}"
say() { echo "[demo] $*"; }

bash scripts/setup.sh || { say "scripts/setup.sh failed"; exit 1; }

# ---- which Odoo ---------------------------------------------------------------------------------
odoo_demo_src /opt/odoo/19.0 /opt/odoo/18.0 /opt/odoo/17.0 || exit 1   # odoo_fetch said why
SRC="$ODOO_PICKED"
if [[ ! -f "$SRC/odoo-bin" ]]; then
    say "no Odoo source (set ODOO_SRC or install /opt/odoo/19.0, /opt/odoo/18.0 or /opt/odoo/17.0)"
    exit 1
fi
SRC="$(cd "$SRC" && pwd)"
MAJOR="$(odoo_major "$SRC")"
if [[ $ODOO_PICKED_FROM == ODOO_SRC ]]; then
    say "using Odoo $MAJOR at $SRC (ODOO_SRC)"
elif [[ $ODOO_PICKED_FROM == fetched ]]; then
    say "using Odoo $MAJOR at $SRC, fetched: none at /opt/odoo/19.0, 18.0 or 17.0 (another: ODOO_SRC=<tree> npm run demo)"
else
    say "using Odoo $MAJOR at $SRC, the newest found (another: ODOO_SRC=/opt/odoo/17.0 npm run demo)"
fi
ODOO_ADDONS="$(odoo_addons_path "$SRC")"
ADDONS_PATH="$ODOO_ADDONS,$REPO/odoo_addon"
if [[ ! -f "$REPO/odoo_addon/$MODULE/__manifest__.py" ]]; then
    say "odoo_addon/$MODULE/__manifest__.py missing: run npm run build"; exit 1
fi

if "$PY" - "$HOST" "$PORT" <<'EOF'
import socket, sys
s = socket.socket()
try:
    s.connect((sys.argv[1], int(sys.argv[2])))
except OSError:
    sys.exit(1)
EOF
then
    say "something already listens on $HOST:$PORT (an earlier demo?). Stop it or set PORT=..."
    exit 1
fi

CONF="$RUN_DIR/demo.conf"
printf '[options]\n' >"$CONF"   # never pick up a ~/.odoorc left on the machine
ODOO=("$PY" odoo-bin --config="$CONF" --addons-path="$ADDONS_PATH" -d "$DB" --db-filter="^${DB}\$")

# ---- fresh database with demo data ------------------------------------------------------------------
say "recreating database $DB with demo data (log: $RUN_DIR/demo_install.log)"
dropdb --if-exists --force "$DB" 2>/dev/null || dropdb --if-exists "$DB" || { say "cannot drop $DB"; exit 1; }
start=$SECONDS
WITH_DEMO=($(odoo_with_demo "$MAJOR"))
(cd "$SRC" && "${ODOO[@]}" -i "$MODULE" "${WITH_DEMO[@]}" --stop-after-init --http-interface="$HOST" \
    --http-port="$PORT" --max-cron-threads=0 </dev/null >"$RUN_DIR/demo_install.log" 2>&1)
rc=$?
installed="$(psql -d "$DB" -tAc "SELECT count(*) FROM ir_module_module WHERE name='$MODULE' AND state='installed'" 2>/dev/null || echo 0)"
if [[ $rc -ne 0 || "$installed" != 1 ]]; then
    say "install FAILED (exit $rc); errors from $RUN_DIR/demo_install.log:"
    "$PY" scripts/odoo_parse_log.py --errors-only "$RUN_DIR/demo_install.log"
    exit 1
fi
say "installed in $((SECONDS - start))s"
# minus the noise of other modules of the Odoo tree made for another version (OCA ones in a 19.0 tree)
grep -E ' (ERROR|CRITICAL|WARNING) ' "$RUN_DIR/demo_install.log" \
    | grep -v -e 'Transient module states' -e 'has an incompatible version, setting installable=False' \
    | head -n 10 \
    | sed 's/^/[demo] install log: /'

# ---- serve ------------------------------------------------------------------------------------------
SERVER_LOG="$RUN_DIR/demo_server.log"
(cd "$SRC" && exec "${ODOO[@]}" --http-interface="$HOST" --http-port="$PORT" </dev/null >"$SERVER_LOG" 2>&1) &
ODOO_PID=$!
TAIL_PID=""
PBX_PID=""
stop_all() {
    trap - INT TERM EXIT
    [[ -n "$TAIL_PID" ]] && kill "$TAIL_PID" 2>/dev/null
    [[ -n "$PBX_PID" ]] && kill "$PBX_PID" 2>/dev/null
    if kill -0 "$ODOO_PID" 2>/dev/null; then
        say "stopping Odoo (pid $ODOO_PID)"
        kill "$ODOO_PID" 2>/dev/null
        for _ in $(seq 1 30); do kill -0 "$ODOO_PID" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$ODOO_PID" 2>/dev/null
    fi
    wait 2>/dev/null
}
trap 'stop_all; exit 130' INT TERM
trap 'stop_all' EXIT

URL="http://$HOST:$PORT"
say "starting Odoo on $URL (log: $SERVER_LOG)"
if ! "$PY" scripts/odoo_wait.py "$URL/web/login" 180 "$ODOO_PID"; then
    say "Odoo did not answer on $URL/web/login; last log lines:"
    tail -n 40 "$SERVER_LOG"
    exit 1
fi
say "Odoo answers on $URL"

# ---- the PBX stand-in -----------------------------------------------------------------------------
PBX_PORT="${PBX_PORT:-$(free_port 8071)}"
PBX_LOG="$RUN_DIR/demo_pbx.log"
say "starting the demo PBX stand-in on http://$HOST:$PBX_PORT (log: $PBX_LOG)"
node scripts/run_ts.mjs scripts/demo_pbx.ts --url "$URL" --db "$DB" --token "$TOKEN" \
    --host "$HOST" --port "$PBX_PORT" </dev/null >"$PBX_LOG" 2>&1 &
PBX_PID=$!
for _ in $(seq 1 120); do
    grep -q -e '\] ready at' -e 'FAIL' "$PBX_LOG" 2>/dev/null && break
    kill -0 "$PBX_PID" 2>/dev/null || break
    sleep 0.5
done
if ! grep -q '\] ready at' "$PBX_LOG" 2>/dev/null; then
    say "the PBX stand-in did not start:"; tail -n 20 "$PBX_LOG"; exit 1
fi
grep '\] ready at' "$PBX_LOG" | sed 's/^/[demo] /'

# ---- simulated calls ----------------------------------------------------------------------------------
SIM_RC=0
if [[ -f scripts/simulate.ts ]]; then
    say "playing simulated calls: npm run simulate -- --url $URL --db $DB --token <demo token> --scenario $SCENARIO"
    npm run --silent simulate -- --url "$URL" --db "$DB" --token "$TOKEN" --scenario "$SCENARIO" </dev/null
    SIM_RC=$?
    [[ $SIM_RC -ne 0 ]] && say "WARNING: the simulator exited with code $SIM_RC (Odoo keeps running)"
else
    say "NOTE: scripts/simulate.ts is not there yet: no simulated calls played."
    say "      Later: npm run simulate -- --url $URL --db $DB --token $TOKEN --scenario all"
fi

# which login holds which extension, as the database says
EXTENSIONS="$(psql -d "$DB" -tAc "SELECT u.login || ' ' || string_agg(e.name, ', ' ORDER BY e.name)
    FROM pbx_extension e JOIN res_users u ON u.id = e.user_id GROUP BY u.login" 2>/dev/null)"
ext_of() { awk -v login="$1" '$1 == login { $1 = ""; sub(/^ /, ""); print }' <<<"$EXTENSIONS"; }
cat <<EOF

==========================================================================
  PBX Call Center demo: Odoo $MAJOR running at  $URL   (database $DB)
    salesperson  login sales / password sales   extension $(ext_of sales)
    admin        login admin / password admin   extension $(ext_of admin)
  Log in as sales: the demo PBX rings extension $(ext_of sales) (popups) from Grace Caller, then
  from an unknown number, then Grace again, missed. Click a phone number to call through the
  demo PBX; answered calls have a recording to play in the chatter.
  Demo PBX stand-in: http://$HOST:$PBX_PORT  (ring again; log: $PBX_LOG)
  Demo PBX token (demo data only): $TOKEN
  More calls:  npm run simulate -- --url $URL --db $DB --token $TOKEN --scenario all
  Logs: $SERVER_LOG
==========================================================================
EOF

if [[ "${DEMO_NO_WAIT:-0}" == 1 ]]; then
    say "DEMO_NO_WAIT=1: stopping"
    exit "$SIM_RC"
fi
say "Odoo runs until Ctrl-C; its log follows"
# minus the stand-in's look for a salesperson's login every 2 s
tail -n 0 -f "$SERVER_LOG" | grep --line-buffered -v 'res.users.log/search_read' &
TAIL_PID=$!
wait "$ODOO_PID"
rc=$?
say "Odoo exited (code $rc)"
exit "$rc"
