#!/bin/sh
# export.sh — export of 2,000 documents of 100 KB as the standard package, against
# `zip -0 -r` of the same files in the same run.  The documents are imported first with
# `wenming import`; the export is measured twice: by `wenming export` to a file (ratio,
# target >= 0.8 of zip's rate) and through the API (time to the first byte, target
# <= 100 ms).
set -eu
cd "$(dirname "$0")/.."
BIN=${WENMING_BIN:-./build/src/cli/wenming}
N=${N:-2000}
for t in curl zip; do
    command -v $t >/dev/null || { echo "bench: $t is missing (make bench installs it)" >&2; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/var/tmp}/wm-bench-XXXXXX")
wpid=
trap 'kill $wpid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT INT TERM

printf 'pwhash_mem = 8388608\npwhash_ops = 1\nfixity_hours = 0\n' > "$work/wenming.conf"
"$BIN" serve --demo --data "$work" --listen 127.0.0.1:0 > "$work/out" 2> "$work/err" &
wpid=$!
for i in $(seq 100); do grep -q 'serving' "$work/out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's#.*http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$work/out")
base=http://127.0.0.1:$port
year=$(date +%Y)

# 2,000 distinct "PDF" files of 100 KB in a folder named like a leaf.
src="$work/src/1.1.3 创建领导小组"
mkdir -p "$src"
head -c $((100 * 1024 * N)) /dev/urandom > "$work/random"
i=1
while [ $i -le $N ]; do
    { printf '%%PDF-1.4\n'; dd if="$work/random" bs=102391 skip=$((i - 1)) count=1 status=none; } \
        > "$src/$(printf '%04d' $i)_材料.pdf"
    i=$((i + 1))
done
kill $wpid; wait $wpid 2>/dev/null || true
"$BIN" import --data "$work" --unit DEMO001 --year "$year" "$work/src" > "$work/import.log"
tail -1 "$work/import.log"
"$BIN" serve --data "$work" --listen "127.0.0.1:$port" > "$work/out" 2> "$work/err" &
wpid=$!
sleep 1

now() { date +%s.%N; }
sync
t0=$(now)
"$BIN" export --data "$work" --unit DEMO001 --years "$year" --out "$work/pkg.zip" > /dev/null
t1=$(now)
t2=$(now)
(cd "$work/src" && zip -0 -r -q "$work/ref.zip" .)
t3=$(now)

csrf=$(curl -s -c "$work/jar" -H 'Content-Type: application/json' \
    -d '{"username":"unitadmin","password":"Demo-2026"}' $base/api/v1/session |
    sed 's/.*"csrf":"\([^"]*\)".*/\1/')
unit=$(curl -s -b "$work/jar" "$base/api/v1/me" | sed 's/.*"org_id":\([0-9]*\).*/\1/')
ttfb=$(curl -s -o "$work/api.zip" -b "$work/jar" -w '%{time_starttransfer} %{time_total} %{size_download}' \
    "$base/api/v1/units/$unit/archives/$year/export.zip")

mb=$(awk -v s="$(wc -c < "$work/pkg.zip")" 'BEGIN { print s / 1048576 }')
awk -v n="$N" -v mb="$mb" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v t="$ttfb" 'BEGIN {
    split(t, x, " ")
    w = b - a; z = d - c
    printf "wenming bench: export (%d documents of 100 KB, %.0f MiB package)\n", n, mb
    printf "wenming export        %6.2f s\n", w
    printf "zip -0 -r             %6.2f s\n", z
    printf "ratio (zip time / wenming time) %.2f (target >= 0.8: %s)\n", z / w, (z / w >= 0.8) ? "ok" : "BELOW TARGET"
    printf "API first byte        %6.0f ms (target <= 100 ms: %s), whole %.2f s, %d bytes\n", x[1] * 1000, (x[1] <= 0.1) ? "ok" : "ABOVE TARGET", x[2], x[3]
}'
