#!/usr/bin/env bash
# Regenerate odoo_addon/pbx_callcenter/i18n/pbx_callcenter.pot with Odoo itself, bring every
# i18n/*.po in line with it, and report what is left to translate.
#
#   bash scripts/i18n_export.sh            write the .pot, update the .po files, report
#   bash scripts/i18n_export.sh --check    write nothing; exit 1 when the committed .pot is stale
#
# For each Odoo tree (default /opt/odoo/17.0, /opt/odoo/18.0 and /opt/odoo/19.0, those present):
# install the module in a fresh database without demo data (--without-demo=all; =True on 19), then
# `odoo-bin --i18n-export --modules=pbx_callcenter` (`odoo-bin i18n export pbx_callcenter` on 19).
# Odoo's extractor reads the Python (`_()`, `_lt()`), the data/views XML, the widget bundle
# static/src/pbx_callcenter.bundle.js (literal `_t("…")` calls: scripts/build_lib.mjs must keep
# identifiers unminified) and the OWL templates static/src/**/*.xml. The shipped .pot is the union
# of the exports: 17 adds `#, python-format` flags, 19 lacks the terms of the mobile fields (it has
# no `mobile`) and adds references such as the groups' privilege; all of it is kept.
#
# Every .po is then merged with the .pot: references and comments come from the .pot, existing
# translations are kept, new msgids get an empty msgstr, msgids gone from the .pot are dropped.
#
# Exit 1 when a msgid of the .pot has no translation in some .po, when a translation's
# placeholders (%s, %(name)s, {name}, {{ expr }}) differ from its msgid's, or (--check) when the
# .pot is stale. Run it again after changing any user-facing string, and `npm run build` first
# when web/src changed.
#
# Environment:
#   ODOO_SRCS="/opt/odoo/17.0 /opt/odoo/18.0 /opt/odoo/19.0"   Odoo trees to export from
#   ODOO_PYTHON=/usr/bin/python3                interpreter for odoo-bin (and polib)
#   KEEP_DB=1                                   keep the export databases (default: dropped)
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${ODOO_PYTHON:-/usr/bin/python3}"
source "$REPO/scripts/odoo_lib.sh"
MODULE=pbx_callcenter
ADDONS="$REPO/odoo_addon"
I18N="$ADDONS/$MODULE/i18n"
CHECK=0
[[ "${1:-}" == "--check" ]] && CHECK=1

WORK="$(mktemp -d)"
DBS=()
cleanup() {
    if [[ "${KEEP_DB:-0}" != 1 ]]; then
        for db in "${DBS[@]}"; do dropdb --if-exists "$db" >/dev/null 2>&1 || true; done
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


# the bundle Odoo reads must be the one web/src builds (a stale bundle exports stale terms)
if command -v node >/dev/null && [[ -f "$REPO/scripts/build.mjs" ]]; then
    if ! (cd "$REPO" && node scripts/build.mjs --check >"$WORK/build_check.log" 2>&1); then
        echo "WARNING: the widget bundle is not up to date (run npm run build first):"
        sed 's/^/  /' "$WORK/build_check.log"
    fi
fi

POTS=()
port="$(free_port 8961)"
for src in ${ODOO_SRCS:-/opt/odoo/17.0 /opt/odoo/18.0 /opt/odoo/19.0}; do
    [[ -f "$src/odoo-bin" ]] || continue
    major="$(odoo_major "$src")"
    db="pbx_i18n${major}_$("$PY" -c 'import secrets; print(secrets.token_hex(4))')"
    DBS+=("$db")
    log="$WORK/odoo$major.log"
    conf="$WORK/odoo$major.conf"   # 19's `i18n export` reads the addons path from here only
    printf '[options]\naddons_path = %s\n' "$(odoo_addons_path "$src"),$ADDONS" >"$conf"
    common=(--config="$conf" --addons-path="$(odoo_addons_path "$src"),$ADDONS"
            -d "$db" --db-filter="^${db}\$" --stop-after-init --max-cron-threads=0
            --http-interface=127.0.0.1 --http-port="$port")
    echo "== Odoo $major ($src): install $MODULE in $db"
    if ! (cd "$src" && "$PY" odoo-bin "${common[@]}" -i "$MODULE" "$(odoo_without_demo "$major")" </dev/null) >"$log" 2>&1 \
        || ! grep -q . <(psql -d "$db" -tAc "SELECT 1 FROM ir_module_module WHERE name='$MODULE' AND state='installed'" 2>/dev/null); then
        echo "ERROR: Odoo $major could not install $MODULE; last lines of $log:"
        tail -n 30 "$log"
        exit 1
    fi
    echo "== Odoo $major: export"
    pot="$WORK/odoo$major.pot"
    if [[ "$major" -ge 19 ]]; then   # 19 moved the export from the server options to a subcommand
        export_cmd=(i18n export --config="$conf" -d "$db" --output="$pot" "$MODULE")
    else
        export_cmd=("${common[@]}" --i18n-export="$pot" --modules="$MODULE")
    fi
    if ! (cd "$src" && "$PY" odoo-bin "${export_cmd[@]}" </dev/null) >>"$log" 2>&1 \
        || [[ ! -s "$pot" ]]; then
        echo "ERROR: Odoo $major could not export the terms; last lines of $log:"
        tail -n 30 "$log"
        exit 1
    fi
    POTS+=("$pot")
done
if [[ ${#POTS[@]} -eq 0 ]]; then
    echo "ERROR: no Odoo source found (set ODOO_SRCS)"
    exit 1
fi

"$PY" - "$I18N" "$MODULE" "$CHECK" "${POTS[@]}" <<'EOF'
import os
import re
import sys

import polib

i18n, module, check, pot_paths = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4:]
pot_target = os.path.join(i18n, module + ".pot")
WRAP = 78
status = 0

# ---- union of the exports -----------------------------------------------------------------
def key(entry):
    return (entry.msgctxt or "", entry.msgid)

merged = polib.POFile(wrapwidth=WRAP)
merged.metadata = {
    "Project-Id-Version": "Odoo Server 17.0/18.0/19.0 - %s" % module,
    "Report-Msgid-Bugs-To": "",
    "Last-Translator": "",
    "Language-Team": "",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "",
    "Plural-Forms": "",
}
merged.header = ("Translation of Odoo Server.\nThis file contains the translation of the "
                 "following modules:\n\t* %s\n" % module)
by_key = {}
for path in pot_paths:
    for entry in polib.pofile(path):
        if entry.obsolete:
            continue
        known = by_key.get(key(entry))
        if known is None:
            entry.msgstr = ""
            by_key[key(entry)] = entry
            merged.append(entry)
            continue
        for occurrence in entry.occurrences:
            if occurrence not in known.occurrences:
                known.occurrences.append(occurrence)
        for flag in entry.flags:
            if flag not in known.flags:
                known.flags.append(flag)
        for line in entry.comment.split("\n"):
            if line and line not in known.comment.split("\n"):
                known.comment += "\n" + line
for entry in merged:
    entry.occurrences.sort()
merged.sort(key=lambda e: (e.msgid, e.msgctxt or ""))

def body(po):
    """The entries as text, without the header (whose dates change on every export)."""
    copy = polib.POFile(wrapwidth=WRAP)
    copy.extend(po)
    return str(copy)

old_pot = polib.pofile(pot_target, wrapwidth=WRAP) if os.path.exists(pot_target) else None
stale_pot = old_pot is None or body(old_pot) != body(merged)
msgids = {key(e) for e in merged}
print(f"{len(merged)} msgids ({', '.join(os.path.basename(p) for p in pot_paths)})")
if old_pot is not None:
    old_ids = {key(e) for e in old_pot}
    for ctxt, msgid in sorted(msgids - old_ids):
        print(f"  new:     {msgid!r}")
    for ctxt, msgid in sorted(old_ids - msgids):
        print(f"  removed: {msgid!r}")
if check:
    if stale_pot:
        print(f"stale: {pot_target} differs from a fresh export (run scripts/i18n_export.sh)")
        status = 1
else:
    if stale_pot:
        os.makedirs(i18n, exist_ok=True)
        merged.metadata["POT-Creation-Date"] = merged.metadata["PO-Revision-Date"] = (
            __import__("datetime").datetime.now(__import__("datetime").timezone.utc).strftime("%Y-%m-%d %H:%M+0000"))
        merged.save(pot_target)
        print(f"wrote {pot_target}")
    else:
        print(f"unchanged {pot_target}")

# ---- placeholders ------------------------------------------------------------------------
PLACEHOLDER = re.compile(r"%%|%\([A-Za-z_]\w*\)[#0 +-]*\d*(?:\.\d+)?[sdifr]|%[#0 +-]*\d*(?:\.\d+)?[sdifr]"
                         r"|\{\{.*?\}\}|\{[A-Za-z_]\w*\}|</?[A-Za-z][\w-]*")

def placeholders(text):
    return sorted(p for p in PLACEHOLDER.findall(text) if p != "%%")

# ---- every .po against the .pot ----------------------------------------------------------
reference = merged
missing_total = 0
for name in sorted(os.listdir(i18n)) if os.path.isdir(i18n) else []:
    if not name.endswith(".po"):
        continue
    path = os.path.join(i18n, name)
    po = polib.pofile(path, wrapwidth=WRAP)
    translations = {key(e): e for e in po if not e.obsolete}
    out = polib.POFile(wrapwidth=WRAP)
    out.header = po.header
    out.metadata = po.metadata
    missing, wrong = [], []
    for ref in reference:
        old = translations.get(key(ref))
        entry = polib.POEntry(msgid=ref.msgid, msgctxt=ref.msgctxt, msgstr=old.msgstr if old else "",
                              occurrences=list(ref.occurrences), comment=ref.comment,
                              flags=list(ref.flags), tcomment=old.tcomment if old else "")
        out.append(entry)
        if not entry.msgstr.strip():
            missing.append(ref.msgid)
        elif placeholders(entry.msgstr) != placeholders(ref.msgid):
            wrong.append((ref.msgid, entry.msgstr))
    gone = sorted(k[1] for k in set(translations) - msgids)
    print(f"{name}: {len(reference) - len(missing)}/{len(reference)} translated"
          + (f", {len(gone)} msgid(s) no longer in the .pot" if gone else ""))
    for msgid in missing:
        print(f"  missing: {msgid!r}")
    for msgid, msgstr in wrong:
        print(f"  placeholders differ: {msgid!r} -> {msgstr!r}")
    for msgid in gone:
        print(f"  dropped: {msgid!r}")
    missing_total += len(missing) + len(wrong)
    if not check and body(out) != body(po):
        out.save(path)
        print(f"  wrote {path}")
if missing_total:
    print(f"{missing_total} translation(s) missing or wrong: fill in the msgstr in the .po files above")
    status = 1
sys.exit(status)
EOF
