#!/bin/sh
# run-tests.sh BUILD [ASAN_BUILD] — run every meson test in the release-like build (unit,
# HTTP, fuzz replay, browser) and the unit, HTTP and fuzz suites again under
# AddressSanitizer + UBSan; print one plain "N passed, N failed" line at the end.
#
# The PostgreSQL suites (store_pg, http-pg, the two-server test) need a server: unless
# WM_TEST_PG already names one, a throwaway server is started in a temporary directory
# (scripts/pg-cluster.sh) for the run and stopped at the end, also on failure or ^C.
# Without PostgreSQL installed those suites skip.
set -u
build=$1
asan=${2:-}
status=0
here=$(cd "$(dirname "$0")" && pwd)

pgdir=""
stop_pg() {
    if [ -n "$pgdir" ]; then
        "$here/pg-cluster.sh" stop "$pgdir" || true
        pgdir=""
    fi
}
trap stop_pg EXIT
trap 'stop_pg; exit 130' INT TERM HUP
if [ -z "${WM_TEST_PG:-}" ]; then
    if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 \
        || command -v pg_config >/dev/null 2>&1; then
        pgdir=$(mktemp -d /tmp/wm-pg-XXXXXX)
        if conninfo=$("$here/pg-cluster.sh" start "$pgdir"); then
            export WM_TEST_PG="$conninfo"
            echo "PostgreSQL for the tests: $WM_TEST_PG" >&2
        else
            echo "run-tests: the throwaway PostgreSQL server did not start" >&2
            status=1
        fi
    else
        echo "run-tests: PostgreSQL is not installed: the PostgreSQL suites skip" >&2
    fi
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp

# issue 13, deb: the Debian package, built once into BUILD/deb by scripts/deb.sh (about 3
# minutes on 2 cores) for the test "deb" (tests/check_deb.sh), when the packaging tools are
# installed (scripts/deps.sh check installs them); WM_TEST_DEB=FILE tests that package instead.
if [ -z "${WM_TEST_DEB:-}" ] && command -v dpkg-buildpackage >/dev/null &&
    command -v dh >/dev/null && command -v lintian >/dev/null; then
    debdir=$(cd "$build" && pwd)/deb
    if debfile=$("$here/deb.sh" "$debdir" 2>"$debdir.log" | tail -n 1) && [ -f "$debfile" ]; then
        export WM_TEST_DEB="$debfile"
    else
        cat "$debdir.log" >&2
        echo "run-tests: the Debian package did not build (scripts/deb.sh)" >&2
        status=1
    fi
fi

meson test -C "$build" --print-errorlogs --num-processes 2 || status=1
if [ -n "$asan" ]; then
    # The HTTP suites on PostgreSQL run in the normal build only (they repeat the http
    # suite against another store; the store code itself is covered by store_pg here).
    meson test -C "$asan" --print-errorlogs --num-processes 2 --no-suite browser \
        --no-suite http-pg || status=1
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
if skipped:
    print('%d skipped' % skipped)
print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed else 0)
PY
rc=$?
[ $status -ne 0 ] && [ $rc -eq 0 ] && rc=1
stop_pg
exit $rc
