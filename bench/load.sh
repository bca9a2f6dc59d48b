#!/bin/sh
# load.sh — DURATION seconds (default 60) of mixed reads and writes at CONNS connections
# (default 256) against `wenming serve` on SQLite, with wrk and a Lua script for the mix.
#
# The data: the demo (units, accounts, this year's archive of the first unit) plus DOCS
# documents (default 40) uploaded into one leaf.  Sessions of three accounts are opened
# before the run (the unit's archivist, its member, the city office), each with its cookie
# and CSRF token.  The mix, by weight: pages (home, the archive, a document, search) 30,
# API reads (me, units, a leaf's documents, a document, its versions) 38, searches (API) 10,
# downloads of a document (each one audited, so a write too) 12, metadata edits (PATCH with
# the CSRF token) 8, small uploads (multipart with the CSRF token) 2.  The uploads go into
# last year's archive, which the reads do not touch: the reads' working set stays the same
# size, so memory that grows is the server's, not the data's.  wrk's timeout is TIMEOUT
# (default 10 s).
#
# wrk's 256 connections all come from 127.0.0.1: the bench's wenming.conf raises
# max_connections_per_ip from 64 to 1024 (the default would refuse most of them).
#
# Printed: requests/s, latency p50 and p99, errors (socket errors + answers that are not
# 2xx/3xx, by status; must be 0), the server's RSS (VmRSS) at the start, the middle and the
# end of the run (flat: end <= middle x 1.10 + 8 MiB) with its parts (anonymous, file-backed,
# and of the latter the store's file that SQLite maps, which grows with the store), the
# server's own mean time per route (GET /metrics), the load average, and the uploads the
# server answered 2xx (from /metrics) against the documents stored (must be equal).  For
# context, the same wrk settings against nginx serving a static file the size of a document
# page (NGX_DURATION, default DURATION), and the ratio.  Exits non-zero on any error, an RSS that
# is not flat, or an answered upload that is not stored.
set -eu
cd "$(dirname "$0")/.."
BIN=${WENMING_BIN:-./build/src/cli/wenming}
DURATION=${DURATION:-60}
CONNS=${CONNS:-256}
THREADS=${THREADS:-2}
TIMEOUT=${TIMEOUT:-10}
DOCS=${DOCS:-40}
for t in wrk nginx curl; do
    command -v $t >/dev/null || { echo "bench: $t is missing (make bench installs it)" >&2; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/var/tmp}/wm-bench-XXXXXX")
wpid= npid=
cleanup() {
    kill $wpid $npid 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# ---------------------------------------------------------------- the server and its data
data=$work/data
mkdir -p "$data"
cat > "$data/wenming.conf" <<CONF
pwhash_mem = 8388608
pwhash_ops = 1
fixity_hours = 0
# the bench only: every wrk connection comes from 127.0.0.1
max_connections_per_ip = 1024
CONF
"$BIN" serve --demo --data "$data" --listen 127.0.0.1:0 > "$data/out" 2> "$data/err" &
wpid=$!
for i in $(seq 100); do grep -q 'serving' "$data/out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's#.*http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$data/out")
[ -n "$port" ] || { echo "bench: the server did not start: $(cat "$data/err")" >&2; exit 1; }
base=http://127.0.0.1:$port

# login USER: sets cookie and csrf (a session of its own)
login() {
    csrf=$(curl -sf -c "$work/jar.$1" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"Demo-2026\"}" $base/api/v1/session |
        sed 's/.*"csrf":"\([^"]*\)".*/\1/')
    cookie=$(awk '$6 == "wm_session" {print $7}' "$work/jar.$1")
    [ -n "$csrf" ] && [ -n "$cookie" ] || { echo "bench: cannot sign in as $1" >&2; exit 1; }
}
login unitadmin; ua_cookie=$cookie; ua_csrf=$csrf
login member; mb_cookie=$cookie; mb_csrf=$csrf
login office; of_cookie=$cookie; of_csrf=$csrf
unit=$(curl -sf -b "wm_session=$ua_cookie" "$base/api/v1/me" | sed 's/.*"org_id":\([0-9]*\).*/\1/')
year=$(TZ=Asia/Shanghai date +%Y)
leaf=$base/api/v1/units/$unit/archives/$year/indicators/1.1.1/documents
# the uploads of the run go into last year's archive, which the reads do not touch: what the
# reads work on stays the same size, so a growing RSS is the server's, not the data's
upyear=$((year - 1))
code=$(curl -s -o /dev/null -w '%{http_code}' -b "wm_session=$of_cookie" -H "X-CSRF-Token: $of_csrf" \
    -H 'Content-Type: application/json' -d "{\"year\": $upyear}" "$base/api/v1/units/$unit/archives")
[ "$code" = 201 ] || { echo "bench: cannot create the archive of $upyear: HTTP $code" >&2; exit 1; }

# DOCS documents with words to search for in their titles
words="创建 方案 总结 会议 志愿服务 宣传 培训 检查 整改 通知"
ids=""
i=0
while [ $i -lt "$DOCS" ]; do
    w=$(echo $words | tr ' ' '\n' | sed -n "$((i % 10 + 1))p")
    { printf '%%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n'
      printf '2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n%% bench %d\n' $i
      head -c $((2000 + i * 500)) /dev/zero | tr '\0' ' '
      printf '\ntrailer<</Root 1 0 R>>\n%%%%EOF\n'; } > "$work/doc.pdf"
    id=$(curl -sf -b "wm_session=$ua_cookie" -H "X-CSRF-Token: $ua_csrf" \
        -F "file=@$work/doc.pdf;filename=${w}材料$i.pdf;type=application/pdf" "$leaf" |
        sed 's/.*"items":\[{"id":\([0-9]*\).*/\1/')
    case $id in ''|*[!0-9]*) echo "bench: upload $i failed" >&2; exit 1 ;; esac
    ids="$ids$id,"
    i=$((i + 1))
done
ids=${ids%,}

# ---------------------------------------------------------------- the mix (wrk's Lua)
cat > "$work/load.lua" <<LUA
-- generated by bench/load.sh
local unit, year, upyear = "$unit", "$year", "$upyear"
local ids = { $ids }
local acct = {
    { cookie = "wm_session=$ua_cookie", csrf = "$ua_csrf" },
    { cookie = "wm_session=$mb_cookie", csrf = "$mb_csrf" },
    { cookie = "wm_session=$of_cookie", csrf = "$of_csrf" },
}
local words = { "创建", "方案", "总结", "会议", "志愿服务", "宣传", "培训", "检查", "整改", "通知" }
local function enc(s)
    return (s:gsub("[^%w]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local function id() return ids[math.random(#ids)] end
local function who() return acct[math.random(#acct)] end
local n = 0
local function get(path, a)
    a = a or who()
    return wrk.format("GET", path, { Cookie = a.cookie })
end
local mix = {
    -- pages 30
    { 8, function() return get("/") end },
    { 8, function() return get("/units/" .. unit .. "/archives/" .. year) end },
    { 9, function() return get("/documents/" .. id()) end },
    { 5, function() return get("/search?q=" .. enc(words[math.random(#words)])) end },
    -- API reads 38
    { 8, function() return get("/api/v1/me") end },
    { 6, function() return get("/api/v1/units?limit=50") end },
    { 8, function() return get("/api/v1/units/" .. unit .. "/archives/" .. year
        .. "/indicators/1.1.1/documents") end },
    { 10, function() return get("/api/v1/documents/" .. id()) end },
    { 6, function() return get("/api/v1/documents/" .. id() .. "/versions") end },
    -- searches 10
    { 10, function() return get("/api/v1/search?q=" .. enc(words[math.random(#words)])) end },
    -- downloads 12 (each one audited: a write too)
    { 12, function() return get("/api/v1/documents/" .. id() .. "/content") end },
    -- metadata edits 8 (the unit's archivist)
    { 8, function()
        n = n + 1
        local a = acct[1]
        return wrk.format("PATCH", "/api/v1/documents/" .. id(),
            { Cookie = a.cookie, ["X-CSRF-Token"] = a.csrf,
              ["Content-Type"] = "application/json" },
            '{"remarks":"压测备注 ' .. n .. '","keywords":"压测 ' .. math.random(1000) .. '"}')
    end },
    -- small uploads 2, into another leaf
    { 2, function()
        n = n + 1
        local a = acct[1]
        local b = "wmbench" .. math.random(1e9)
        local pdf = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            .. "2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% load " .. n .. " "
            .. math.random(1e9) .. "\n" .. string.rep("% padding\n", 100)
            .. "trailer<</Root 1 0 R>>\n%%EOF\n"
        local body = "--" .. b .. "\r\n"
            .. 'Content-Disposition: form-data; name="file"; filename="load.pdf"\r\n'
            .. "Content-Type: application/pdf\r\n\r\n" .. pdf .. "\r\n--" .. b .. "--\r\n"
        return wrk.format("POST", "/api/v1/units/" .. unit .. "/archives/" .. upyear
            .. "/indicators/1.1.2/documents",
            { Cookie = a.cookie, ["X-CSRF-Token"] = a.csrf,
              ["Content-Type"] = "multipart/form-data; boundary=" .. b }, body)
    end },
}
local total = 0
for _, m in ipairs(mix) do total = total + m[1] end

local threads = {}
function setup(thread)
    thread:set("tid", #threads + 1)
    table.insert(threads, thread)
end
function init(args)
    math.randomseed(os.time() * 100 + tid)
    codes = {}
    failed = ""
end
function request()
    local r = math.random(total)
    for _, m in ipairs(mix) do
        r = r - m[1]
        if r <= 0 then return m[2]() end
    end
end
function response(status, headers, body)
    if status >= 400 then
        codes[status] = (codes[status] or 0) + 1
        if failed == "" then failed = status .. " " .. string.sub(body or "", 1, 300) end
    end
end
function done(summary, latency, requests)
    local by = {}
    for _, t in ipairs(threads) do
        for k, v in pairs(t:get("codes")) do by[k] = (by[k] or 0) + v end
        local f = t:get("failed")
        if f ~= "" then io.write("first error answer: " .. f .. "\n") end
    end
    local s = ""
    for k, v in pairs(by) do s = s .. " " .. k .. ":" .. v end
    io.write(string.format("p50_us %d\np99_us %d\nstatuses%s\n",
        latency:percentile(50), latency:percentile(99), s))
end
LUA

# a page the size of a document page, for nginx
first=${ids%%,*}
curl -sf -b "wm_session=$ua_cookie" "$base/documents/$first" > "$work/page.html"

# sample: the server's VmRSS (KiB) into rss_v, its parts into parts_v, all from one read of
# /proc: anonymous (the heap and stacks), file-backed (the program and its libraries, and the
# store: SQLite maps wenming.db, mmap_size), shared (the WAL index); store_v: the resident
# pages of the store's file (KiB), the page cache of a store that grows, not the server's own
sample() {
    st=$(cat /proc/$wpid/status)
    rss_v=$(echo "$st" | awk '/VmRSS/ {print $2}')
    parts_v=$(echo "$st" | awk '/RssAnon/ {a = $2} /RssFile/ {f = $2} /RssShmem/ {s = $2}
        END { printf "anon %.1f + file %.1f + shmem %.1f", a / 1024, f / 1024, s / 1024 }')
    store_v=$(awk '/^[0-9a-f]+-[0-9a-f]+ / {db = ($6 ~ /\/wenming\.db$/)} db && /^Rss:/ {k += $2}
        END { print k + 0 }' /proc/$wpid/smaps)
}
load() { cut -d' ' -f1-3 /proc/loadavg; }

# ---------------------------------------------------------------- the run
sleep 1
sample; rss_start=$rss_v; parts_start=$parts_v; store_start=$store_v
load_before=$(load)
wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --timeout "${TIMEOUT}s" --latency \
    -s "$work/load.lua" "$base" > "$work/wrk.out" 2>&1 &
kpid=$!
sleep $((DURATION / 2))
sample; rss_mid=$rss_v; parts_mid=$parts_v; store_mid=$store_v
wait $kpid || { cat "$work/wrk.out" >&2; echo "bench: wrk failed" >&2; exit 1; }
sample; rss_end=$rss_v; parts_end=$parts_v; store_end=$store_v
load_after=$(load)
kill -0 $wpid 2>/dev/null || { echo "bench: the server died: $(tail -5 "$data/err")" >&2; exit 1; }

# ---------------------------------------------------------------- nginx, for context
mkdir -p "$work/www" "$work/ngx"
cp "$work/page.html" "$work/www/page.html"
nport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/ngx/nginx.conf" <<NGX
worker_processes $THREADS;
pid $work/ngx/nginx.pid;
error_log $work/ngx/error.log;
daemon off;
events { worker_connections 2048; }
http {
    access_log off;
    types { text/html html; }
    server { listen 127.0.0.1:$nport; root $work/www; }
}
NGX
nginx -c "$work/ngx/nginx.conf" -p "$work/ngx" &
npid=$!
sleep 0.5
NGX_DURATION=${NGX_DURATION:-$DURATION}
ngx_rate=$(wrk -t"$THREADS" -c"$CONNS" -d"${NGX_DURATION}s" --timeout "${TIMEOUT}s" \
    "http://127.0.0.1:$nport/page.html" | awk '/Requests\/sec/ {print $2}')

# ---------------------------------------------------------------- the report
out=$work/wrk.out
rate=$(awk '/Requests\/sec/ {print $2}' "$out")
reqs=$(awk '/requests in/ {print $1}' "$out")
p50=$(awk '/^p50_us/ {printf "%.1f", $2 / 1000}' "$out")
p99=$(awk '/^p99_us/ {printf "%.1f", $2 / 1000}' "$out")
sock=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$out")
sock=${sock:-0}
non2xx=$(awk '/Non-2xx or 3xx/ {print $5}' "$out")
non2xx=${non2xx:-0}
statuses=$(sed -n 's/^statuses//p' "$out")
metrics=$(curl -sf "$base/metrics")
up_route='method="POST",route="/api/v1/units/{id}/archives/{id}/indicators/{s}/documents"'
up_by_class=$(echo "$metrics" | grep -F "wenming_http_requests_total{$up_route" |
    sed 's/.*code="\([^"]*\)"} \([0-9]*\)/\1:\2/' | tr '\n' ' ')
up_2xx=$(echo "$metrics" | grep -F "wenming_http_requests_total{$up_route,code=\"2xx\"}" |
    awk '{print $2}')
docs_after=$(curl -sf -b "wm_session=$ua_cookie" \
    "$base/api/v1/units/$unit/archives/$upyear/indicators/1.1.2/documents" | grep -o '"id":' | wc -l)
# the server's own time per route (GET /metrics: the mean from first byte to the end of the
# reply), the slowest first
curl -sf "$base/metrics" | awk '
/^wenming_http_request_duration_seconds_(sum|count)\{/ {
    k = $1; sub(/^[^{]*\{/, "", k); sub(/\}$/, "", k)
    if ($1 ~ /_sum\{/) s[k] = $2; else c[k] = $2 }
END { for (k in s) if (c[k] > 0) printf "%9.1f ms %8d  %s\n", s[k] / c[k] * 1000, c[k], k }' |
    sort -rn | head -"${ROUTES:-6}" > "$work/routes" || true
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
flat=$(awk -v m="$rss_mid" -v e="$rss_end" 'BEGIN { print (e <= m * 1.10 + 8192) ? "flat" : "GROWING" }')

echo "wenming bench: load ($CONNS connections, $THREADS wrk threads, ${DURATION}s, mixed reads and writes, $(nproc) cores)"
printf 'requests              %10s (%s req/s)\n' "$reqs" "$rate"
printf 'latency               p50 %s ms, p99 %s ms (wrk timeout %ss)\n' "$p50" "$p99" "$TIMEOUT"
printf 'errors                %s socket errors, %s answers not 2xx/3xx%s (must be 0)\n' \
    "$sock" "$non2xx" "${statuses:+ (by status:$statuses)}"
up_run=$(( ${up_2xx:-0} - DOCS )) # the setup's uploads took the same route
printf 'uploads during run    %s answered 2xx by the server (%s before the run), %s documents in their leaf\n' \
    "$up_run" "$DOCS" "$docs_after"
printf 'server RSS            start %s MiB, middle %s MiB, end %s MiB: %s (end <= middle x 1.10 + 8 MiB)\n' \
    "$(mib "$rss_start")" "$(mib "$rss_mid")" "$(mib "$rss_end")" "$flat"
printf '  its parts (MiB)     start %s; middle %s; end %s\n' "$parts_start" "$parts_mid" "$parts_end"
printf '  of which the store  start %s, middle %s, end %s MiB (wenming.db mapped by SQLite)\n' \
    "$(mib "$store_start")" "$(mib "$store_mid")" "$(mib "$store_end")"
printf 'load average          %s before, %s after\n' "$load_before" "$load_after"
printf 'nginx, static page    %s req/s (%s bytes, same wrk settings, %ss); wenming/nginx %s (for context)\n' \
    "$ngx_rate" "$(wc -c < "$work/page.html")" "$NGX_DURATION" \
    "$(awk -v a="$rate" -v b="$ngx_rate" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')"
echo "server time by route (mean, requests, route; the slowest ${ROUTES:-6}):"
cat "$work/routes"
grep '^first error answer' "$out" | head -3 >&2 || true
status=0
if [ "$sock" -ne 0 ] || [ "$non2xx" -ne 0 ]; then
    echo "bench: FAILED: $sock socket errors, $non2xx error answers" >&2
    sed -n '/Socket errors/p' "$out" >&2
    status=1
fi
if [ "$up_run" -ne "$docs_after" ]; then
    echo "bench: FAILED: $up_run uploads answered 2xx, $docs_after documents stored (requests by class: $up_by_class)" >&2
    status=1
fi
if [ "$flat" != flat ]; then
    echo "bench: FAILED: the server's RSS grew from $(mib "$rss_mid") to $(mib "$rss_end") MiB in the second half" >&2
    status=1
fi
exit $status
