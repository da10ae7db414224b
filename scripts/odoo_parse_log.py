#!/usr/bin/python3
"""Read an Odoo 17/18 test-run log and decide how many tests passed and failed.

Used by scripts/test_odoo.sh; runs with any Python 3 (no Odoo import).

    odoo_parse_log.py --label odoo17 --exit-code 0 --module pbx_callcenter LOGFILE

Odoo prints no "Ran N tests" line. What it prints (same on 17.0 and 18.0):

    <date> <pid> INFO <db> odoo.addons.<mod>.tests.<file>: Starting <Class>.<method> ...
    <date> <pid> INFO <db> odoo.addons.<mod>.tests.<file>: skipped <Class>.<method> : <reason>
    <date> <pid> ERROR <db> odoo.addons.<mod>.tests.<file>: FAIL: <Class>.<method>\\nTraceback ...
    <date> <pid> ERROR <db> odoo.addons.<mod>.tests.<file>: ERROR: <Class>.<method>\\nTraceback ...
    <date> <pid> INFO|ERROR|WARNING <db> odoo.tests.result: F failed, E error(s) of N tests when loading database '<db>'

Rules (stricter than Odoo's exit code, like Odoo's own CI):
- passed  = tests that logged "Starting" and got no FAIL/ERROR/skip record;
- failed  = F + E from the result line, plus every skipped test (a skipped
  browser test means chromium or python3-websocket is missing: not a pass),
  plus 1 for each of these conditions: ERROR/CRITICAL log lines that are not
  test reports (module install problems, tracebacks logged by the code under
  test without mute_logger/assertLogs), no result line (Odoo crashed), 0 tests
  ran, non-zero exit code with nothing else explaining it.

Prints a human report, then one machine-readable line:
    TIER2 <label>: passed=N failed=M
"""
import argparse
import re
import sys

RECORD_RE = re.compile(
    r'^(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+) (?P<pid>\d+) (?P<level>[A-Z]+) '
    r'(?P<db>\S+) (?P<logger>[^\s:]+): (?P<msg>.*)$')
RESULT_RE = re.compile(r'(\d+) failed, (\d+) error\(s\) of (\d+) tests')
STARTING_RE = re.compile(r'^Starting (.+?) \.\.\.\s*$')
SKIPPED_RE = re.compile(r'^skipped (.+?) : (.*)$', re.S)
REPORT_RE = re.compile(r'^(FAIL|ERROR): (.+?)(?:\n|$)')
# ERROR lines that are consequences of failed tests, already counted by the result line.
CONSEQUENCE_RES = [
    re.compile(r'^At least one test failed when loading the modules'),
    re.compile(r'^Test suite halted: max failed tests'),
    re.compile(r'^Module \S+: \d+ failures?, \d+ errors? of \d+ tests'),
]
MAX_EXCERPT_LINES = 60


def test_key(logger, desc):
    """Normalise 'Subtest TestX.test_y (i=1)' and 'TestX.test_y' to one key."""
    desc = desc.strip()
    if desc.startswith('Subtest '):
        desc = desc[len('Subtest '):]
        desc = desc.split(' ', 1)[0]
    return (logger, desc)


def parse_records(lines):
    records = []
    for raw in lines:
        line = raw.rstrip('\n')
        m = RECORD_RE.match(line)
        if m:
            rec = m.groupdict()
            rec['extra'] = []
            records.append(rec)
        elif records:
            records[-1]['extra'].append(line)
    for rec in records:
        rec['full'] = '\n'.join([rec['msg']] + rec['extra'])
    return records


def excerpt(rec, limit=MAX_EXCERPT_LINES):
    lines = ['%s %s %s: %s' % (rec['ts'], rec['level'], rec['logger'], rec['msg'])] + rec['extra']
    if len(lines) > limit:  # keep the head (what) and the tail (where: the innermost frames)
        head = min(6, limit // 3)
        tail = limit - head
        lines = (lines[:head] + ['    ... (%d lines cut, see the log file)' % (len(lines) - limit)]
                 + lines[-tail:])
    return '\n'.join('    | ' + line for line in lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('logfile')
    ap.add_argument('--label', default='odoo')
    ap.add_argument('--exit-code', type=int, default=0)
    ap.add_argument('--module', default='')
    ap.add_argument('--errors-only', action='store_true',
                    help='only print the ERROR/CRITICAL records (for install logs)')
    args = ap.parse_args()

    try:
        with open(args.logfile, encoding='utf-8', errors='replace') as fh:
            raw_lines = fh.readlines()
        records = parse_records(raw_lines)
        hung = [line.strip() for line in raw_lines if line.startswith('# test_odoo.sh: HUNG')]
    except OSError as exc:
        print('  cannot read log %s: %s' % (args.logfile, exc))
        print('TIER2 %s: passed=0 failed=1' % args.label)
        return 0

    started, started_set = [], set()
    bad = set()
    skips, reports, unexpected, warnings = [], [], [], []
    result = None
    result_line = None
    for rec in records:
        msg, logger, level = rec['msg'], rec['logger'], rec['level']
        if logger == 'odoo.tests.result':
            m = RESULT_RE.search(msg)
            if m:
                result = tuple(int(x) for x in m.groups())
                result_line = '%s %s: %s' % (level, logger, msg)
                continue
        m = STARTING_RE.match(msg)
        if m and level == 'INFO':
            key = test_key(logger, m.group(1))
            started.append(key)
            started_set.add(key)
            continue
        m = SKIPPED_RE.match(rec['full'])
        if m and level == 'INFO':
            skips.append(rec)
            bad.add(test_key(logger, m.group(1)))
            continue
        if level == 'WARNING' and logger != 'odoo.tests.result':
            warnings.append(rec)
            continue
        if level in ('ERROR', 'CRITICAL'):
            m = REPORT_RE.match(rec['full'])
            if m:
                reports.append(rec)
                bad.add(test_key(logger, m.group(2)))
                continue
            if any(r.match(msg) for r in CONSEQUENCE_RES):
                continue
            unexpected.append(rec)

    if args.errors_only:
        seen = set()
        for rec in unexpected + reports:
            last = rec['full'].strip().splitlines()[-8:]
            if tuple(last) in seen:  # the same traceback logged twice (registry, then server)
                continue
            seen.add(tuple(last))
            print(excerpt(rec, 30))
        return 0

    n_failed, n_errors, n_tests = result if result else (0, 0, 0)
    passed = sum(1 for k in set(started) if k not in bad)
    failed = n_failed + n_errors + len(skips)
    problems = []
    if result is None:
        problems.append('no "odoo.tests.result" line: Odoo stopped before running the tests '
                        '(crash, install error or timeout)')
    elif n_tests == 0:
        problems.append('0 tests ran (no test module imported? check tests/__init__.py and --test-tags)')
    if unexpected:
        problems.append('%d ERROR/CRITICAL log record(s) that are not test reports' % len(unexpected))
    if skips:
        problems.append('%d skipped test(s) (counted as failures)' % len(skips))
    # Each condition other than test failures and skips counts as one failure.
    extra = 0
    if result is None:
        extra += 1
    elif n_tests == 0:
        extra += 1
    if unexpected:
        extra += 1
    if hung:
        extra += 1
        problems.append(hung[0][len('# test_odoo.sh: '):])
    if args.exit_code != 0 and failed + extra == 0:
        extra += 1
        problems.append('odoo-bin exited with code %d although no test failed' % args.exit_code)
    failed += extra

    print('  %s' % (result_line or 'odoo.tests.result: (missing)'))
    print('  tests: %d run (Odoo count %d), %d passed, %d failure(s), %d error(s), %d skipped; exit code %d'
          % (len(started), n_tests, passed, n_failed, n_errors, len(skips), args.exit_code))
    if result and len(started) != n_tests:
        print('  note: %d "Starting" lines but Odoo counted %d tests' % (len(started), n_tests))
    for p in problems:
        print('  PROBLEM: %s' % p)
    if reports:
        print('  --- failing tests (%d) ---' % len(reports))
        for rec in reports[:20]:
            print(excerpt(rec, 30))
        if len(reports) > 20:
            print('    ... %d more, see %s' % (len(reports) - 20, args.logfile))
    if skips:
        print('  --- skipped tests ---')
        for rec in skips:
            print(excerpt(rec, 5))
    if unexpected:
        print('  --- ERROR/CRITICAL log records (not test reports) ---')
        seen, shown = set(), 0
        for rec in unexpected:
            tail = tuple(rec['full'].strip().splitlines()[-3:])
            if tail in seen:  # same error again (e.g. one per failing request)
                continue
            seen.add(tail)
            shown += 1
            if shown > 10:
                print('    ... more in %s' % args.logfile)
                break
            print(excerpt(rec, 40 if shown <= 3 else 12))
        if len(unexpected) > len(seen):
            print('    (%d records, %d distinct shown)' % (len(unexpected), len(seen)))
    if warnings:
        print('  --- WARNING log records (%d, not counted) ---' % len(warnings))
        seen = set()
        for rec in warnings:
            if rec['msg'] in seen:
                continue
            seen.add(rec['msg'])
            if len(seen) > 15:
                print('    ... more in %s' % args.logfile)
                break
            print(excerpt(rec, 3))
    print('TIER2 %s: passed=%d failed=%d' % (args.label, passed, failed))
    return 0


if __name__ == '__main__':
    sys.exit(main())
