# Shared by the scripts that run Odoo (test_odoo.sh, i18n_export.sh, demo.sh, bench.sh):
#   source "$REPO/scripts/odoo_lib.sh"      (expects PY, the interpreter for odoo-bin)

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
