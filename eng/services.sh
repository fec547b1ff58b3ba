#!/usr/bin/env bash
# Local services for Frugal's tests: Azurite (blob/queue/table) and Redis, on loopback only.
#
#   bash eng/services.sh start    install what is missing, start both, wait until they answer
#   bash eng/services.sh stop     stop what `start` started (a service found already running is left alone)
#   bash eng/services.sh status   say what answers on each port
#
# Pinned versions: Azurite comes from eng/package.json + eng/package-lock.json (npm ci). Redis comes from
# Debian (apt-get install redis-server) only when redis-server is not on PATH; the expected Debian version is
# REDIS_EXPECTED_DEBIAN below (bookworm, checked with `apt-cache policy redis-server`).
# Everything the services write (data, logs, pid files) lives under .artifacts/, never in the repository root.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ENG="$ROOT/eng"
ART="$ROOT/.artifacts"
AZ_DIR="$ART/azurite"
AZ_PID="$ART/azurite.pid"
AZ_LOG="$ART/azurite.log"
AZ_DATA_FILE="$ART/azurite.data"
REDIS_PID="$ART/redis.pid"
REDIS_LOG="$ART/redis.log"

HOST=127.0.0.1
BLOB_PORT=10000
QUEUE_PORT=10001
TABLE_PORT=10002
REDIS_PORT=6379
WAIT_SECONDS=60
# What `apt-cache policy redis-server` offered on Debian bookworm when this was written; a different
# major.minor only warns, because Debian security updates replace the exact revision.
REDIS_EXPECTED_DEBIAN="5:7.0.15-1~deb12u10"
REDIS_EXPECTED_MAJOR_MINOR="7.0"

say() { printf '[services] %s\n' "$*"; }
fail() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

# True when something accepts TCP connections on HOST:$1. Uses bash's /dev/tcp so no extra tool is needed.
port_open() {
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

# True when a Redis server answers PING on HOST:REDIS_PORT (RESP inline command over /dev/tcp).
redis_answers() (
  reply=""
  exec 3<>"/dev/tcp/$HOST/$REDIS_PORT" || exit 1
  printf 'PING\r\n' >&3
  IFS= read -r -t 2 reply <&3 || true
  [[ "$reply" == "+PONG"* ]]
) 2>/dev/null

# Prints the pid recorded in $1 when that process is alive and its command line contains $2.
live_pid() {
  local file="$1" pattern="$2" pid
  [[ -f "$file" ]] || return 1
  pid="$(tr -d '[:space:]' <"$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$pattern" || return 1
  printf '%s' "$pid"
}

show_log_tail() {
  local log="$1"
  if [[ -s "$log" ]]; then
    printf '[services] last lines of %s:\n' "$log" >&2
    tail -n 30 "$log" | sed 's/^/    /' >&2
  else
    printf '[services] %s is empty or missing.\n' "$log" >&2
  fi
}

as_root() {
  if [[ "$(id -u)" == "0" ]]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else fail "'$*' needs root and sudo is not available; install Redis yourself (Debian: apt-get install redis-server)."
  fi
}

ensure_azurite() {
  command -v npm >/dev/null 2>&1 || fail "npm is not on PATH; install Node.js 18+ with npm to get Azurite."
  local want have=""
  want="$(node -p "require('$ENG/package.json').devDependencies.azurite")"
  if [[ -f "$ENG/node_modules/azurite/package.json" ]]; then
    have="$(node -p "require('$ENG/node_modules/azurite/package.json').version")"
  fi
  if [[ "$have" != "$want" || ! -x "$ENG/node_modules/.bin/azurite" ]]; then
    say "installing Azurite $want (npm ci --prefix eng) ..."
    npm ci --prefix "$ENG" --no-audit --no-fund --loglevel=error >/dev/null \
      || fail "npm ci --prefix eng failed; run it by hand to see why."
  fi
  say "Azurite $want ($ENG/node_modules/.bin/azurite)"
}

ensure_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 \
      || fail "redis-server is not on PATH and apt-get is not available; install Redis $REDIS_EXPECTED_MAJOR_MINOR yourself."
    say "redis-server not found; installing Debian's redis-server (expected $REDIS_EXPECTED_DEBIAN) ..."
    local apt_log="$ART/apt-redis.log"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$apt_log" 2>&1 \
      || { show_log_tail "$apt_log"; fail "apt-get update failed."; }
    # policy-rc.d-style suppression is not needed: where there is no init system the package's service
    # does not start, and where one starts, `start` below finds port 6379 served and reuses it.
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >>"$apt_log" 2>&1 \
      || { show_log_tail "$apt_log"; fail "apt-get install redis-server failed."; }
  fi
  local version
  version="$(redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p')"
  if [[ "$version" != "$REDIS_EXPECTED_MAJOR_MINOR".* ]]; then
    say "warning: redis-server $version found; tests were written against $REDIS_EXPECTED_MAJOR_MINOR.x."
  fi
  say "Redis $version ($(command -v redis-server))"
}

wait_until() {
  local name="$1" log="$2" pidfile="$3" pattern="$4"; shift 4
  local deadline=$((SECONDS + WAIT_SECONDS))
  until "$@"; do
    if [[ -n "$pidfile" ]] && ! live_pid "$pidfile" "$pattern" >/dev/null; then
      printf '[services] ERROR: %s exited before it answered.\n' "$name" >&2
      show_log_tail "$log"
      exit 1
    fi
    if (( SECONDS >= deadline )); then
      printf '[services] ERROR: %s did not answer within %s s.\n' "$name" "$WAIT_SECONDS" >&2
      show_log_tail "$log"
      exit 1
    fi
    sleep 0.5
  done
}

azurite_ports_open() {
  port_open "$BLOB_PORT" && port_open "$QUEUE_PORT" && port_open "$TABLE_PORT"
}

start_azurite() {
  local pid
  if pid="$(live_pid "$AZ_PID" azurite)"; then
    say "Azurite already running (pid $pid) on $HOST:$BLOB_PORT-$TABLE_PORT."
    return
  fi
  local open=()
  for port in "$BLOB_PORT" "$QUEUE_PORT" "$TABLE_PORT"; do
    if port_open "$port"; then open+=("$port"); fi
  done
  if (( ${#open[@]} == 3 )); then
    say "ports $BLOB_PORT-$TABLE_PORT are already served (another Azurite?); reusing it, and 'stop' will leave it running."
    rm -f "$AZ_PID"
    return
  fi
  if (( ${#open[@]} > 0 )); then
    fail "port(s) ${open[*]} on $HOST are taken by something else, but not all of $BLOB_PORT-$TABLE_PORT; free them or stop that process."
  fi
  ensure_azurite
  mkdir -p "$AZ_DIR"
  local data
  data="$(mktemp -d "$AZ_DIR/data.XXXXXX")"
  printf '%s\n' "$data" >"$AZ_DATA_FILE"
  # Started from inside the data folder so nothing Azurite writes can land in the caller's directory. Azurite sends
  # usage telemetry unless told not to (and, with no network, leaves a Microsoft-AzureMonitor-* folder in /tmp).
  (
    cd "$data"
    nohup "$ENG/node_modules/.bin/azurite" \
      --silent --skipApiVersionCheck --loose --disableTelemetry \
      --blobHost "$HOST" --blobPort "$BLOB_PORT" \
      --queueHost "$HOST" --queuePort "$QUEUE_PORT" \
      --tableHost "$HOST" --tablePort "$TABLE_PORT" \
      --location "$data" >"$AZ_LOG" 2>&1 </dev/null &
    printf '%s\n' "$!" >"$AZ_PID"
  )
  wait_until "Azurite" "$AZ_LOG" "$AZ_PID" azurite azurite_ports_open
  say "Azurite answers on $HOST:$BLOB_PORT (blob), $QUEUE_PORT (queue), $TABLE_PORT (table); pid $(cat "$AZ_PID"), data in ${data#"$ROOT"/}."
}

start_redis() {
  local pid
  if pid="$(live_pid "$REDIS_PID" redis-server)"; then
    say "Redis already running (pid $pid) on $HOST:$REDIS_PORT."
    return
  fi
  if port_open "$REDIS_PORT"; then
    if redis_answers; then
      say "port $REDIS_PORT already serves Redis; reusing it, and 'stop' will leave it running."
      rm -f "$REDIS_PID"
      return
    fi
    fail "port $REDIS_PORT on $HOST is taken by something that does not answer Redis PING; free it."
  fi
  ensure_redis
  : >"$REDIS_LOG"
  redis-server --port "$REDIS_PORT" --bind "$HOST" --save '' --appendonly no --daemonize yes \
    --dir "$ART" --pidfile "$REDIS_PID" --logfile "$REDIS_LOG" \
    || { show_log_tail "$REDIS_LOG"; fail "redis-server did not start."; }
  wait_until "Redis" "$REDIS_LOG" "" "" redis_answers
  say "Redis answers on $HOST:$REDIS_PORT; pid $(cat "$REDIS_PID" 2>/dev/null || echo '?')."
}

stop_one() {
  local name="$1" pidfile="$2" pattern="$3" pid
  if ! pid="$(live_pid "$pidfile" "$pattern")"; then
    say "$name: nothing started by this script is running."
    rm -f "$pidfile"
    return
  fi
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do
    [[ -d "/proc/$pid" ]] || break
    sleep 0.25
  done
  if [[ -d "/proc/$pid" ]]; then
    say "$name (pid $pid) ignored SIGTERM for 10 s; sending SIGKILL."
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  say "$name stopped (pid $pid)."
}

stop_all() {
  stop_one "Azurite" "$AZ_PID" azurite
  if [[ -f "$AZ_DATA_FILE" ]]; then
    local data
    data="$(cat "$AZ_DATA_FILE")"
    # Only ever delete a folder this script created under .artifacts/azurite.
    if [[ "$data" == "$AZ_DIR"/data.* && -d "$data" ]]; then rm -rf "$data"; fi
    rm -f "$AZ_DATA_FILE"
  fi
  stop_one "Redis" "$REDIS_PID" redis-server
}

status_all() {
  local pid
  if pid="$(live_pid "$AZ_PID" azurite)"; then say "Azurite: running (pid $pid, started by this script)."
  elif azurite_ports_open; then say "Azurite: ports $BLOB_PORT-$TABLE_PORT served by another process."
  else say "Azurite: not running."
  fi
  if pid="$(live_pid "$REDIS_PID" redis-server)"; then say "Redis: running (pid $pid, started by this script)."
  elif redis_answers; then say "Redis: port $REDIS_PORT served by another process."
  elif port_open "$REDIS_PORT"; then say "Redis: port $REDIS_PORT is taken by something that does not answer PING."
  else say "Redis: not running."
  fi
}

# Headless Chromium renders the HTML cost report in a test; Debian's package, installed only when missing.
ensure_chromium() {
  if command -v chromium >/dev/null 2>&1 || [[ -n "${FRUGAL_TEST_CHROMIUM:-}" ]]; then
    return
  fi
  command -v apt-get >/dev/null 2>&1 || fail "chromium is not on PATH and apt-get is not available; install Chromium or set FRUGAL_TEST_CHROMIUM."
  say "chromium not found; installing Debian's chromium ..."
  local apt_log="$ART/apt-chromium.log"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$apt_log" 2>&1 \
    || { show_log_tail "$apt_log"; fail "apt-get update failed."; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >>"$apt_log" 2>&1 \
    || { show_log_tail "$apt_log"; fail "apt-get install chromium failed."; }
  say "Chromium $(chromium --version 2>/dev/null | head -1)"
}

main() {
  mkdir -p "$ART"
  case "${1:-}" in
    start) start_azurite; start_redis; ensure_chromium ;;
    stop) stop_all ;;
    status) status_all ;;
    *) printf 'usage: bash eng/services.sh start|stop|status\n' >&2; exit 2 ;;
  esac
}

main "$@"
