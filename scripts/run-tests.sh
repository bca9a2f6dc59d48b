#!/bin/sh
# run-tests.sh BUILD [ASAN_BUILD] — run every meson test in the release-like build (unit,
# HTTP, fuzz replay, browser) and the unit, HTTP and fuzz suites again under
# AddressSanitizer + UBSan; print one plain "N passed, N failed" line at the end.
set -u
build=$1
asan=${2:-}
status=0
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp

meson test -C "$build" --print-errorlogs --num-processes 2 || status=1
if [ -n "$asan" ]; then
    meson test -C "$asan" --print-errorlogs --num-processes 2 --no-suite browser || status=1
fi

python3 - "$build" "$asan" <<'PY'
import json, sys
passed = failed = skipped = 0
for d in sys.argv[1:]:
    if not d:
        continue
    try:
        lines = open(d + '/meson-logs/testlog.json', encoding='utf-8').read().splitlines()
    except OSError:
        failed += 1
        continue
    for line in lines:
        t = json.loads(line)
        r = t.get('result')
        if r in ('OK', 'EXPECTEDFAIL'):
            passed += 1
        elif r == 'SKIP':
            skipped += 1
        else:
            failed += 1
            print('FAILED:', d, t.get('name'), r)
print('%d passed, %d failed' % (passed, failed) + (', %d skipped' % skipped if skipped else ''))
sys.exit(1 if failed else 0)
PY
rc=$?
[ $status -ne 0 ] && [ $rc -eq 0 ] && rc=1
exit $rc
