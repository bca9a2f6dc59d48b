#!/bin/sh
# http_read.sh — read throughput of `wenming serve` against nginx in the same run.
#
# For GET /api/v1/me and GET /api/v1/units?limit=50 (bearer token), wrk with 64
# connections for DURATION seconds (default 10); then nginx serving a static file of the
# same size as each answer, with the same wrk settings.  Prints both rates and the ratio
# (target: >= 0.7, goal >= 1.0), and wenming's idle resident memory (target: <= 16 MiB).
#
# STORE=postgresql: the same reads again from a server on a throwaway PostgreSQL cluster
# (scripts/pg-cluster.sh), printed next to the SQLite figures with their ratio (target:
# PostgreSQL >= 0.5 x SQLite).
set -eu
cd "$(dirname "$0")/.."
BIN=${WENMING_BIN:-./build/src/cli/wenming}
DURATION=${DURATION:-10}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
STORE=${STORE:-sqlite}
for t in wrk nginx curl; do
    command -v $t >/dev/null || { echo "bench: $t is missing (make bench installs it)" >&2; exit 1; }
done
work=$(mktemp -d)
wpid= npid= pg= pgdir=
cleanup() {
    kill $wpid $npid 2>/dev/null || true
    wait 2>/dev/null || true
    [ -n "$pg" ] && ./scripts/pg-cluster.sh stop "$pgdir" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# start_demo DIR [STORE]: a demo server on a free port; sets base, token, wpid, rss_idle
start_demo() {
    mkdir -p "$1"
    printf 'pwhash_mem = 8388608\npwhash_ops = 1\nfixity_hours = 0\n' > "$1/wenming.conf"
    [ -n "${2:-}" ] && printf 'store = %s\n' "$2" >> "$1/wenming.conf"
    "$BIN" serve --demo --data "$1" --listen 127.0.0.1:0 > "$1/out" 2> "$1/err" &
    wpid=$!
    for i in $(seq 100); do grep -q 'serving' "$1/out" 2>/dev/null && break; sleep 0.1; done
    port=$(sed -n 's#.*http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$1/out")
    [ -n "$port" ] || { echo "bench: the server did not start: $(cat "$1/err")" >&2; exit 1; }
    base=http://127.0.0.1:$port
    sleep 0.5
    rss_idle=$(awk '/VmRSS/ {print $2}' /proc/$wpid/status)
    csrf=$(curl -s -c "$1/jar" -H 'Content-Type: application/json' \
        -d '{"username":"office","password":"Demo-2026"}' $base/api/v1/session |
        sed 's/.*"csrf":"\([^"]*\)".*/\1/')
    token=$(curl -s -b "$1/jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
        -d '{"name":"bench"}' $base/api/v1/tokens | sed 's/.*"token":"\([^"]*\)".*/\1/')
}

rate() { # URL [header]
    if [ -n "${2:-}" ]; then
        wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" -H "$2" "$1"
    else
        wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" "$1"
    fi | awk '/Requests\/sec/ {print $2}'
}

url_of() {
    case $1 in
    me) echo "$base/api/v1/me" ;;
    units) echo "$base/api/v1/units?limit=50" ;;
    esac
}

start_demo "$work/sqlite"
sq_rss=$rss_idle

# nginx on a free port, serving files of the same sizes as wenming's answers
mkdir -p "$work/www" "$work/ngx"
curl -s -H "Authorization: Bearer $token" $base/api/v1/me > "$work/www/me.json"
curl -s -H "Authorization: Bearer $token" "$base/api/v1/units?limit=50" > "$work/www/units.json"
nport=$((port + 1))
cat > "$work/ngx/nginx.conf" <<NGX
worker_processes $THREADS;
pid $work/ngx/nginx.pid;
error_log $work/ngx/error.log;
daemon off;
events { worker_connections 1024; }
http {
    access_log off;
    types { application/json json; }
    server { listen 127.0.0.1:$nport; root $work/www; }
}
NGX
nginx -c "$work/ngx/nginx.conf" -p "$work/ngx" &
npid=$!
sleep 0.5

echo "wenming bench: http_read ($CONNS connections, ${DURATION}s each, $(nproc) cores)"
for p in me units; do
    url=$(url_of $p)
    size=$(wc -c < "$work/www/$p.json")
    w=$(rate "$url" "Authorization: Bearer $token")
    n=$(rate "http://127.0.0.1:$nport/$p.json")
    eval "sq_$p=$w"
    ratio=$(awk -v a="$w" -v b="$n" 'BEGIN { printf "%.2f", a / b }')
    verdict=$(awk -v r="$ratio" 'BEGIN { print (r >= 1.0) ? "ok, goal met" : (r >= 0.7) ? "ok" : "BELOW TARGET" }')
    printf '%-34s %6s bytes  wenming %10s req/s  nginx %10s req/s  ratio %s (target >= 0.7, goal 1.0: %s)\n' \
        "GET ${url#$base}" "$size" "$w" "$n" "$ratio" "$verdict"
done
rss_mib=$(awk -v k="$sq_rss" 'BEGIN { printf "%.1f", k / 1024 }')
printf 'idle RSS %s MiB (target <= 16 MiB: %s)\n' "$rss_mib" \
    "$(awk -v k="$sq_rss" 'BEGIN { print (k <= 16384) ? "ok" : "ABOVE TARGET" }')"

if [ "$STORE" = postgresql ]; then
    kill $wpid; wait $wpid 2>/dev/null || true
    pgdir=$(mktemp -d /tmp/wm-pg-XXXXXX) # a directory the postgres user can reach
    pg=1
    conninfo=$(./scripts/pg-cluster.sh start "$pgdir")
    start_demo "$work/pgdata" "$conninfo"
    echo "the same reads on PostgreSQL ($(psql -XAtc 'SHOW server_version' "$conninfo" 2>/dev/null || echo '?')):"
    for p in me units; do
        url=$(url_of $p)
        w=$(rate "$url" "Authorization: Bearer $token")
        eval "s=\$sq_$p"
        ratio=$(awk -v a="$w" -v b="$s" 'BEGIN { printf "%.2f", a / b }')
        verdict=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.5) ? "ok" : "BELOW TARGET" }')
        printf '%-34s postgresql %10s req/s  sqlite %10s req/s  ratio %s (target >= 0.5: %s)\n' \
            "GET ${url#$base}" "$w" "$s" "$ratio" "$verdict"
    done
fi
