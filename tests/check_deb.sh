#!/bin/sh
# check_deb.sh [DEB] — the Debian package of `make deb` (issue 13, deb), checked without
# touching this machine: no install, no user, no unit enabled.  DEB defaults to WM_TEST_DEB;
# skips (77) without one (scripts/run-tests.sh builds it first when the packaging tools are
# installed; or: make deb && tests/check_deb.sh dist/wenming_*.deb).
#
# - lintian reports no error;
# - dpkg-deb -c lists the programs, the helpers, the conffile, the unit, the man pages, the
#   translations and the nginx sample; /etc/wenming/wenming.conf is a conffile; the
#   maintainer scripts carry the systemd snippets;
# - systemd-analyze verify accepts the unit (when systemd-analyze is installed);
# - in a scratch root (dpkg-deb -x): the postinst's file-system part (DPKG_ROOT) makes the
#   data directory and its link to the packaged wenming.conf; the packaged wenming's init
#   there prints a generated admin password and keeps the link; the packaged wenming serves
#   it with the packaged wenming.conf, GET /healthz answers 200 and the printed password
#   signs the admin in (a wrong one does not); the postrm purge removes
#   /etc/wenming and keeps the data, and with WENMING_PURGE_DATA=yes removes the data too.
set -u
deb=${1:-${WM_TEST_DEB:-}}
if [ -z "$deb" ] || [ ! -f "$deb" ]; then
    echo "SKIP: no package ${deb:-(none given)}: make deb, or scripts/run-tests.sh with the" \
         "packaging tools (scripts/deps.sh deb)"
    exit 77
fi
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wm-checkdeb-XXXXXX")
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM HUP

# ---- lintian
if command -v lintian >/dev/null; then
    if lintian --fail-on error "$deb" >"$tmp/lintian" 2>&1; then
        ok "lintian: no errors ($(grep -c '^W: ' "$tmp/lintian") warnings)"
    else
        cat "$tmp/lintian"
        fail "lintian reports errors"
    fi
else
    echo "note: lintian is not installed: not run"
fi

# ---- contents
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$tmp/list"
for f in /usr/bin/wenming /usr/libexec/wenming/wenming-thumb \
    /usr/libexec/wenming/wenming-extract /usr/libexec/wenming/wenming-compile \
    /etc/wenming/wenming.conf /lib/systemd/system/wenming.service \
    /usr/share/man/man1/wenming.1.gz /usr/share/man/man5/wenming.conf.5.gz \
    /usr/share/locale/zh_TW/LC_MESSAGES/wenming.mo \
    /usr/share/doc/wenming/examples/nginx.conf /usr/share/doc/wenming/copyright; do
    grep -qx "$f" "$tmp/list" || fail "the package lacks $f"
done
if grep -q 'wenming-conf-gen\|/usr/local/\|/include/' "$tmp/list"; then
    fail "the package holds what it should not: $(grep 'wenming-conf-gen\|/usr/local/\|/include/' "$tmp/list")"
fi
mkdir "$tmp/ctl" "$tmp/root"
dpkg-deb -e "$deb" "$tmp/ctl"
dpkg-deb -x "$deb" "$tmp/root"
grep -qx /etc/wenming/wenming.conf "$tmp/ctl/conffiles" ||
    fail "/etc/wenming/wenming.conf is not a conffile"
grep -q 'deb-systemd-helper' "$tmp/ctl/postinst" ||
    fail "the postinst does not enable the service (dh_installsystemd's snippet)"
grep -q 'deb-systemd-invoke' "$tmp/ctl/prerm" ||
    fail "the prerm does not stop the service"
grep -q '^Depends:.*tesseract-ocr-chi-sim' "$tmp/ctl/control" ||
    fail "Depends lacks tesseract-ocr-chi-sim"
[ "$fails" -eq 0 ] && ok "contents, conffiles and maintainer scripts"

# ---- the unit
unit=$tmp/root/lib/systemd/system/wenming.service
for want in 'User=wenming' 'NoNewPrivileges=yes' 'ProtectSystem=strict' \
    'ReadWritePaths=/var/lib/wenming' 'PrivateTmp=yes' 'ProtectHome=yes' 'MemoryMax=' \
    'Restart=on-failure' 'ExecStart=/usr/bin/wenming serve --data /var/lib/wenming'; do
    grep -q "^$want" "$unit" || fail "wenming.service lacks $want"
done
if command -v systemd-analyze >/dev/null; then
    # the unit as packaged but for ExecStart's program, the one extracted here; a warning
    # (e.g. an unknown key) fails too; the man pages of Documentation= are not looked up
    mkdir "$tmp/unit"
    sed "s|^ExecStart=/usr/bin/wenming |ExecStart=$tmp/root/usr/bin/wenming |" "$unit" \
        >"$tmp/unit/wenming.service"
    if systemd-analyze verify --man=no "$tmp/unit/wenming.service" >"$tmp/verify" 2>&1 &&
        ! grep -q . "$tmp/verify"; then
        ok "systemd-analyze verify wenming.service"
    else
        cat "$tmp/verify"
        fail "systemd-analyze verify wenming.service"
    fi
else
    echo "note: systemd-analyze is not installed: the unit is not verified"
fi

# ---- the maintainer scripts and the packaged program, in the scratch root
root=$tmp/root
data=$root/var/lib/wenming
if ! DPKG_ROOT=$root sh "$tmp/ctl/postinst" configure "" >"$tmp/postinst" 2>&1; then
    cat "$tmp/postinst"
    fail "postinst configure (DPKG_ROOT) failed"
fi
[ -d "$data" ] && [ "$(stat -c %a "$data")" = 750 ] || fail "postinst: no data directory 0750"
[ -L "$data/wenming.conf" ] && [ -f "$data/wenming.conf" ] ||
    fail "postinst: $data/wenming.conf is not a link to the packaged wenming.conf"
[ "$(stat -c %a "$root/etc/wenming/wenming.conf")" = 640 ] || fail "wenming.conf is not 0640"
# /healthz checks free disk against health_min_free_mb (1 GiB): not this machine's business
echo "health_min_free_mb = 0" >>"$root/etc/wenming/wenming.conf"
wenming=$root/usr/bin/wenming
if env -u WENMING_ADMIN_PASSWORD -u WENMING_DATA "$wenming" init --data "$data" \
    --admin admin </dev/null >"$tmp/init" 2>&1; then
    grep -q '^generated password (shown once' "$tmp/init" ||
        fail "init printed no generated password: $(cat "$tmp/init")"
else
    cat "$tmp/init"
    fail "the packaged wenming init failed"
fi
[ -L "$data/wenming.conf" ] || fail "init replaced the link to /etc/wenming/wenming.conf"
pw=$(sed -n 's/^generated password[^:]*: //p' "$tmp/init")
if [ -n "$pw" ] && grep -rqF "$pw" "$data" "$root/etc/wenming"; then
    fail "the generated password is stored in clear"
fi
"$wenming" serve --data "$data" --listen 127.0.0.1:0 >"$tmp/serve" 2>&1 &
pid=$!
port=""
for _ in $(seq 1 100); do
    port=$(sed -n 's|.*serving .* on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$tmp/serve")
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$port" ]; then
    cat "$tmp/serve"
    fail "the packaged wenming did not serve"
else
    code=$(curl -s -o "$tmp/health" -w '%{http_code}' "http://127.0.0.1:$port/healthz")
    [ "$code" = 200 ] && ok "the packaged wenming serves; GET /healthz 200" ||
        fail "GET /healthz answered $code: $(cat "$tmp/health")"
    # the password init printed signs the admin in (and a wrong one does not)
    for try in "$pw" "x$pw"; do
        code=$(curl -s -o "$tmp/login" -w '%{http_code}' -H 'Content-Type: application/json' \
            --data "{\"username\":\"admin\",\"password\":\"$try\"}" \
            "http://127.0.0.1:$port/api/v1/session")
        want=201 what="the printed password"
        [ "$try" = "$pw" ] || want=401 what="a wrong password"
        [ "$code" = "$want" ] || fail "sign-in as admin with $what answered $code, not $want"
    done
fi
kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
pid=""
# purge keeps the data unless asked
if DPKG_ROOT=$root sh "$tmp/ctl/postrm" purge >"$tmp/postrm" 2>&1; then
    [ ! -e "$root/etc/wenming" ] || fail "postrm purge left /etc/wenming"
    [ -f "$data/wenming.db" ] || fail "postrm purge removed the data"
    grep -q 'WENMING_PURGE_DATA=yes' "$tmp/postrm" || fail "postrm purge did not say how to remove the data"
else
    cat "$tmp/postrm"
    fail "postrm purge failed"
fi
if WENMING_PURGE_DATA=yes DPKG_ROOT=$root sh "$tmp/ctl/postrm" purge >"$tmp/postrm" 2>&1; then
    [ ! -e "$data" ] || fail "postrm purge with WENMING_PURGE_DATA=yes kept the data"
else
    cat "$tmp/postrm"
    fail "postrm purge with WENMING_PURGE_DATA=yes failed"
fi
[ "$fails" -eq 0 ] && ok "postinst, init, serve, postrm purge in a scratch root"
echo "$fails failures"
[ "$fails" -eq 0 ]
