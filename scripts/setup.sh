#!/usr/bin/env bash
# Install and start everything the tests and the demo need. Idempotent: a second run does nothing
# but checks. Works as root with no stdin (CI); elsewhere uses sudo for apt and PostgreSQL.
#
#   bash scripts/setup.sh
#
# - Debian packages: Odoo's Python dependencies (run Odoo with /usr/bin/python3, never a pyenv
#   python3; python3-magic for Odoo 19), PostgreSQL, chromium + python3-websocket (browser tests
#   and tours), python3-pytest, python3-flake8 (npm run lint:py), python3-jsonschema (tests check
#   answers against contracts/*.schema.json).
#   Skipped when `dpkg -s` says they are all installed; otherwise `apt-get update` then install.
# - PostgreSQL: starts the cluster if it is down (creates one if there is none) and creates a
#   superuser role for the current OS user (Odoo connects over the unix socket as that user;
#   it refuses db_user=postgres).
# - Node.js: the `node` on PATH must satisfy package.json's engines.node (scripts/check_node.py);
#   setup stops with what is required, what was found and how to fix it otherwise.
# - npm: `npm ci` when node_modules is missing or was installed from another package-lock.json.
# - Odoo itself is in no package registry: it is expected at /opt/odoo/17.0, 18.0 and 19.0
#   (or ODOO_SRC). Without it the Odoo tier is reported as SKIPPED, unless PBX_FETCH_ODOO=1 (a
#   shallow git clone of each, scripts/odoo_lib.sh odoo_fetch); npm run demo fetches 19.0.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

SUDO=""
if [[ "$(id -u)" != 0 ]]; then
    if command -v sudo >/dev/null; then SUDO="sudo -n"; else SUDO=""; fi
fi
log() { echo "[setup] $*"; }

# ---- Debian packages ---------------------------------------------------------------------------
APT_PKGS=(
    postgresql postgresql-client python3-asn1crypto python3-babel python3-cbor2 python3-chardet
    python3-cryptography python3-dateutil python3-decorator python3-docutils python3-freezegun
    python3-geoip2 python3-gevent python3-greenlet python3-idna python3-pil python3-jinja2
    python3-libsass python3-lxml python3-markupsafe python3-num2words python3-ofxparse
    python3-openpyxl python3-passlib python3-polib python3-psutil python3-psycopg2 python3-openssl
    python3-pypdf2 python3-rjsmin python3-qrcode python3-renderpm python3-reportlab
    python3-requests python3-stdnum python3-tz python3-urllib3 python3-vobject python3-werkzeug
    python3-xlsxwriter python3-xlrd python3-zeep python3-ldap python3-pydot python3-phonenumbers
    python3-serial python3-usb python3-xlwt python3-magic chromium python3-websocket python3-pytest
    python3-flake8 python3-jsonschema
)
missing=()
for p in "${APT_PKGS[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
    log "Debian packages: all ${#APT_PKGS[@]} installed"
else
    log "Debian packages missing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q </dev/null
    $SUDO apt-get install -y -q --no-install-recommends "${APT_PKGS[@]}" </dev/null
    log "Debian packages installed"
fi

# ---- PostgreSQL ----------------------------------------------------------------------------------
as_postgres() {
    if [[ "$(id -u)" == 0 ]]; then su postgres -s /bin/sh -c "$*"; else sudo -n -u postgres sh -c "$*"; fi
}
if command -v pg_lsclusters >/dev/null; then
    cluster="$(pg_lsclusters -h 2>/dev/null | sort -k1,1nr | head -n1 || true)"
    if [[ -z "$cluster" ]]; then
        ver="$(ls /usr/lib/postgresql | sort -n | tail -n1)"
        log "PostgreSQL: creating cluster $ver main"
        $SUDO pg_createcluster "$ver" main --start
        cluster="$(pg_lsclusters -h | sort -k1,1nr | head -n1)"
    fi
    read -r pg_ver pg_name pg_port pg_status _ <<<"$cluster"
    if [[ "$pg_status" != online* ]]; then
        log "PostgreSQL: starting cluster $pg_ver $pg_name"
        $SUDO pg_ctlcluster "$pg_ver" "$pg_name" start || \
            pg_lsclusters -h | grep -q "^$pg_ver  *$pg_name .*online" || { log "cannot start PostgreSQL"; exit 1; }
    fi
    for _ in $(seq 1 30); do
        pg_isready -q -p "$pg_port" && break
        sleep 1
    done
    pg_isready -q -p "$pg_port" || { log "PostgreSQL does not answer on port $pg_port"; exit 1; }
    me="$(id -un)"
    # psql can fail for reasons other than a missing role (e.g. "too many clients already" while
    # other Odoo servers hold connections): retry, and only create the role when the query answered.
    role=""
    for _ in $(seq 1 30); do
        if role="$(as_postgres "psql -p $pg_port -d postgres -tAc \"SELECT count(*) FROM pg_roles WHERE rolname='$me'\"" 2>&1)"; then
            break
        fi
        log "PostgreSQL not usable yet ($role); retrying"
        role=""
        sleep 2
    done
    if [[ -z "$role" ]]; then log "cannot query PostgreSQL"; exit 1; fi
    if [[ "$role" != 1 ]]; then
        log "PostgreSQL: creating superuser role $me"
        as_postgres "createuser -p $pg_port -s '$me'"
    fi
    # Odoo keeps up to db_maxconn (64) connections per process; live tests may run several
    # servers at once. Raise the default 100 to 300; restart only when no client is connected.
    maxconn="$(as_postgres "psql -p $pg_port -d postgres -tAc 'SHOW max_connections'")"
    if [[ "$maxconn" =~ ^[0-9]+$ && "$maxconn" -lt 300 ]]; then
        as_postgres "psql -q -p $pg_port -d postgres -c 'ALTER SYSTEM SET max_connections = 300'"
        clients="$(as_postgres "psql -p $pg_port -d postgres -tAc \"SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()\"")"
        if [[ "$clients" == 0 ]]; then
            log "PostgreSQL: max_connections $maxconn -> 300, restarting the cluster"
            $SUDO pg_ctlcluster "$pg_ver" "$pg_name" restart
            for _ in $(seq 1 30); do pg_isready -q -p "$pg_port" && break; sleep 1; done
        else
            log "PostgreSQL: max_connections 300 set, effective at the next restart ($clients clients connected now)"
        fi
    fi
    log "PostgreSQL $pg_ver/$pg_name online on port $pg_port, role $me ok"
else
    log "PostgreSQL tools not found (pg_lsclusters)"; exit 1
fi

# ---- Node.js ---------------------------------------------------------------------------------------
if ! node_check="$(/usr/bin/python3 scripts/check_node.py 2>&1)"; then log "$node_check"; exit 1; fi
log "$node_check"

# ---- npm -------------------------------------------------------------------------------------------
if [[ -f package.json ]]; then
    if [[ -f package-lock.json ]]; then
        want="$(sha256sum package-lock.json | cut -d' ' -f1)"
        have="$(cat node_modules/.pbx_lock_sha256 2>/dev/null || true)"
        if [[ ! -d node_modules || "$want" != "$have" ]]; then
            log "npm ci (node_modules missing or stale vs package-lock.json)"
            npm ci --no-audit --no-fund </dev/null
            echo "$want" >node_modules/.pbx_lock_sha256
        else
            log "node_modules up to date with package-lock.json"
        fi
    elif [[ ! -d node_modules ]]; then
        log "WARNING: package-lock.json is missing; running npm install (not reproducible)"
        npm install --no-audit --no-fund </dev/null
    fi
else
    log "no package.json: skipping npm"
fi

# ---- Odoo sources ------------------------------------------------------------------------------------
found=""
if [[ -n "${ODOO_SRC:-}" ]]; then
    found="$ODOO_SRC"
else
    for d in /opt/odoo/17.0 /opt/odoo/18.0 /opt/odoo/19.0; do [[ -f "$d/odoo-bin" ]] && found="$found $d"; done
fi
if [[ -n "$found" ]]; then
    log "Odoo sources:$found"
else
    log "WARNING: no Odoo source at /opt/odoo/17.0, 18.0 or 19.0 (and ODOO_SRC unset): the Odoo tier will be SKIPPED (PBX_FETCH_ODOO=1 fetches them; npm run demo fetches 19.0)"
fi
log "done"
