#!/usr/bin/python3
"""Wait until an Odoo server answers: odoo_wait.py URL [TIMEOUT_S] [PID]

Exits 0 as soon as URL answers HTTP 200, 1 on timeout or when PID (the server) has died."""
import os
import sys
import time
import urllib.request

url = sys.argv[1]
timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 120
pid = int(sys.argv[3]) if len(sys.argv) > 3 else 0
deadline = time.time() + timeout
while time.time() < deadline:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            if resp.status == 200:
                sys.exit(0)
    except Exception:
        pass
    if pid:
        try:
            os.kill(pid, 0)
        except OSError:
            print('server process %d exited' % pid, file=sys.stderr)
            sys.exit(1)
    time.sleep(0.5)
print('no answer from %s after %ss' % (url, timeout), file=sys.stderr)
sys.exit(1)
