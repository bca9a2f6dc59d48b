#!/bin/sh
# http_read.sh — read throughput of `wenming serve` against nginx in the same run.
#
# For GET /api/v1/me and GET /api/v1/units?limit=50 (bearer token), wrk with 64
# connections for DURATION seconds (default 10); then nginx serving a static file of the
# same size as each answer, with the same wrk settings.  Prints both rates and the ratio
# (target: >= 0.5), and wenming's idle resident memory (target: <= 16 MiB).
set -eu
cd "$(dirname "$0")/.."
BIN=${WENMING_BIN:-./build/src/cli/wenming}
DURATION=${DURATION:-10}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
for t in wrk nginx curl; do
    command -v $t >/dev/null || { echo "bench: $t is missing (make bench installs it)" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'kill $wpid $npid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT INT TERM
wpid= npid=

printf 'pwhash_mem = 8388608\npwhash_ops = 1\n' > "$work/wenming.conf"
"$BIN" serve --demo --data "$work" --listen 127.0.0.1:0 > "$work/out" 2> "$work/err" &
wpid=$!
for i in $(seq 50); do grep -q 'serving' "$work/out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's#.*http://127.0.0.1:\([0-9]*\)/.*#\1#p' "$work/out")
base=http://127.0.0.1:$port
sleep 0.5
rss_idle=$(awk '/VmRSS/ {print $2}' /proc/$wpid/status)

csrf=$(curl -s -c "$work/jar" -H 'Content-Type: application/json' \
    -d '{"username":"office","password":"Demo-2026"}' $base/api/v1/session |
    sed 's/.*"csrf":"\([^"]*\)".*/\1/')
token=$(curl -s -b "$work/jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    -d '{"name":"bench"}' $base/api/v1/tokens | sed 's/.*"token":"\([^"]*\)".*/\1/')

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

rate() { # URL [header]
    if [ -n "${2:-}" ]; then
        wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" -H "$2" "$1"
    else
        wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" "$1"
    fi | awk '/Requests\/sec/ {print $2}'
}

echo "wenming bench: http_read ($CONNS connections, ${DURATION}s each, $(nproc) cores)"
for p in me units; do
    case $p in
    me) url="$base/api/v1/me" ;;
    units) url="$base/api/v1/units?limit=50" ;;
    esac
    size=$(wc -c < "$work/www/$p.json")
    w=$(rate "$url" "Authorization: Bearer $token")
    n=$(rate "http://127.0.0.1:$nport/$p.json")
    ratio=$(awk -v a="$w" -v b="$n" 'BEGIN { printf "%.2f", a / b }')
    verdict=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.5) ? "ok" : "BELOW TARGET" }')
    printf '%-34s %6s bytes  wenming %10s req/s  nginx %10s req/s  ratio %s (target >= 0.5: %s)\n' \
        "GET ${url#$base}" "$size" "$w" "$n" "$ratio" "$verdict"
done
rss_mib=$(awk -v k="$rss_idle" 'BEGIN { printf "%.1f", k / 1024 }')
printf 'idle RSS %s MiB (target <= 16 MiB: %s)\n' "$rss_mib" \
    "$(awk -v k="$rss_idle" 'BEGIN { print (k <= 16384) ? "ok" : "ABOVE TARGET" }')"
