#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for integration tests.
#   bash test/services/postgres.sh up    -> prints TEST_DATABASE_URL=postgres://... on stdout
#   bash test/services/postgres.sh down  -> stops the cluster and removes its data dir
# Progress and errors go to stderr; stdout carries only the URL line.
set -euo pipefail

PG_PORT="${TEST_PG_PORT:-55432}"
PG_USER="todo_test"
PG_PASSWORD="todo_test_pw"
PG_DB="todo_test"
# Under /tmp rather than $HOME: when run as root, the postgres user must be able to reach it
# without loosening the permissions of root's home.
BASE_DIR="${TEST_PG_DIR:-${TMPDIR:-/tmp}/todoctl-test-postgres-$PG_PORT}"
DATA_DIR="$BASE_DIR/data"
LOG_FILE="$BASE_DIR/postgres.log"

find_bindir() {
  if [[ -n "${PG_BINDIR:-}" ]]; then
    [[ -x "$PG_BINDIR/pg_ctl" && -x "$PG_BINDIR/initdb" ]] && { echo "$PG_BINDIR"; return; }
    return 1
  fi
  for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    if [[ -x "$d/pg_ctl" && -x "$d/initdb" ]]; then echo "$d"; return; fi
  done
  if command -v pg_ctl >/dev/null 2>&1; then dirname "$(command -v pg_ctl)"; return; fi
  return 1
}

die() { echo "postgres.sh: $*" >&2; exit 1; }

BINDIR="$(find_bindir)" || die "PostgreSQL server binaries (initdb, pg_ctl) not found. Install them with: apt-get install postgresql (Debian/Ubuntu; PostgreSQL 15 expected under /usr/lib/postgresql/15/bin), or set PG_BINDIR."

# postgres refuses to run as root: run the server as the 'postgres' user in that case.
as_pg() {
  if [[ "$(id -u)" == "0" ]]; then
    id postgres >/dev/null 2>&1 || die "running as root but no 'postgres' system user exists (apt-get install postgresql creates it)"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

cmd_up() {
  if [[ -f "$DATA_DIR/postmaster.pid" ]] && as_pg "$BINDIR/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1; then
    echo "postgres.sh: already running in $DATA_DIR" >&2
  else
    rm -rf "$DATA_DIR"
    mkdir -p "$BASE_DIR"
    chmod 700 "$BASE_DIR"
    if [[ "$(id -u)" == "0" ]]; then
      chown postgres:postgres "$BASE_DIR"
      as_pg test -w "$BASE_DIR" || die "the postgres user cannot write to $BASE_DIR; set TEST_PG_DIR to a directory it can reach"
    fi
    pwfile="$(mktemp)"; printf '%s\n' "$PG_PASSWORD" >"$pwfile"; chmod 644 "$pwfile"
    as_pg "$BINDIR/initdb" -D "$DATA_DIR" -U "$PG_USER" --pwfile="$pwfile" -A scram-sha-256 -E UTF8 --no-locale >&2 \
      || { rm -f "$pwfile"; die "initdb failed"; }
    rm -f "$pwfile"
    as_pg "$BINDIR/pg_ctl" -D "$DATA_DIR" -l "$LOG_FILE" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $DATA_DIR -c max_connections=200 -c fsync=off -c full_page_writes=off" start >&2 \
      || { cat "$LOG_FILE" >&2 || true; die "pg_ctl start failed (port $PG_PORT busy?)"; }
  fi
  for _ in $(seq 1 60); do
    if "$BINDIR/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -q; then
      if ! PGPASSWORD="$PG_PASSWORD" "$BINDIR/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -tAc "select 1 from pg_database where datname='$PG_DB'" | grep -q 1; then
        PGPASSWORD="$PG_PASSWORD" "$BINDIR/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -qc "create database $PG_DB" >&2
      fi
      echo "TEST_DATABASE_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"
      return 0
    fi
    sleep 1
  done
  die "server did not become ready on 127.0.0.1:$PG_PORT (log: $LOG_FILE)"
}

cmd_down() {
  if [[ -d "$DATA_DIR" ]]; then
    as_pg "$BINDIR/pg_ctl" -D "$DATA_DIR" -m fast -w stop >&2 || true
    rm -rf "$DATA_DIR"
  fi
  rm -f "$LOG_FILE"
  rmdir "$BASE_DIR" 2>/dev/null || true
  echo "postgres.sh: stopped" >&2
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
