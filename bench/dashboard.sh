#!/bin/sh
# dashboard.sh — the office's home and the review queue on a city's worth of data: 3,000
# units (10 districts) x 100 quarterly leaves x 4 quarters x 3 documents = 3.6 million
# documents of this year, generated directly in SQL into a fresh data directory after
# `wenming init`, with the standard of 100 leaves imported the normal way (`wenming
# framework import` of a CSV) and the schedule summary built by `wenming sched rebuild`.
#
# Measured through `wenming serve` (curl, the median of RUNS requests after one warm-up;
# nothing is cached between requests: every answer is computed): GET /api/v1/dashboard
# and the page /home as the city office and as a district office, and the review queue's
# first page (GET /api/v1/reviews?state=submitted&limit=50).  Target: each <= 200 ms.
# Reference in the same run: the sqlite3 tool running the bare SQL of the same counts on
# the same tables (the backlog by age, the summary's counters per archive, the inactive
# units; the queue's query), timed with .timer; target: wenming within 3x of it.  And,
# for scale, the overdue counts recomputed from the documents in one SQL query (what the
# summary saves).
#
# KEEP=1 keeps the data directory (printed at the end) for a closer look; REUSE=DIR
# measures again on such a directory without generating the data.
# UNITS (default 3000) scales the data; SUBMITTED_PCT (default 5) is the share of
# documents waiting for review.  STORE=postgresql: the same requests again from a server on
# a throwaway PostgreSQL cluster (scripts/pg-cluster.sh) holding the same data (`wenming
# store copy`), printed next to SQLite's with their ratio (no bare-SQL reference there).
set -eu
cd "$(dirname "$0")/.."
BIN=${WENMING_BIN:-./build/src/cli/wenming}
UNITS=${UNITS:-3000}
SUBMITTED_PCT=${SUBMITTED_PCT:-5}
RUNS=${RUNS:-7}
STORE=${STORE:-sqlite}
for t in curl sqlite3 awk; do
    command -v $t >/dev/null || { echo "bench: $t is missing" >&2; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/var/tmp}/wm-bench-XXXXXX")
wpid= pg= pgdir=
cleanup() {
    kill $wpid 2>/dev/null || true
    wait 2>/dev/null || true
    if [ -n "$pg" ] && [ -n "${KEEP:-}" ]; then
        echo "bench: the PostgreSQL cluster is kept running: $conninfo (stop: scripts/pg-cluster.sh stop $pgdir)" >&2
    elif [ -n "$pg" ]; then
        ./scripts/pg-cluster.sh stop "$pgdir" >/dev/null 2>&1 || true
    fi
    if [ -n "${KEEP:-}" ]; then echo "bench: the data is kept in $work/data" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM
now() { date +%s.%N; }
db=$work/data/wenming.db
year=$(TZ=Asia/Shanghai date +%Y)

# ---------------------------------------------------------------- the data
t0=$(now)
if [ -n "${REUSE:-}" ]; then # a data directory kept by an earlier run (KEEP=1)
    rmdir "$work"; work=$(dirname "$REUSE"); db=$work/data/wenming.db; KEEP=1
    nowsec=$(date +%s); t1=$t0; t2=$t0
else
mkdir -p "$work/data"
printf 'pwhash_mem = 8388608\npwhash_ops = 1\nfixity_hours = 0\n' > "$work/data/wenming.conf"
WENMING_ADMIN_PASSWORD='Bench-2026' "$BIN" init --data "$work/data" > /dev/null 2>&1
"$BIN" org add --data "$work/data" --name 某市文明办 --parent 1 > /dev/null # id 2
awk 'BEGIN {
    print "code,title,requirement,materials,score,scoring,methods,veto,depts,media,frequency,min_documents"
    for (a = 1; a <= 10; a++) {
        printf "%d,一级指标%d,,,10,,,,,,,\n", a, a
        for (b = 1; b <= 10; b++)
            printf "%d.%d,测评内容%d.%d,按规定建立制度并落实，材料齐全,会议纪要、照片,1,扣分,材料审核,否,办公室,文字,每季度,1\n", a, b, a, b
    }
}' > "$work/fw100.csv"
"$BIN" framework import --data "$work/data" "$work/fw100.csv" --name 压测标准 --version 1 \
    --office 2 --publish > /dev/null
nowsec=$(date +%s)
# 10 district offices (ids 3..12), UNITS units (ids 101..) under them, one account per unit
# (a tenth never logged in, a tenth 40 days ago), one archive per unit of this year, and
# 100 leaves x 4 quarters x 3 documents per archive, dated inside their quarter.
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
INSERT INTO user(username, display_name, pwhash, role, org_id, created_at, last_login_at)
    SELECT 'u' || id, name || ' 管理员', '!', 'unit_admin', id, $nowsec,
           CASE id % 10 WHEN 0 THEN NULL WHEN 1 THEN $nowsec - 40 * 86400
                        ELSE $nowsec - (id % 20) * 86400 END
    FROM org WHERE kind = 'unit';
INSERT INTO archive(id, unit_id, year, edition_id, created_at)
    SELECT id - 100, id, $year, (SELECT max(id) FROM edition), $nowsec FROM org WHERE kind = 'unit';
INSERT INTO blob(sha, size, mime, created_at)
    VALUES ('0000000000000000000000000000000000000000000000000000000000000000', 1000,
            'application/pdf', $nowsec);
COMMIT;
BEGIN;
-- status by a hash of (archive, leaf, quarter, copy): approved 70 %, submitted
-- SUBMITTED_PCT %, returned 5 %, the rest drafts
WITH RECURSIVE q(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM q WHERE n < 4),
     k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 3),
     leaf(code) AS (SELECT code FROM indicator WHERE leaf = 1),
     g AS (SELECT a.id AS aid, l.code, q.n AS q, k.n AS k,
                  (a.id * 7919 + length(l.code) * 31 + unicode(substr(l.code, -1)) * 131
                   + unicode(substr(l.code, 1, 1)) * 977 + q.n * 17 + k.n * 3) % 100 AS h
           FROM archive a CROSS JOIN leaf l CROSS JOIN q CROSS JOIN k)
INSERT INTO document(archive_id, indicator_code, serial, code_serial, title, date_formed, media,
                     status, status_at, created_at, updated_at)
    SELECT aid, code, (q - 1) * 3 + k, (q - 1) * 3 + k, '材料' || q || '-' || k,
           printf('%04d-%02d-15', $year, 3 * q - 3 + k), 'text',
           CASE WHEN h < 70 THEN 'approved' WHEN h < 70 + $SUBMITTED_PCT THEN 'submitted'
                WHEN h < 75 + $SUBMITTED_PCT THEN 'returned' ELSE 'draft' END,
           CASE WHEN h < 75 + $SUBMITTED_PCT THEN $nowsec - ((aid * 13 + h) % 30) * 86400 - 60 END,
           $nowsec, $nowsec
    FROM g;
INSERT INTO leaf_code_seq(archive_id, indicator_code, last)
    SELECT archive_id, indicator_code, max(code_serial) FROM document
    GROUP BY archive_id, indicator_code;
-- the queue shows each waiting document's submission event
INSERT INTO review(document_id, version, action, actor_id, comment, at)
    SELECT id, 1, 'submit', NULL, NULL, status_at FROM document WHERE status = 'submitted';
COMMIT;
ANALYZE;
SQL
t1=$(now)
"$BIN" sched rebuild --data "$work/data" > /dev/null
t2=$(now)
WENMING_PASSWORD='Bench-2026' "$BIN" user add --data "$work/data" --username office \
    --role office --org 2 --name 市文明办 > /dev/null
WENMING_PASSWORD='Bench-2026' "$BIN" user add --data "$work/data" --username district \
    --role office --org 3 --name 第一区文明办 > /dev/null
fi
docs=$(sqlite3 "$db" 'SELECT count(*) FROM document')
waiting=$(sqlite3 "$db" "SELECT count(*) FROM document WHERE status = 'submitted'")

# ---------------------------------------------------------------- the server
login() { # USER -> the session cookie jar $work/jar.USER
    curl -s -c "$work/jar.$1" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"Bench-2026\"}" $base/api/v1/session > /dev/null
}
serve() { # DIR: a server on a free port; sets wpid, base and the office's and district's jars
    "$BIN" serve --data "$1" --listen 127.0.0.1:0 > "$work/out" 2> "$work/err" &
    wpid=$!
    for i in $(seq 300); do grep -q 'serving' "$work/out" 2>/dev/null && break; sleep 0.1; done
    port=$(sed -n 's#.*http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$work/out")
    [ -n "$port" ] || { echo "bench: the server did not start: $(cat "$work/err")" >&2; exit 1; }
    base=http://127.0.0.1:$port
    login office
    login district
}
serve "$work/data"

# "WALL CPU": the median wall time of RUNS requests (after one warm-up) and the server's
# CPU time (user + system, /proc) per request, in ms; the status must be 200
tck=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' /proc/$wpid/stat; }
measure() { # USER PATH
    code=$(curl -s -o "$work/body" -w '%{http_code}' -b "$work/jar.$1" "$base$2")
    [ "$code" = 200 ] || { echo "bench: GET $2 as $1: $code $(head -c 300 "$work/body")" >&2; exit 1; }
    c0=$(cpu_ticks)
    for i in $(seq "$RUNS"); do
        curl -s -o /dev/null -w '%{time_total}\n' -b "$work/jar.$1" "$base$2"
    done > "$work/times"
    c1=$(cpu_ticks)
    sort -n "$work/times" | awk -v c="$((c1 - c0))" -v t="$tck" -v n="$RUNS" \
        '{ v[NR] = $1 } END { printf "%.1f %.1f", v[int((NR + 1) / 2)] * 1000, c * 1000 / t / n }'
}

# ---------------------------------------------------------------- the bare SQL
# The same counts wenming's store runs (src/db/sqlite/sq_dashboard.c, sq_archives.c), with
# the values of the request; timed by sqlite3 (.timer), the median of RUNS rounds.
t3=$((nowsec - 3 * 86400)) t7=$((nowsec - 7 * 86400)) t14=$((nowsec - 14 * 86400))
since=$((nowsec - 30 * 86400))
home_sql() { # LO HI (the scope's path range, or NULL NULL)
    cat <<SQL
SELECT count(*), coalesce(sum(d.status_at >= $t3), 0),
       coalesce(sum(d.status_at < $t3 AND d.status_at >= $t7), 0),
       coalesce(sum(d.status_at < $t7 AND d.status_at >= $t14), 0),
       coalesce(sum(coalesce(d.status_at, 0) < $t14), 0), min(coalesce(d.status_at, 0))
  FROM org o JOIN archive a ON a.unit_id = o.id
  JOIN document d ON d.archive_id = a.id AND d.status = 'submitted' AND d.deleted_at IS NULL
 WHERE o.kind = 'unit' AND ($1 IS NULL OR (o.path >= $1 AND o.path < $2));
SELECT count(*), sum(c.met_approved) FROM org o JOIN archive a ON a.unit_id = o.id AND a.year = $year
  LEFT JOIN org p ON p.id = o.parent_id LEFT JOIN sched_count c ON c.archive_id = a.id
 WHERE o.kind = 'unit' AND ($1 IS NULL OR (o.path >= $1 AND o.path < $2));
SELECT count(*) FROM (SELECT o.id FROM org o LEFT JOIN org p ON p.id = o.parent_id
  LEFT JOIN user u ON u.org_id = o.id
 WHERE o.kind = 'unit' AND ($1 IS NULL OR (o.path >= $1 AND o.path < $2))
 GROUP BY o.id, p.name HAVING coalesce(max(u.last_login_at), 0) < $since);
SQL
}
queue_sql() { # LO HI FROM (the joins of a wide scope's plan, or a narrow one's)
    cat <<SQL
SELECT count(*) FROM (SELECT d.id, d.archive_id, d.indicator_code, d.serial, d.title, d.media,
       d.status, d.date_formed, a.unit_id, a.year, o.name, o.code, o.path, o.type, r.version,
       r.action, r.at, r.comment, r.actor_id, u.display_name
  FROM $3
  JOIN review r ON r.id = (SELECT max(id) FROM review WHERE document_id = d.id)
  LEFT JOIN user u ON u.id = r.actor_id
 WHERE d.deleted_at IS NULL AND d.status = 'submitted'
   AND ($1 IS NULL OR (o.path >= $1 AND o.path < $2))
 ORDER BY d.status_at, d.id LIMIT 50);
SQL
}
bare() { # a file of SQL: "WALL CPU", the medians over RUNS rounds of the sums of its
          # statements' wall and CPU (user + system) times, ms
    for i in $(seq "$RUNS"); do
        { echo '.timer on'; cat "$1"; } | sqlite3 "$db" |
            awk '/^Run Time/ { s += $4; c += $6 + $8 } END { print s, c }'
    done > "$work/bare"
    w=$(awk '{ print $1 }' "$work/bare" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    c=$(awk '{ print $2 }' "$work/bare" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    awk -v w="$w" -v c="$c" 'BEGIN { printf "%.1f %.1f", w * 1000, c * 1000 }'
}
home_sql "'/1/2/'" "'/1/20'" > "$work/home_city.sql"
home_sql "'/1/2/3/'" "'/1/2/30'" > "$work/home_district.sql"
queue_sql "'/1/2/'" "'/1/20'" "document d CROSS JOIN archive a ON a.id = d.archive_id
       CROSS JOIN org o ON o.id = a.unit_id" > "$work/queue.sql"
cat > "$work/queue_district.sql" <<SQL
SELECT count(*) FROM (SELECT d.id, d.archive_id, d.indicator_code, d.serial, d.title, d.media,
       d.status, d.date_formed, a.unit_id, a.year, o.name, o.code, o.path, o.type, r.version,
       r.action, r.at, r.comment, r.actor_id, u.display_name
  FROM (SELECT d.id FROM archive a JOIN org o ON o.id = a.unit_id
          JOIN document d ON d.archive_id = a.id
         WHERE d.deleted_at IS NULL AND d.status = 'submitted'
           AND o.path >= '/1/2/3/' AND o.path < '/1/2/30'
         ORDER BY d.status_at, d.id LIMIT 50) page
  CROSS JOIN document d ON d.id = page.id CROSS JOIN archive a ON a.id = d.archive_id
  CROSS JOIN org o ON o.id = a.unit_id
  JOIN review r ON r.id = (SELECT max(id) FROM review WHERE document_id = d.id)
  LEFT JOIN user u ON u.id = r.actor_id ORDER BY d.status_at, d.id);
SQL
# for scale: overdue per district recomputed from the documents (no summary)
cat > "$work/direct.sql" <<SQL
WITH RECURSIVE q(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM q WHERE n < 3)
SELECT o.parent_id, count(*) FROM archive a JOIN org o ON o.id = a.unit_id
  JOIN indicator i ON i.edition_id = a.edition_id AND i.leaf = 1 CROSS JOIN q
 WHERE a.year = $year AND NOT EXISTS (SELECT 1 FROM document d
       WHERE d.archive_id = a.id AND d.indicator_code = i.code AND d.status = 'approved'
         AND d.deleted_at IS NULL
         AND d.date_formed >= printf('%04d-%02d-01', $year, 3 * q.n - 2)
         AND d.date_formed <= printf('%04d-%02d-31', $year, 3 * q.n))
 GROUP BY o.parent_id;
SQL

# ---------------------------------------------------------------- the table
overdue=$(curl -s -b "$work/jar.office" "$base/api/v1/dashboard" |
    sed 's/.*"overdue": *{[^}]*"total": *\([0-9]*\).*/\1/')
printf 'wenming bench: dashboard (%d units x 100 leaves x 4 quarters x 3 documents = %d documents,\n' \
    "$UNITS" "$docs"
printf '  %d waiting for review; data generated in %.0f s, summary built by wenming sched rebuild in %.0f s)\n' \
    "$waiting" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
    "$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }')"
printf '%-52s %19s %19s %13s  %s\n' "" "wenming ms" "bare SQL ms" "ratio" ""
printf '%-52s %9s %9s %9s %9s %6s %6s  %s\n' "request (median of $RUNS)" wall CPU wall CPU wall CPU \
    "verdict (wall <= 200 ms, <= 3x)"
row() { # LABEL USER PATH SQLFILE
    w=$(measure "$2" "$3")
    s=$(bare "$4")
    echo "$1|$2|$3|$w" >> "$work/sqlite.res"
    echo "$w $s" | awk -v l="$1" '{
        r = ($3 > 0) ? $1 / $3 : 0; rc = ($4 > 0) ? $2 / $4 : 0
        printf "%-52s %9.1f %9.1f %9.1f %9.1f %6.2f %6.2f  %s\n", l, $1, $2, $3, $4, r, rc,
            ($1 <= 200 && r <= 3) ? "ok" : ($1 <= 200) ? "ok (<= 200 ms), ratio above 3x" : "ABOVE TARGET"
    }'
}
row "GET /api/v1/dashboard (city office)" office /api/v1/dashboard "$work/home_city.sql"
row "GET /home (city office, the whole page)" office /home "$work/home_city.sql"
row "GET /api/v1/dashboard (a district office)" district /api/v1/dashboard "$work/home_district.sql"
row "GET /home (a district office)" district /home "$work/home_district.sql"
row "GET /api/v1/reviews?state=submitted&limit=50" office \
    '/api/v1/reviews?state=submitted&limit=50' "$work/queue.sql"
row "GET /api/v1/reviews?...&limit=50 (a district office)" district \
    '/api/v1/reviews?state=submitted&limit=50' "$work/queue_district.sql"
d=$(RUNS=1 bare "$work/direct.sql")
echo "$d" | awk -v o="$overdue" '{ printf "%-52s %9s %9s %9.1f %9.1f  (overdue items: %s)\n",
    "overdue recomputed from documents (SQL)", "-", "-", $1, $2, o }'
printf 'load average while measuring: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"

if [ "$STORE" = postgresql ]; then
    kill $wpid; wait $wpid 2>/dev/null || true
    pgdir=$(mktemp -d /tmp/wm-pg-XXXXXX) # a directory the postgres user can reach
    pg=1
    conninfo=$(./scripts/pg-cluster.sh start "$pgdir")
    t4=$(now)
    "$BIN" store copy --from "$work/data" --to "$conninfo" > /dev/null
    psql -Xq -c 'VACUUM ANALYZE' "$conninfo" # the visibility map autovacuum keeps (index-only scans)
    t5=$(now)
    mkdir -p "$work/pgdata/blobs"
    printf 'pwhash_mem = 8388608\npwhash_ops = 1\nfixity_hours = 0\nstore = %s\n' "$conninfo" \
        > "$work/pgdata/wenming.conf"
    serve "$work/pgdata"
    printf 'the same requests on PostgreSQL %s (the data copied by wenming store copy in %.0f s):\n' \
        "$(psql -XAtc 'SHOW server_version' "$conninfo" 2>/dev/null || echo '?')" \
        "$(awk -v a="$t4" -v b="$t5" 'BEGIN { print b - a }')"
    printf '%-52s %9s %9s %9s %6s  %s\n' "request (median of $RUNS)" "pg wall" "wm CPU" "sq wall" ratio \
        "verdict (<= 200 ms)"
    while IFS='|' read -r label user path sq; do
        w=$(measure "$user" "$path")
        echo "$w $sq" | awk -v l="$label" '{
            printf "%-52s %9.1f %9.1f %9.1f %6.2f  %s\n", l, $1, $2, $3, ($3 > 0) ? $1 / $3 : 0,
                ($1 <= 200) ? "ok" : "ABOVE TARGET"
        }'
    done < "$work/sqlite.res"
fi
