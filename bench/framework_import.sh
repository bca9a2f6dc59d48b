#!/bin/sh
# framework_import.sh — import of a generated 5,000-leaf evaluation standard (CSV, three
# levels: 10 x 10 x 50) into a fresh data directory with `wenming framework import`, the
# whole command timed (parse, validate, store edition and indicator rows, audit).  Target:
# under 1 s.  Reference in the same run: the sqlite3 command inserting the same rows into
# a table of the same shape in one transaction.
set -eu
cd "$(dirname "$0")/.."
BIN=${WENMING_BIN:-./build/src/cli/wenming}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is missing" >&2; exit 1; }

awk 'BEGIN {
    print "code,title,requirement,materials,score,scoring,methods,veto,depts,media,frequency,min_documents"
    for (a = 1; a <= 10; a++) {
        printf "%d,一级指标%d,,,10,,,,,,,\n", a, a
        for (b = 1; b <= 10; b++) {
            printf "%d.%d,二级指标%d.%d,,,1,,,,,,,\n", a, b, a, b
            for (c = 1; c <= 50; c++)
                printf "%d.%d.%d,测评内容%d.%d.%d,要求%d：按规定建立制度并落实，材料齐全,会议纪要、照片,0.02,扣分,材料审核、实地考察,否,办公室,文字；图片,每季度,1\n", a, b, c, a, b, c, c
        }
    }
}' > "$work/fw5000.csv"
rows=$(($(wc -l < "$work/fw5000.csv") - 1))

printf 'pwhash_mem = 8388608\npwhash_ops = 1\n' > "$work/data.conf"
WENMING_ADMIN_PASSWORD='Bench-2026' "$BIN" init --data "$work/data" > /dev/null 2>&1
"$BIN" org add --data "$work/data" --name 某市文明办 --parent 1 > /dev/null 2>&1

now() { date +%s.%N; }
t0=$(now)
"$BIN" framework import --data "$work/data" "$work/fw5000.csv" --name 压测标准 --version 1 \
    > "$work/out" 2> "$work/err" || { cat "$work/err" >&2; exit 1; }
t1=$(now)

awk -F, 'NR > 1 { printf "INSERT INTO indicator VALUES (1,'"'"'%s'"'"','"'"'%s'"'"','"'"'%s'"'"',%d);\n", $1, $2, $3, NR }' \
    "$work/fw5000.csv" > "$work/ref.sql"
t2=$(now)
{
    echo "PRAGMA journal_mode=WAL; CREATE TABLE indicator (edition_id, code, title, requirement, seq, PRIMARY KEY (edition_id, code));"
    echo "BEGIN;"; cat "$work/ref.sql"; echo "COMMIT;"
} | sqlite3 "$work/ref.db" > /dev/null
t3=$(now)

awk -v n="$rows" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" 'BEGIN {
    w = b - a; r = d - c
    printf "wenming bench: framework_import (%d indicators, 5000 leaves)\n", n
    printf "wenming framework import  %.3f s (target < 1 s: %s)\n", w, (w < 1) ? "ok" : "ABOVE TARGET"
    printf "sqlite3 raw inserts       %.3f s\n", r
    printf "ratio wenming / raw       %.1f\n", w / r
}'
