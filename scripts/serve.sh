#!/usr/bin/env bash
# Start the action server, the Rasa server (REST and the web chat's socket.io channel) and
# the careers site under supervisord, wait until they answer, and say where to talk to the
# bot. A server that crashes is restarted (at once; with a growing delay if it keeps failing
# while starting) while the others keep serving, with one line about it here and in
# $LOG_DIR/restarts.log (service/supervisord.py says why supervisord). Ctrl-C or `make stop`
# stops everything. `--shell`: chat in the terminal (only the action server is started).
# `--scaled`: Rasa replicas and action servers behind nginx, with Redis and PostgreSQL
# (service/scaled.py), same ports and variables. Ports, hosts and folders:
# service/settings.py, overridable from the environment. Run through `make run` /
# `make run-scaled` / `make shell`.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
shell=false
scaled=false
case "${1:-}" in
  --shell) shell=true ;;
  --scaled) scaled=true ;;
esac
settings=$("$PY" -m service.settings)
eval "$settings"
if $scaled; then
  # The shared services' URLs (TRACKER_STORE_URL, KB_DATABASE_URL, LOCK_STORE_URL, REDIS_URL ...)
  shared=$("$PY" -m service.scaled env)
  eval "$shared"
fi
mkdir -p "$LOG_DIR" "$RUN_DIR"
CONF=$RUN_DIR/supervisord.conf
SUPERVISOR_LOG=$LOG_DIR/supervisord.log

if [ -f "$RUN_DIR/supervisord.pid" ] && kill -0 "$(cat "$RUN_DIR/supervisord.pid")" 2>/dev/null; then
  echo "error: the bot is already running (supervisord pid $(cat "$RUN_DIR/supervisord.pid")); stop it with \`make stop\`" >&2
  exit 1
fi
ports=("$ACTION_SERVER_PORT" "$RASA_PORT")
$shell || ports+=("$CAREERS_SITE_PORT")
if $scaled; then read -r -a ports <<< "$("$PY" -m service.scaled ports)"; fi
for port in "${ports[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "error: port $port is already in use (another bot running?); stop it or set ACTION_SERVER_PORT / RASA_PORT / CAREERS_SITE_PORT (scaled: see service/settings.py)" >&2
    exit 1
  fi
done

"$PY" -m rasa_ext.endpoints "$RUN_DIR/endpoints.yml"
if $shell; then
  "$PY" -m service.supervisord conf "$CONF" --only actions
else
  "$PY" -m rasa_ext.credentials "$RUN_DIR/credentials.yml"
  # Rasa's HTTP API (conversations, model, ...) stays off unless a token protects it.
  [ -z "${RASA_API_TOKEN:-}" ] || echo "Rasa HTTP API on, token required (RASA_API_TOKEN)"
  if $scaled; then
    "$PY" -m service.scaled prepare "$CONF"
  else
    "$PY" -m service.supervisord conf "$CONF"
  fi
fi

supervisor_pid=
tail_pid=
stop() {  # supervisord stops every server it started (their whole process groups)
  trap - EXIT INT TERM
  if [ -n "$supervisor_pid" ] && kill -0 "$supervisor_pid" 2>/dev/null; then
    echo "Stopping the recruiting bot"
    kill -TERM "$supervisor_pid" 2>/dev/null || true
    wait "$supervisor_pid" 2>/dev/null || true
  fi
  [ -z "$tail_pid" ] || wait "$tail_pid" 2>/dev/null || true
}
trap stop EXIT
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM

log_start=$(stat -c %s "$SUPERVISOR_LOG" 2>/dev/null || echo 0)
touch "$LOG_DIR/restarts.log"
"$PY" -m supervisor.supervisord -c "$CONF" &
supervisor_pid=$!
# The one line per crash or restart (service/restarts.py), here; ends with supervisord.
tail -n 0 -F --pid="$supervisor_pid" "$LOG_DIR/restarts.log" 2>/dev/null &
tail_pid=$!

wait_for() {  # url, program, title, seconds
  local deadline=$((SECONDS + $4))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    kill -0 "$supervisor_pid" 2>/dev/null ||
      { echo "error: supervisord stopped; see $SUPERVISOR_LOG" >&2; tail -n 20 "$SUPERVISOR_LOG" >&2; exit 1; }
    if tail -c "+$((log_start + 1))" "$SUPERVISOR_LOG" 2>/dev/null | grep -q "gave up: $2 "; then
      echo "error: the $3 keeps failing while starting; see $LOG_DIR/$2.log" >&2
      tail -n 20 "$LOG_DIR/$2.log" >&2
      exit 1
    fi
    [ $SECONDS -lt $deadline ] || { echo "error: the $3 did not start within $4 s; see $LOG_DIR/$2.log" >&2; exit 1; }
    sleep 0.5
  done
}

if $scaled; then
  wait_port() {  # port, title
    local deadline=$((SECONDS + 60))
    until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
      kill -0 "$supervisor_pid" 2>/dev/null || { echo "error: supervisord stopped; see $SUPERVISOR_LOG" >&2; exit 1; }
      [ $SECONDS -lt $deadline ] || { echo "error: $2 did not start within 60 s; see $LOG_DIR/" >&2; exit 1; }
      sleep 0.3
    done
  }
  scaled_ports=$("$PY" -m service.settings --scaled)
  eval "$scaled_ports"
  wait_port "$SCALED_REDIS_PORT" "Redis"
  wait_port "$SCALED_POSTGRES_PORT" "PostgreSQL"
  "$PY" -m service.scaled databases
  echo "Loading the knowledge base into PostgreSQL"
  "$PY" -m bot kb load
  echo "Starting $RASA_REPLICAS Rasa replicas and $ACTION_REPLICAS action servers behind nginx (logs: $LOG_DIR/)"
  "$PY" -m supervisor.supervisorctl -c "$CONF" start all >/dev/null
  for ((i = 1; i <= ACTION_REPLICAS; i++)); do
    wait_for "http://127.0.0.1:$((ACTION_REPLICA_PORT_BASE + i))/health" "actions-$i" "action server $i" 60
  done
  wait_for "http://127.0.0.1:$ACTION_SERVER_PORT/health" nginx "nginx" 30
  wait_for "http://127.0.0.1:$CAREERS_SITE_PORT/healthz" careers "careers site" 60
  for ((i = 1; i <= RASA_REPLICAS; i++)); do
    wait_for "http://127.0.0.1:$((RASA_REPLICA_PORT_BASE + i))/" "rasa-$i" "Rasa server $i" 300
  done
  wait_for "http://127.0.0.1:$RASA_PORT/" nginx "nginx" 30
  ready=$(cat <<MSG

The recruiting bot is running, scaled: $RASA_REPLICAS Rasa replicas and $ACTION_REPLICAS action servers
behind nginx, Redis (locks, shared state) and PostgreSQL (conversations, knowledge base).
  Site:   $CAREERS_SITE_ORIGIN/
  REST:   http://localhost:$RASA_PORT/webhooks/rest/webhook (nginx)
  Logs:   $LOG_DIR/ (rasa-N.log, actions-N.log, nginx.log, redis.log, postgres.log,
          restarts.log)
A server that crashes is restarted. Press Ctrl-C or run \`make stop\` to stop.
MSG
)
else
  echo "Starting the action server on port $ACTION_SERVER_PORT (log: $LOG_DIR/actions.log)"
  if $shell; then
    wait_for "http://127.0.0.1:$ACTION_SERVER_PORT/health" actions "action server" 60
    "$PY" -m rasa_ext shell --model "$RASA_MODEL" --port "$RASA_PORT" --endpoints "$RUN_DIR/endpoints.yml"
    exit
  fi
  echo "Starting the Rasa server on port $RASA_PORT (log: $LOG_DIR/rasa.log)"
  echo "Starting the careers site on port $CAREERS_SITE_PORT (log: $LOG_DIR/careers.log)"
  wait_for "http://127.0.0.1:$ACTION_SERVER_PORT/health" actions "action server" 60
  wait_for "http://127.0.0.1:$CAREERS_SITE_PORT/healthz" careers "careers site" 60
  # Rasa loads the model before it accepts connections: once it answers, it is ready.
  wait_for "http://127.0.0.1:$RASA_PORT/" rasa "Rasa server" 300
  ready=$(cat <<MSG

The recruiting bot is running.
  Site:   $CAREERS_SITE_ORIGIN/   (the careers site, with the bot in its web chat)
  REST:   curl -s -X POST http://localhost:$RASA_PORT/webhooks/rest/webhook \\
            -H 'Content-Type: application/json' -d '{"sender": "me", "message": "what does it pay?"}'
  Logs:   $LOG_DIR/rasa.log, $LOG_DIR/actions.log, $LOG_DIR/careers.log
          $LOG_DIR/restarts.log (crashes and restarts), $LOG_DIR/supervisord.log
A server that crashes is restarted. Press Ctrl-C or run \`make stop\` to stop.
MSG
)
fi
printf '%s\n' "$ready"
status=0
wait "$supervisor_pid" || status=$?
supervisor_pid=
stop
if [ "$status" -eq 0 ]; then
  echo "The recruiting bot stopped."
else
  echo "error: supervisord exited with status $status; see $SUPERVISOR_LOG" >&2
fi
exit "$status"
