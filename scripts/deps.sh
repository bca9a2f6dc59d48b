#!/bin/sh
# deps.sh [build|check|demo|bench|deb] [--list] — make sure the Debian packages wenming needs are
# installed.  As root, installs what is missing (apt-get); otherwise prints the exact
# command to run and fails.
set -eu
what=${1:-build}
pkgs="gcc meson ninja-build pkg-config python3 gettext opencc
libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev libssl-dev
libarchive-dev libxml2-dev libxlsxwriter-dev libcmocka-dev libcurl4-openssl-dev
libvips-dev libpoppler-glib-dev libcairo2-dev libpango1.0-dev fonts-noto-cjk libjs-pdf libpq-dev
libopencc-dev libtesseract-dev libleptonica-dev tesseract-ocr tesseract-ocr-eng
tesseract-ocr-chi-sim tesseract-ocr-chi-tra"
# issue 13, totp + deb: the QR code of the TOTP enrolment; `deps.sh build
# --list` prints the build list, which debian/control's Build-Depends must equal
# (tests/check_man.py); `deps.sh deb` adds the packaging tools of `make deb`.
pkgs="$pkgs libqrencode-dev"
if [ "${2:-}" = --list ]; then
    printf '%s\n' $pkgs
    exit 0
fi
case "$what" in
check) pkgs="$pkgs chromium fonts-wqy-microhei sqlite3 curl unzip tidy postgresql poppler-utils nginx-light"
       # Node.js: any install will do (Debian's nodejs+npm, or another that provides both).
       command -v node >/dev/null && command -v npm >/dev/null || pkgs="$pkgs nodejs npm" ;;
bench) pkgs="$pkgs wrk nginx-light curl zip sqlite3" ;;
deb) pkgs="$pkgs build-essential debhelper lintian dpkg-dev" ;; # issue 13, deb
esac
# issue 13, deb: make check builds the package once and tests it (tests/check_deb.sh)
[ "$what" = check ] && pkgs="$pkgs build-essential debhelper lintian dpkg-dev"
missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${db:Status-Status}\n' "$p" 2>/dev/null | grep -qx installed; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "wenming needs these Debian packages:$missing" >&2
    echo "install them with: sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
