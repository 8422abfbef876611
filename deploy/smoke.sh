#!/usr/bin/env bash
# Start the whole production set on this machine and check it works together:
# a fresh PostgreSQL database, migrations, collected static files, two app processes
# (`springboard serve`) on free ports and two task workers (`springboard db_worker`).
# Then everything is stopped and the database dropped, whether the checks passed or not.
#
#   deploy/smoke.sh                       # needs `make install-site assets` done in this clone
#   PG_URL=postgres://user@host:5432/postgres deploy/smoke.sh
#
# Environment: PG_URL (a database to connect to for CREATE/DROP DATABASE; default
# postgres://postgres@127.0.0.1:5432/postgres), SMOKE_DB_PREFIX (default springboard_smoke),
# SMOKE_BASE_PORT (first port tried; busy ports are skipped; default 8100).
# Exits 0 when every check passed, 1 otherwise; prints one line per check.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/.venv/bin"
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
DB_NAME="${SMOKE_DB_PREFIX:-springboard_smoke}_$$_${RANDOM}"
BASE_PORT=${SMOKE_BASE_PORT:-8100}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/springboard-smoke.XXXXXX")
PIDS=()
DB_CREATED=0

say() { printf '%s\n' "$*"; }
STARTED=$SECONDS
ok() { printf 'ok    %-88s %4ss\n' "$*" "$((SECONDS - STARTED))"; }
fail() {
  printf 'FAIL  %s\n' "$*" >&2
  exit 1
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "$DB_CREATED" = 1 ]; then
    psql "$PG_URL" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" \
      >/dev/null 2>&1 && say "dropped database $DB_NAME" || say "could not drop database $DB_NAME" >&2
  fi
  if [ "$status" != 0 ]; then
    for log in "$WORK"/*.log; do
      [ -s "$log" ] || continue
      say "--- last lines of $(basename "$log")" >&2
      tail -n 15 "$log" >&2
    done
    say "smoke test FAILED" >&2
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- prerequisites ---------------------------------------------------------------------------
[ -x "$BIN/springboard" ] || fail "no $BIN/springboard: run 'make install-site' in $ROOT first"
[ -d "$ROOT/node_modules/bootstrap/dist" ] || fail "no front-end packages: run 'make assets' first"
command -v psql >/dev/null || fail "psql is missing (Debian: apt-get install postgresql-client)"
command -v curl >/dev/null || fail "curl is missing"
psql "$PG_URL" -q -c "SELECT 1" >/dev/null 2>&1 || fail "PostgreSQL at $PG_URL does not answer"

# Production settings, as docs/deployment.md sets them; only the addresses are local.
export DJANGO_SETTINGS_MODULE=config.settings
export DEBUG=0
SECRET_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
export SITE_URL=https://springboard.example
export DEFAULT_FROM_EMAIL="Springboard <no-reply@springboard.example>"
export EMAIL=console
export DATABASE_URL="${PG_URL%/*}/$DB_NAME"
export STATIC_ROOT="$WORK/static"
export MEDIA_ROOT="$WORK/media"
unset PYTEST_VERSION SPRINGBOARD_DEMO
cd "$ROOT"

# --- database, schema, static files, messages ------------------------------------------------
psql "$PG_URL" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$DB_NAME\"" >/dev/null
DB_CREATED=1
ok "created database $DB_NAME"
# The schema and the static files do not depend on each other: both at once.
"$BIN/springboard" collectstatic --no-input -v0 >"$WORK/static.log" 2>&1 &
collect=$!
PIDS+=("$collect")
"$BIN/springboard" migrate --no-input -v0 >"$WORK/migrate.log" 2>&1 || fail "migrate"
"$BIN/springboard" createcachetable >>"$WORK/migrate.log" 2>&1 || fail "createcachetable"
ok "migrated, cache table created"
stale_messages=$(find springboard/locale -name '*.po' | while read -r po; do
  [ "${po%.po}.mo" -nt "$po" ] || echo "$po"
done)
if [ -n "$stale_messages" ]; then
  "$BIN/springboard" compilemessages --ignore=.venv --ignore=node_modules -v0 \
    >"$WORK/messages.log" 2>&1 || fail "compilemessages (needs gettext's msgfmt)"
  ok "compiled translations"
else
  ok "translations already compiled"
fi
wait "$collect" || fail "collectstatic"
PIDS=()
[ -s "$STATIC_ROOT/staticfiles.json" ] || fail "collectstatic wrote no manifest"
ok "collected static files with a manifest"

# --- two app processes, two workers ----------------------------------------------------------
port_is_free() {
  "$BIN/python" - "$1" <<'PY'
import socket, sys
with socket.socket() as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
    try:
        s.bind(("127.0.0.1", int(sys.argv[1])))
    except OSError:
        sys.exit(1)
PY
}
PORTS=()
port=$BASE_PORT
while [ "${#PORTS[@]}" -lt 2 ]; do
  [ "$port" -lt $((BASE_PORT + 200)) ] || fail "no free port in $BASE_PORT-$((BASE_PORT + 199))"
  if port_is_free "$port"; then PORTS+=("$port"); else say "port $port is busy: skipped"; fi
  port=$((port + 1))
done

for i in 0 1; do
  "$BIN/springboard" serve --bind "127.0.0.1:${PORTS[$i]}" --workers 2 \
    >"$WORK/app$((i + 1)).log" 2>&1 &
  PIDS+=("$!")
done
for i in 1 2; do
  "$BIN/springboard" db_worker --worker-id "smoke-worker-$i" --interval 0.2 \
    >"$WORK/worker$i.log" 2>&1 &
  PIDS+=("$!")
done
ok "started app processes on ports ${PORTS[*]} and two workers"

# What nginx adds in front of the app (deploy/nginx/springboard.conf): the request came in
# over HTTPS. Without it, production settings redirect to https://.
PROXY=(-H "X-Forwarded-Proto: https" -H "X-Forwarded-For: 203.0.113.9")

# Starting takes a few seconds per process, far longer on a busy machine: wait up to 3 minutes.
deadline=$((SECONDS + 180))
for port in "${PORTS[@]}"; do
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; do
    for pid in "${PIDS[@]}"; do
      kill -0 "$pid" 2>/dev/null || fail "a process stopped while starting (port $port)"
    done
    [ "$SECONDS" -lt "$deadline" ] || fail "port $port did not answer within 180 s"
    sleep 0.5
  done
done
ok "both app processes answer"

# --- checks ----------------------------------------------------------------------------------
for port in "${PORTS[@]}"; do
  base="http://127.0.0.1:$port"
  body=$(curl -fsS "$base/healthz") || fail "/healthz on port $port"
  [ "$body" = '{"status": "ok"}' ] || fail "/healthz on port $port answered $body"
  ok "/healthz answers on port $port (plain HTTP, as a load balancer probes it)"

  code=$(curl -sS -o "$WORK/readyz.json" -w '%{http_code}' "${PROXY[@]}" "$base/readyz")
  [ "$code" = 200 ] || fail "/readyz on port $port answered $code: $(cat "$WORK/readyz.json")"
  grep -q '"database": "ok", "migrations": "ok", "tasks": "ok"' "$WORK/readyz.json" ||
    fail "/readyz on port $port: $(cat "$WORK/readyz.json")"
  ok "/readyz: database, migrations and task queue ok on port $port"

  code=$(curl -sS -o "$WORK/login.html" -w '%{http_code}' "${PROXY[@]}" "$base/accounts/login/")
  [ "$code" = 200 ] || fail "login page on port $port answered $code"
  grep -q 'name="password"' "$WORK/login.html" || fail "login page on port $port has no form"
  ok "login page renders on port $port"
done

css=$(grep -oE '/static/[^"]+\.[0-9a-f]{12}\.css' "$WORK/login.html" | head -n 1)
[ -n "$css" ] || fail "the login page links no stylesheet with a hashed name"
headers=$(curl -fsS -D - -o /dev/null -H "Accept-Encoding: gzip" "${PROXY[@]}" \
  "http://127.0.0.1:${PORTS[0]}$css") ||
  fail "static file $css"
grep -qi '^content-encoding: gzip' <<<"$headers" || fail "$css is not served compressed"
grep -qi '^cache-control:.*immutable' <<<"$headers" || fail "$css is not cached as immutable"
ok "static file $css served gzip-compressed, cached as immutable"

# One site, two processes: a form from one is accepted by the other (shared secret key,
# sessions and CSRF in the database).
# The cookie is marked Secure; curl would keep it from plain http://, so it is passed by hand.
jar="$WORK/cookies.txt"
curl -fsS -c "$jar" -o "$WORK/form.html" "${PROXY[@]}" "http://127.0.0.1:${PORTS[0]}/accounts/login/"
token=$(grep -oE 'name="csrfmiddlewaretoken" value="[^"]+"' "$WORK/form.html" | head -n 1 | cut -d'"' -f4)
cookie=$(awk '$6 == "csrftoken" { print $7 }' "$jar")
[ -n "$token" ] && [ -n "$cookie" ] || fail "no CSRF token on the login form"
code=$(curl -sS -H "Cookie: csrftoken=$cookie" -o "$WORK/post.html" -w '%{http_code}' "${PROXY[@]}" \
  -H "Referer: https://127.0.0.1:${PORTS[1]}/accounts/login/" \
  --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "login=nobody@example.org" \
  --data-urlencode "password=not-the-password" "http://127.0.0.1:${PORTS[1]}/accounts/login/")
[ "$code" = 200 ] || fail "a login form from port ${PORTS[0]} posted to port ${PORTS[1]} got $code"
ok "a form served by one app process is accepted by the other (wrong password refused: $code)"

"$BIN/springboard" ping-worker --timeout 30 >"$WORK/ping.out" 2>&1 ||
  fail "no worker ran the queued task: $(cat "$WORK/ping.out")"
grep -q 'ran on worker smoke-worker-' "$WORK/ping.out" || fail "$(cat "$WORK/ping.out")"
ok "a queued task was run: $(cat "$WORK/ping.out")"

# --- graceful stop ---------------------------------------------------------------------------
for pid in "${PIDS[@]}"; do kill -TERM "$pid"; done
for pid in "${PIDS[@]}"; do
  wait "$pid" || fail "process $pid did not stop cleanly on SIGTERM (exit $?)"
done
PIDS=()
ok "app processes and workers stopped cleanly on SIGTERM"
say "smoke test passed"
