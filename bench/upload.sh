#!/bin/sh
# upload.sh — a 1 GiB upload through `wenming serve` (multipart, streamed into the blob
# store: SHA-256 while streaming, fsync, rename) against `dd ... conv=fsync` writing the
# same size to the same disk in the same run.  Prints both rates, the ratio (target
# >= 0.8) and the server's peak RSS during the upload (target <= 64 MiB).
#
# Then 8 concurrent uploaders (CONC_MB MiB each, default 64) into one leaf of one server on
# SQLite, in total MiB/s.  STORE=postgresql: the same 8 uploaders across two servers on
# one PostgreSQL database (scripts/pg-cluster.sh) and one data directory, 4 through each;
# prints the ratio to one server on SQLite (target >= 0.8).
set -eu
cd "$(dirname "$0")/.."
BIN=${WENMING_BIN:-./build/src/cli/wenming}
SIZE_MB=${SIZE_MB:-1024}
CONC_MB=${CONC_MB:-64}
STORE=${STORE:-sqlite}
for t in curl dd; do
    command -v $t >/dev/null || { echo "bench: $t is missing" >&2; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/var/tmp}/wm-bench-XXXXXX")
wpid= wpid2= pg= pgdir=
cleanup() {
    kill $wpid $wpid2 2>/dev/null || true
    wait 2>/dev/null || true
    [ -n "$pg" ] && ./scripts/pg-cluster.sh stop "$pgdir" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

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

# ---------------------------------------------------------------- 8 concurrent uploaders
# serve_on DIR [demo]: a server on DIR; prints its base URL, sets the pid in $started
serve_on() {
    if [ -n "${2:-}" ]; then
        "$BIN" serve --demo --data "$1" --listen 127.0.0.1:0 > "$1/out.$2" 2> "$1/err.$2" &
    else
        "$BIN" serve --data "$1" --listen 127.0.0.1:0 > "$1/out.2" 2> "$1/err.2" &
    fi
}
base_of() { # OUTFILE
    for i in $(seq 100); do grep -q 'serving' "$1" 2>/dev/null && break; sleep 0.1; done
    echo "http://127.0.0.1:$(sed -n 's#.*http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$1")"
}
login() { # BASE JAR -> csrf
    curl -s -c "$2" -H 'Content-Type: application/json' \
        -d '{"username":"unitadmin","password":"Demo-2026"}' $1/api/v1/session |
        sed 's/.*"csrf":"\([^"]*\)".*/\1/'
}
# uploads BASE1 BASE2: 8 uploads, alternating between the two bases; prints MiB/s total
uploads() {
    c1=$(login "$1" "$work/j1"); c2=$(login "$2" "$work/j2")
    t0=$(now)
    for i in 1 2 3 4 5 6 7 8; do
        if [ $((i % 2)) = 1 ]; then b=$1 j=$work/j1 c=$c1; else b=$2 j=$work/j2 c=$c2; fi
        curl -s -o "$work/r$i" -w '%{http_code}\n' -b "$j" -H "X-CSRF-Token: $c" \
            -F "file=@$work/part$i.pdf;type=application/pdf" \
            "$b/api/v1/units/$unit/archives/$year/indicators/1.1.3/documents" > "$work/code$i" &
    done
    wait
    t1=$(now)
    for i in 1 2 3 4 5 6 7 8; do
        [ "$(cat "$work/code$i")" = 201 ] || { echo "bench: upload $i answered $(cat "$work/code$i"): $(cat "$work/r$i")" >&2; exit 1; }
    done
    awk -v mb=$((CONC_MB * 8)) -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", mb / (b - a) }'
}
rm -f "$work/big.pdf" "$work/dd.out"
for i in 1 2 3 4 5 6 7 8; do # different bytes, so that each upload is a new blob
    { printf '%%PDF-1.4\n%% part %d\n' $i; head -c $((CONC_MB * 1048576 - 20)) /dev/zero; } > "$work/part$i.pdf"
done
sq=$(uploads "$base" "$base")
echo
echo "8 concurrent uploaders ($CONC_MB MiB each, one leaf)"
printf 'one server, SQLite      %8s MiB/s\n' "$sq"
if [ "$STORE" = postgresql ]; then
    kill $wpid; wait $wpid 2>/dev/null || true; wpid=
    pgdir=$(mktemp -d /tmp/wm-pg-XXXXXX) # a directory the postgres user can reach
    pg=1
    conninfo=$(./scripts/pg-cluster.sh start "$pgdir")
    d=$work/pgdata
    mkdir -p "$d"
    printf 'pwhash_mem = 8388608\npwhash_ops = 1\nupload_max = 4294967296\nfixity_hours = 0\nstore = %s\n' "$conninfo" > "$d/wenming.conf"
    serve_on "$d" 1; wpid=$!
    b1=$(base_of "$d/out.1")
    serve_on "$d"; wpid2=$!
    b2=$(base_of "$d/out.2")
    login "$b1" "$work/j1" > /dev/null
    unit=$(curl -s -b "$work/j1" "$b1/api/v1/me" | sed 's/.*"org_id":\([0-9]*\).*/\1/')
    curl -s -b "$work/j1" "$b1/api/v1/units/$unit/archives/$year" > /dev/null
    p=$(uploads "$b1" "$b2")
    printf 'two servers, PostgreSQL %8s MiB/s   ratio %s (target >= 0.8: %s)\n' "$p" \
        "$(awk -v a="$p" -v b="$sq" 'BEGIN { printf "%.2f", a / b }')" \
        "$(awk -v a="$p" -v b="$sq" 'BEGIN { print (a / b >= 0.8) ? "ok" : "BELOW TARGET" }')"
fi
