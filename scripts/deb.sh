#!/bin/sh
# deb.sh [OUTDIR] — build the Debian package of this tree (make deb): in a scratch copy,
# since dpkg-buildpackage writes next to the source tree, with `dpkg-buildpackage -b -us
# -uc` (the test suite does not run: debian/rules), then copy the .deb into OUTDIR (default
# dist/ of the project) and run lintian on it: its warnings are printed, an error fails.
# Nothing is written outside OUTDIR but the scratch directory, which is removed.
# Needs the packages of `scripts/deps.sh deb`.  Prints the path of the .deb last.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$top"
ver=$(dpkg-parsechangelog -S Version)
arch=$(dpkg-architecture -q DEB_HOST_ARCH)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/wenming-deb-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'rm -rf "$scratch"; exit 130' INT TERM HUP
src=$scratch/wenming-$ver
mkdir "$src"
# The tree as it is now (edits not yet committed included), without build trees and data.
tar -cf - --exclude=./.git --exclude='./build*' --exclude=./dist --exclude=./var \
    --exclude=node_modules --exclude='./obj-*' --exclude=./debian/wenming \
    --exclude=./debian/.debhelper --exclude='*.tmp.*' . | tar -C "$src" -xf -
: "${DEB_BUILD_OPTIONS:=parallel=$(nproc)}"
export DEB_BUILD_OPTIONS
start=$(date +%s)
echo "deb: dpkg-buildpackage -b -us -uc in $src ($DEB_BUILD_OPTIONS)" >&2
if ! (cd "$src" && dpkg-buildpackage -b -us -uc) >"$scratch/build.log" 2>&1; then
    tail -n 60 "$scratch/build.log" >&2
    echo "deb: dpkg-buildpackage failed (the last 60 lines of its output are above)" >&2
    exit 1
fi
echo "deb: built in $(($(date +%s) - start)) s" >&2
deb=wenming_${ver}_$arch.deb
cp "$scratch/$deb" "$out/$deb"
# lintian: every tag it prints is shown; only errors fail (--fail-on error).
if ! lintian --fail-on error --tag-display-limit 0 "$out/$deb" >"$scratch/lintian.log" 2>&1; then
    cat "$scratch/lintian.log" >&2
    echo "deb: lintian found errors in $out/$deb" >&2
    exit 1
fi
cat "$scratch/lintian.log" >&2
echo "deb: lintian: no errors ($(grep -c '^W: ' "$scratch/lintian.log" || true) warnings)" >&2
echo "$out/$deb"
