#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 server for tests and prints its URL (and nothing else)
# on stdout:
#
#   scripts/start-test-postgres.sh [--dir DIR] [--port PORT]
#       -> postgresql://artdag:artdag@127.0.0.1:PORT/artdag
#   scripts/start-test-postgres.sh --stop [DIR]
#
# DIR (default $ARTDAG_TEST_PG_DIR or /tmp/artdag-test-pg) holds the cluster (DIR/data), its
# log (DIR/postgres.log) and its Unix socket. PORT defaults to 54329, or the first free port
# after it when 54329 is taken; an explicit --port must be free. If a server is already
# running in DIR, its URL is printed and nothing else happens (idempotent).
#
# The server listens on 127.0.0.1 only, runs with fsync off (tests only: data does not
# survive a crash) and has the role artdag (password artdag) owning the database artdag.
# PostgreSQL refuses to run as root, so as root the cluster is owned by and run as the
# `postgres` OS user (created by Debian's postgresql-15 package); as any other user it is
# run as that user. The Debian default cluster is not used.
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
DEFAULT_PORT=54329
dir="${ARTDAG_TEST_PG_DIR:-/tmp/artdag-test-pg}"
port=""
stop=0

die() {
  echo "start-test-postgres: $*" >&2
  exit 1
}
log() { echo "start-test-postgres: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --dir)
      [ $# -ge 2 ] || die "--dir needs a directory"
      dir="$2"
      shift 2
      ;;
    --port)
      [ $# -ge 2 ] || die "--port needs a number"
      port="$2"
      shift 2
      ;;
    --stop)
      stop=1
      if [ $# -ge 2 ] && [ "${2#--}" = "$2" ]; then
        dir="$2"
        shift
      fi
      shift
      ;;
    -h | --help)
      sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2
      exit 0
      ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

[ -x "$PG_BIN/pg_ctl" ] || die "no PostgreSQL 15 in $PG_BIN (run scripts/install-deps.sh --test)"
if [ -n "$port" ]; then
  if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1024 ] || [ "$port" -gt 65535 ]; then
    die "bad port: $port"
  fi
fi

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
data="$dir/data"
logfile="$dir/postgres.log"

# Run a PostgreSQL program as the cluster's owner.
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || die "no 'postgres' OS user (is postgresql-15 installed?)"
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi

is_running() { [ -f "$data/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; }

if [ "$stop" -eq 1 ]; then
  if is_running; then
    as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null ||
      die "could not stop the server in $dir (see $logfile)"
    log "stopped the server in $dir"
  else
    log "no server running in $dir"
  fi
  exit 0
fi

url_for() { echo "postgresql://artdag:artdag@127.0.0.1:$1/artdag"; }

# Port of a running cluster: line 4 of postmaster.pid.
running_port() { sed -n '4p' "$data/postmaster.pid"; }

port_in_use() {
  # Something accepting on 127.0.0.1:PORT, or a socket file of another server in DIR.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
  [ -e "$dir/.s.PGSQL.$1" ]
}

wait_ready() {
  local p="$1" _
  for _ in $(seq 1 300); do
    if as_pg "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$p" -d postgres -U postgres -t 1; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

if is_running; then
  p="$(running_port)"
  wait_ready "$p" || die "the server in $dir does not answer (see $logfile)"
  url_for "$p"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$dir"
  chmod 0700 "$dir"
  as_pg test -w "$dir" ||
    die "user postgres cannot write $dir (a parent directory is not searchable): pick another --dir"
fi
# The socket path must fit in sun_path (107 bytes).
[ ${#dir} -le 90 ] || die "directory path too long for a Unix socket: $dir"

if [ ! -f "$data/PG_VERSION" ]; then
  rm -rf "$data"
  as_pg "$PG_BIN/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
    die "initdb failed (see $dir/initdb.log)"
  cat >>"$data/postgresql.conf" <<EOF

# start-test-postgres.sh: a throwaway server for tests.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 64MB
EOF
  fresh=1
else
  fresh=0
fi

# Pick the port: the one asked for, else 54329 or the next free one. Another starter may
# take a port between the check and the bind, so a failed start moves on to the next.
if [ -n "$port" ]; then
  candidates=("$port")
else
  mapfile -t candidates < <(seq "$DEFAULT_PORT" $((DEFAULT_PORT + 50)))
fi
started=""
for p in "${candidates[@]}"; do
  port_in_use "$p" && continue
  log_lines=0
  [ -f "$logfile" ] && log_lines=$(wc -l <"$logfile")
  if as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$logfile" -o "-p $p" -w -t 60 start >/dev/null 2>&1; then
    started="$p"
    break
  fi
  # A start that failed for another reason than the port fails again: stop trying then.
  tail -n +"$((log_lines + 1))" "$logfile" 2>/dev/null |
    grep -q "could not bind\|could not create any TCP/IP sockets\|Address already in use" ||
    die "PostgreSQL did not start (see $logfile)"
done
[ -n "$started" ] || die "no free port (tried ${candidates[0]}..${candidates[-1]})"
wait_ready "$started" || die "PostgreSQL did not become ready (see $logfile)"

psql_admin() {
  as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$started" -U postgres "$@"
}
if [ "$fresh" -eq 1 ] ||
  [ "$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'artdag'")" != 1 ]; then
  psql_admin -d postgres >/dev/null <<'SQL' || die "could not create the artdag role and database"
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'artdag') THEN
    CREATE ROLE artdag LOGIN PASSWORD 'artdag';
  END IF;
END $$;
SQL
  psql_admin -d postgres -c "CREATE DATABASE artdag OWNER artdag" >/dev/null ||
    die "could not create the artdag database"
fi

url_for "$started"
