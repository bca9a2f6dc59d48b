#!/bin/sh
# upload.sh — a 1 GiB upload through `wenming serve` (multipart, streamed into the blob
# store: SHA-256 while streaming, fsync, rename) against `dd ... conv=fsync` writing the
# same size to the same disk in the same run.  Prints both rates, the ratio (target
# >= 0.8) and the server's peak RSS during the upload (target <= 64 MiB).
set -eu
cd "$(dirname "$0")/.."
BIN=${WENMING_BIN:-./build/src/cli/wenming}
SIZE_MB=${SIZE_MB:-1024}
for t in curl dd; do
    command -v $t >/dev/null || { echo "bench: $t is missing" >&2; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/var/tmp}/wm-bench-XXXXXX")
wpid=
trap 'kill $wpid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT INT TERM

printf 'pwhash_mem = 8388608\npwhash_ops = 1\nupload_max = 4294967296\nfixity_hours = 0\n' > "$work/wenming.conf"
"$BIN" serve --demo --data "$work" --listen 127.0.0.1:0 > "$work/out" 2> "$work/err" &
wpid=$!
for i in $(seq 100); do grep -q 'serving' "$work/out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's#.*http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$work/out")
base=http://127.0.0.1:$port
csrf=$(curl -s -c "$work/jar" -H 'Content-Type: application/json' \
    -d '{"username":"unitadmin","password":"Demo-2026"}' $base/api/v1/session |
    sed 's/.*"csrf":"\([^"]*\)".*/\1/')
unit=$(curl -s -b "$work/jar" "$base/api/v1/me" | sed 's/.*"org_id":\([0-9]*\).*/\1/')
year=$(date +%Y)
curl -s -b "$work/jar" "$base/api/v1/units/$unit/archives/$year" > /dev/null

# The file: a PDF header, then zeros (page cache warm for both runs).
{ printf '%%PDF-1.4\n'; head -c $((SIZE_MB * 1048576 - 9)) /dev/zero; } > "$work/big.pdf"
cat "$work/big.pdf" > /dev/null

now() { date +%s.%N; }
hwm_before=$(awk '/VmHWM/ {print $2}' /proc/$wpid/status)
t0=$(now)
code=$(curl -s -o "$work/resp" -w '%{http_code}' -b "$work/jar" -H "X-CSRF-Token: $csrf" \
    -F "file=@$work/big.pdf;type=application/pdf" \
    "$base/api/v1/units/$unit/archives/$year/indicators/1.1.3/documents")
t1=$(now)
hwm=$(awk '/VmHWM/ {print $2}' /proc/$wpid/status)
[ "$code" = 201 ] || { echo "bench: upload answered $code: $(cat "$work/resp")" >&2; exit 1; }

t2=$(now)
dd if="$work/big.pdf" of="$work/dd.out" bs=1M conv=fsync status=none
t3=$(now)

awk -v mb="$SIZE_MB" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v hwm="$hwm" -v h0="$hwm_before" 'BEGIN {
    w = mb / (b - a); r = mb / (d - c)
    printf "wenming bench: upload (%d MiB, multipart, one request)\n", mb
    printf "wenming upload        %8.1f MiB/s (%.2f s)\n", w, b - a
    printf "dd conv=fsync         %8.1f MiB/s (%.2f s)\n", r, d - c
    printf "ratio                 %8.2f (target >= 0.8: %s)\n", w / r, (w / r >= 0.8) ? "ok" : "BELOW TARGET"
    printf "server peak RSS       %8.1f MiB (before the upload %.1f; target <= 64 MiB: %s)\n", hwm / 1024, h0 / 1024, (hwm <= 65536) ? "ok" : "ABOVE TARGET"
}'
