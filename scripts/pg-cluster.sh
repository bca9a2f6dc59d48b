#!/bin/sh
# pg-cluster.sh start DIR | stop DIR — a throwaway PostgreSQL server for the tests.
#
# start: make DIR (it must not exist or be empty), initdb into DIR/data as the `postgres`
# user when run as root (as the calling user otherwise), and start the server listening
# on a Unix socket in DIR only (no TCP), tuned for speed over durability (fsync off).
# Prints the libpq connection string on stdout: host=DIR user=postgres dbname=postgres.
# stop: pg_ctl stop -m fast, then remove DIR.
#
# The binaries come from PG_BINDIR, pg_config --bindir, or the newest
# /usr/lib/postgresql/*/bin (Debian keeps initdb and pg_ctl off PATH).
set -eu
cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
    echo "usage: $0 start|stop DIR" >&2
    exit 2
fi

find_bindir() {
    if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ]; then
        echo "$PG_BINDIR"
        return 0
    fi
    best=""
    bestv=0
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] || continue
        v=$(basename "$(dirname "$d")")
        case "$v" in *[!0-9]*) v=0 ;; esac
        if [ -z "$best" ] || [ "$v" -gt "$bestv" ]; then
            best=$d
            bestv=$v
        fi
    done
    if [ -n "$best" ]; then
        echo "$best"
        return 0
    fi
    if command -v pg_config >/dev/null 2>&1; then
        d=$(pg_config --bindir)
        if [ -x "$d/initdb" ]; then
            echo "$d"
            return 0
        fi
    fi
    d=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
    if [ -x "$d/initdb" ]; then
        echo "$d"
        return 0
    fi
    return 1
}

# Run a command as the owner of the cluster: postgres when we are root.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u postgres -- "$@"
        else
            su postgres -s /bin/sh -c '"$0" "$@"' -- "$@"
        fi
    else
        "$@"
    fi
}

case "$cmd" in
start)
    bindir=$(find_bindir) || {
        echo "pg-cluster: no PostgreSQL server binaries (install the postgresql package)" >&2
        exit 1
    }
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ -n "$(ls -A "$dir")" ]; then
        echo "pg-cluster: $dir is not empty" >&2
        exit 1
    fi
    # The socket path must fit sun_path (107 bytes): DIR/.s.PGSQL.5432
    if [ ${#dir} -gt 90 ]; then
        echo "pg-cluster: $dir is too long for a Unix socket path" >&2
        exit 1
    fi
    user=$(id -un)
    if [ "$(id -u)" -eq 0 ]; then
        user=postgres
        chown postgres: "$dir"
        # postgres must reach DIR: give a private DIR (mktemp -d) to it; a private parent
        # directory is refused below.
        chmod 0755 "$dir"
    fi
    if ! as_owner test -w "$dir"; then
        echo "pg-cluster: user $user cannot write $dir (is a parent directory private?)" >&2
        exit 1
    fi
    as_owner "$bindir/initdb" -D "$dir/data" -A trust -E UTF8 --locale=C.UTF-8 -U "$user" \
        >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        -o "-c listen_addresses='' -k $dir -c fsync=off -c synchronous_commit=off \
-c full_page_writes=off -c max_connections=200 -c shared_buffers=64MB \
-c max_wal_size=1GB -c checkpoint_timeout=30min -c log_min_messages=warning" \
        >"$dir/pg_ctl.log" 2>&1 || {
        cat "$dir/pg_ctl.log" "$dir/server.log" >&2
        exit 1
    }
    echo "host=$dir user=$user dbname=postgres"
    ;;
stop)
    [ -d "$dir" ] || exit 0
    dir=$(cd "$dir" && pwd)
    if [ -f "$dir/data/postmaster.pid" ]; then
        bindir=$(find_bindir) || {
            echo "pg-cluster: no PostgreSQL server binaries" >&2
            exit 1
        }
        as_owner "$bindir/pg_ctl" -D "$dir/data" -w -t 60 -m fast stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
