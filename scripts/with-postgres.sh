#!/usr/bin/env bash
# Run a command with a throw-away PostgreSQL server on a local socket, exporting
# SITREP_TEST_PG_URL. Without PostgreSQL binaries the command runs without it
# (the PostgreSQL tests then skip, saying why), unless SITREP_REQUIRE_PG is set (CI:
# scripts/test.sh), which makes a missing PostgreSQL a failure.
set -euo pipefail
PG_BIN=""
for dir in /usr/lib/postgresql/*/bin /usr/local/bin /usr/bin; do
  if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then PG_BIN="$dir"; break; fi
done
if [ -z "$PG_BIN" ]; then
  if [ -n "${SITREP_REQUIRE_PG:-}" ] && [ "${SITREP_REQUIRE_PG}" != 0 ]; then
    echo "PostgreSQL not found, but SITREP_REQUIRE_PG is set: install it (scripts/setup.sh)" >&2
    exit 1
  fi
  echo "PostgreSQL not found: PostgreSQL tests will be skipped" >&2
  exec "$@"
fi
DATA="$(mktemp -d /tmp/sitrep-pg.XXXXXX)"
RUN_AS=()
if [ "$(id -u)" = 0 ]; then  # postgres refuses to run as root
  id sitrep-pg >/dev/null 2>&1 || useradd --system --no-create-home sitrep-pg
  chown sitrep-pg "$DATA"
  RUN_AS=(runuser -u sitrep-pg --)
fi
PORT=$((20000 + RANDOM % 20000))
"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$DATA/db" -U sitrep -A trust >/dev/null
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$DATA/db" -l "$DATA/log" -w \
  -o "-k $DATA -p $PORT -c listen_addresses='' -c fsync=off" start >/dev/null
cleanup() { "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$DATA/db" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$DATA"; }
trap cleanup EXIT
export SITREP_TEST_PG_URL="postgresql+psycopg://sitrep@/postgres?host=$DATA&port=$PORT"
set +e
"$@"
status=$?
set -e
exit $status
