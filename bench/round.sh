#!/bin/sh
# round.sh — a round's results at a city's scale: UNITS (default 2,000) units in 10
# districts, a standard of 150 leaves (15 top-level indicators x 10 leaves of 1 point), 3
# evaluators' submitted sheets per unit (900,000 scores) and the reconciled values of every
# unit locked (300,000 entry_final rows), generated directly in SQL into a fresh data
# directory after `wenming init` (the standard imported the normal way).
#
# Timed:
#   - `wenming round rank ID`: totals and subtotals of every unit from its reconciled
#     values, ranks in the round, per district and per unit type, pass/fail — the engine's
#     arithmetic as the server runs it (src/core/results.c); the time the command reports
#     for the computation (median of RUNS) and the whole process (load included).
#     Target: <= 2 s.
#   - GET /rounds/ID/results (the office's first screen, 50 rows) through `wenming serve`,
#     the median of RUNS requests after a warm-up (the computed results are kept in each
#     server thread's read cache until the store changes), and the first request alone
#     (computed).  Target: <= 200 ms.
# Reference in the same run (sqlite3, .timer): the same aggregation in bare SQL (the
# totals per unit and per top-level indicator from entry_final, ordered), and the mean of
# the three evaluators per leaf (what reconciliation reads), as ratios.
#
# KEEP=1 keeps the data directory.
set -eu
cd "$(dirname "$0")/.."
BIN=${WENMING_BIN:-./build/src/cli/wenming}
UNITS=${UNITS:-2000}
RUNS=${RUNS:-5}
for t in curl sqlite3 awk; do
    command -v $t >/dev/null || { echo "bench: $t is missing" >&2; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/var/tmp}/wm-bench-round-XXXXXX")
wpid=
cleanup() {
    [ -n "$wpid" ] && kill "$wpid" 2>/dev/null || true
    wait 2>/dev/null || true
    if [ -n "${KEEP:-}" ]; then echo "bench: the data is kept in $work/data" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM
now() { date +%s.%N; }
db=$work/data/wenming.db
t0=$(now)
mkdir -p "$work/data"
printf 'pwhash_mem = 8388608\npwhash_ops = 1\nfixity_hours = 0\n' > "$work/data/wenming.conf"
WENMING_ADMIN_PASSWORD='Bench-2026' "$BIN" init --data "$work/data" > /dev/null 2>&1
"$BIN" org add --data "$work/data" --name 某市文明办 --parent 1 > /dev/null # id 2
awk 'BEGIN {
    print "code,title,requirement,materials,score,scoring,methods,veto,depts,media,frequency,min_documents"
    for (a = 1; a <= 15; a++) {
        printf "%d,一级指标%d,,,10,,,,,,,\n", a, a
        for (b = 1; b <= 10; b++)
            printf "%d.%d,测评内容%d.%d,按规定建立制度并落实,会议纪要,1,扣分,材料审核,否,办公室,文字,每年,1\n", a, b, a, b
    }
}' > "$work/fw150.csv"
"$BIN" framework import --data "$work/data" "$work/fw150.csv" --name 测评压测标准 --version 1 \
    --office 2 --publish > /dev/null
nowsec=$(date +%s)
sqlite3 "$db" <<SQL
PRAGMA foreign_keys = OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 3 UNION ALL SELECT i + 1 FROM n WHERE i < 12)
INSERT INTO org(id, parent_id, path, kind, name, created_at)
    SELECT i, 2, '/1/2/' || i || '/', 'office', '第' || (i - 2) || '区文明办', $nowsec FROM n;
WITH RECURSIVE n(i) AS (SELECT 101 UNION ALL SELECT i + 1 FROM n WHERE i < 100 + $UNITS)
INSERT INTO org(id, parent_id, path, kind, name, code, type, created_at)
    SELECT i, 3 + i % 10, '/1/2/' || (3 + i % 10) || '/' || i || '/', 'unit', '单位' || i,
           printf('B%06d', i),
           CASE i % 9 WHEN 0 THEN '机关' WHEN 1 THEN '企业' WHEN 2 THEN '事业单位'
                      WHEN 3 THEN '学校' WHEN 4 THEN '乡镇' WHEN 5 THEN '街道' WHEN 6 THEN '村'
                      WHEN 7 THEN '社区' ELSE '窗口单位' END, $nowsec FROM n;
INSERT INTO user(id, username, display_name, pwhash, role, org_id, created_at)
    VALUES (900001, 'ev1', '测评员一', '!', 'evaluator', 2, $nowsec),
           (900002, 'ev2', '测评员二', '!', 'evaluator', 2, $nowsec),
           (900003, 'ev3', '测评员三', '!', 'evaluator', 2, $nowsec);
INSERT INTO eval_round(id, name, level, office_id, scope_path, edition_id, window_start,
                       window_end, years_from, years_to, pass_threshold, state, created_at,
                       updated_at)
    VALUES (1, '压测测评', '市级', 2, '/1/2/', (SELECT max(id) FROM edition), '2026-03-01',
            '2026-04-30', 2024, 2026, 9000, 'locked', $nowsec, $nowsec);
INSERT INTO round_entry(id, round_id, unit_id, kind, state, locked_at, total, vetoed,
                        created_at, updated_at)
    SELECT id, 1, id, CASE id % 3 WHEN 0 THEN 'recheck' ELSE 'declare' END, 'accepted',
           $nowsec, 0, CASE id % 97 WHEN 0 THEN 1 ELSE 0 END, $nowsec, $nowsec
    FROM org WHERE kind = 'unit';
INSERT INTO score_sheet(id, entry_id, evaluator_id, state, submitted_at, updated_at)
    SELECT e.id * 10 + k.n, e.id, 900000 + k.n, 'submitted', $nowsec, $nowsec
    FROM round_entry e CROSS JOIN (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3) k;
COMMIT;
BEGIN;
INSERT INTO score(sheet_id, indicator_code, value, updated_at)
    SELECT s.id, i.code, 100 - ((s.id * 7 + length(i.code) * 13 + unicode(substr(i.code, -1))) % 4) * 25,
           $nowsec
    FROM score_sheet s CROSS JOIN indicator i
    WHERE i.edition_id = (SELECT max(id) FROM edition) AND i.leaf = 1;
INSERT INTO entry_final(entry_id, indicator_code, value, how, decided_at)
    SELECT h.entry_id, c.indicator_code, (sum(c.value) * 2 + 3) / 6, 'mean', $nowsec
    FROM score c JOIN score_sheet h ON h.id = c.sheet_id GROUP BY h.entry_id, c.indicator_code;
UPDATE round_entry SET total = (SELECT sum(value) FROM entry_final WHERE entry_id = round_entry.id);
COMMIT;
ANALYZE;
SQL
t1=$(now)
WENMING_PASSWORD='Bench-2026' "$BIN" user add --data "$work/data" --username office \
    --role office --org 2 --name 市文明办 > /dev/null
finals=$(sqlite3 "$db" 'SELECT count(*) FROM entry_final')
scores=$(sqlite3 "$db" 'SELECT count(*) FROM score')

med() { sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] }'; }
# ---------------------------------------------------------------- wenming round rank
for i in $(seq "$RUNS"); do
    s=$(now)
    "$BIN" round rank --data "$work/data" --top 0 1 2> "$work/rank.err" > "$work/rank.out"
    e=$(now)
    sed -n 's/.*in \([0-9.]*\) ms$/\1/p' "$work/rank.err" >> "$work/rank.ms"
    awk -v a="$s" -v b="$e" 'BEGIN { print (b - a) * 1000 }' >> "$work/rank.proc"
done
grep -q "$UNITS entries, $UNITS locked" "$work/rank.err" ||
    { echo "bench: round rank: $(cat "$work/rank.err")" >&2; exit 1; }
rank_ms=$(med < "$work/rank.ms")
rank_proc=$(med < "$work/rank.proc")

# ---------------------------------------------------------------- the bare SQL
cat > "$work/agg.sql" <<SQL
SELECT count(*) FROM (SELECT f.entry_id, sum(f.value) AS total,
       sum(CASE WHEN substr(f.indicator_code, 1, instr(f.indicator_code, '.') - 1) = '1'
                THEN f.value END) AS s1
  FROM entry_final f JOIN round_entry n ON n.id = f.entry_id
 WHERE n.round_id = 1 AND n.locked_at IS NOT NULL
 GROUP BY f.entry_id, substr(f.indicator_code, 1, instr(f.indicator_code, '.') - 1)
 ORDER BY total DESC);
SQL
cat > "$work/mean.sql" <<SQL
SELECT count(*) FROM (SELECT h.entry_id, c.indicator_code, (sum(c.value) * 2 + count(*)) / (2 * count(*))
  FROM score c JOIN score_sheet h ON h.id = c.sheet_id WHERE h.state = 'submitted'
 GROUP BY h.entry_id, c.indicator_code);
SQL
bare() { # FILE: the median wall time of RUNS rounds, ms
    for i in $(seq "$RUNS"); do
        { echo '.timer on'; cat "$1"; } | sqlite3 "$db" | awk '/^Run Time/ { s += $4 } END { print s * 1000 }'
    done | med
}
agg_ms=$(bare "$work/agg.sql")
mean_ms=$(bare "$work/mean.sql")

# ---------------------------------------------------------------- the page
"$BIN" serve --data "$work/data" --listen 127.0.0.1:0 > "$work/out" 2> "$work/err" &
wpid=$!
for i in $(seq 300); do grep -q 'serving' "$work/out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's#.*http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$work/out")
[ -n "$port" ] || { echo "bench: the server did not start: $(cat "$work/err")" >&2; exit 1; }
base=http://127.0.0.1:$port
curl -s -c "$work/jar" -H 'Content-Type: application/json' \
    -d '{"username":"office","password":"Bench-2026"}' $base/api/v1/session > /dev/null
cold=$(curl -s -o "$work/body" -w '%{http_code} %{time_total}' -b "$work/jar" "$base/rounds/1/results")
[ "${cold%% *}" = 200 ] || { echo "bench: GET /rounds/1/results: $cold" >&2; exit 1; }
cold_ms=$(echo "${cold#* }" | awk '{ printf "%.1f", $1 * 1000 }')
grep -q '单位' "$work/body" || { echo "bench: the results page has no rows" >&2; exit 1; }
for i in $(seq "$RUNS"); do
    curl -s -o /dev/null -w '%{time_total}\n' -b "$work/jar" "$base/rounds/1/results"
done | awk '{ print $1 * 1000 }' > "$work/page.ms"
page_ms=$(med < "$work/page.ms")

verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "ok" : "SLOW" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }'; }
printf 'wenming bench: a round of %d units x 150 leaves x 3 evaluators (%d scores, %d reconciled values;\n' \
    "$UNITS" "$scores" "$finals"
printf '  data generated in %.0f s)\n' "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
printf '%-58s %10s %8s  %s\n' "measure (median of $RUNS)" "ms" "target" "verdict / ratio to bare SQL"
printf '%-58s %10s %8s  %s; %s of the aggregation, %s of the 3-evaluator mean\n' \
    "wenming round rank: totals, subtotals, 3 rankings" "$rank_ms" "2000" \
    "$(verdict "$rank_ms" 2000)" "$(ratio "$rank_ms" "$agg_ms")" "$(ratio "$rank_ms" "$mean_ms")"
printf '%-58s %10s %8s  %s\n' "  the whole command (process start, store open, output)" "$rank_proc" "" \
    "$(verdict "$rank_proc" 2000)"
printf '%-58s %10s %8s  %s; %s of the aggregation\n' "GET /rounds/1/results (first screen, 50 rows)" \
    "$page_ms" "200" "$(verdict "$page_ms" 200)" "$(ratio "$page_ms" "$agg_ms")"
printf '%-58s %10s %8s  %s\n' "  its first request (computed; later ones: the read cache)" "$cold_ms" "" \
    "$(ratio "$cold_ms" "$agg_ms") of the aggregation"
printf '%-58s %10s\n' "bare SQL: totals per unit and top-level indicator" "$agg_ms"
printf '%-58s %10s\n' "bare SQL: the mean of 3 evaluators per leaf (reconcile)" "$mean_ms"
