# Start a throw-away PostgreSQL server from Debian's packages on a loopback port (sourced by .ci/run and
# usable by hand: `source .ci/postgres.sh && start_postgres`). Sets SDG87_TEST_POSTGRES_URL.
PG_PORT="${PG_PORT:-54329}"
PG_DIR="${PG_DIR:-/tmp/sdg87-pg}"

_pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_ctl" ] && { echo "$d"; return; }; done
  dirname "$(command -v pg_ctl)"
}

_as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  local bin; bin="$(_pg_bin)"
  if [ ! -s "$PG_DIR/PG_VERSION" ]; then
    rm -rf "$PG_DIR"; mkdir -p "$PG_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR"
    _as_pg "$bin/initdb" -D "$PG_DIR" -U postgres -A trust -E UTF8 >/dev/null
  fi
  _as_pg "$bin/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1 || _as_pg "$bin/pg_ctl" -D "$PG_DIR" -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" \
    -l "$PG_DIR/server.log" -w start >/dev/null
  "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='sdg87_test'" \
    | grep -q 1 || "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres sdg87_test
  export SDG87_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/sdg87_test"
  echo "PostgreSQL running: $SDG87_TEST_POSTGRES_URL"
}

stop_postgres() {
  _as_pg "$(_pg_bin)/pg_ctl" -D "$PG_DIR" -m fast stop >/dev/null 2>&1 || true
}
