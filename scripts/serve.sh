#!/usr/bin/env bash
# Start the action server, the Rasa server (REST and the web chat's socket.io channel) and
# the careers site, wait until they answer, say where to talk to the bot, and stop them all
# on Ctrl-C. `--shell`: chat in the terminal. Ports and hosts come from the environment
# (defaults below). Run through `make run`.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
ACTION_PORT=${ACTION_SERVER_PORT:-5055}
RASA_PORT=${RASA_PORT:-5005}
RASA_HOST=${RASA_HOST:-127.0.0.1}
MODEL=${RASA_MODEL:-models/recruiting-bot.tar.gz}
LOG_DIR=${LOG_DIR:-var/log}
# The careers site, where candidates open it (the Rasa server allows only this origin's
# web chat: --cors), and the Rasa server as their browsers reach it.
SITE_PORT=${CAREERS_SITE_PORT:-8000}
export CAREERS_SITE_PORT=$SITE_PORT
export CAREERS_SITE_ORIGIN=${CAREERS_SITE_ORIGIN:-http://localhost:$SITE_PORT}
export CAREERS_CHAT_URL=${CAREERS_CHAT_URL:-http://localhost:$RASA_PORT}
mkdir -p "$LOG_DIR"

pids=()
stop() { trap - EXIT INT TERM; [ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

ports=("$ACTION_PORT" "$RASA_PORT")
[ "${1:-}" = "--shell" ] || ports+=("$SITE_PORT")
for port in "${ports[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "error: port $port is already in use (another bot running?); stop it or set ACTION_SERVER_PORT / RASA_PORT / CAREERS_SITE_PORT" >&2
    exit 1
  fi
done

echo "Starting the action server on port $ACTION_PORT (log: $LOG_DIR/actions.log)"
"$PY" -m actions --port "$ACTION_PORT" >"$LOG_DIR/actions.log" 2>&1 &
pids+=($!)

wait_for() {  # url, name, seconds
  local deadline=$((SECONDS + $3))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo "error: the $2 stopped; see $LOG_DIR" >&2; tail -n 20 "$LOG_DIR"/*.log >&2; exit 1; }
    done
    [ $SECONDS -lt $deadline ] || { echo "error: the $2 did not start within $3 s; see $LOG_DIR" >&2; exit 1; }
    sleep 0.5
  done
}
wait_for "http://127.0.0.1:$ACTION_PORT/health" "action server" 60

export ACTION_SERVER_PORT=$ACTION_PORT
"$PY" -m rasa_ext.endpoints var/endpoints.yml
if [ "${1:-}" = "--shell" ]; then
  "$PY" -m rasa_ext shell --model "$MODEL" --endpoints var/endpoints.yml
  exit
fi

"$PY" -m rasa_ext.credentials var/credentials.yml
# Rasa's HTTP API (conversations, model, ...) stays off unless a token protects it.
api_args=()
if [ -n "${RASA_API_TOKEN:-}" ]; then
  api_args=(--enable-api --auth-token "$RASA_API_TOKEN")
  echo "Rasa HTTP API on, token required (RASA_API_TOKEN)"
fi
echo "Starting the Rasa server on port $RASA_PORT (log: $LOG_DIR/rasa.log)"
"$PY" -m rasa_ext run --model "$MODEL" --interface "$RASA_HOST" --port "$RASA_PORT" \
  --credentials var/credentials.yml --endpoints var/endpoints.yml "${api_args[@]}" \
  --cors "$CAREERS_SITE_ORIGIN" >"$LOG_DIR/rasa.log" 2>&1 &
pids+=($!)

echo "Starting the careers site on port $SITE_PORT (log: $LOG_DIR/careers.log)"
"$PY" -m careers >"$LOG_DIR/careers.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$SITE_PORT/healthz" "careers site" 60
# Rasa loads the model before it accepts connections: once it answers, it is ready.
wait_for "http://127.0.0.1:$RASA_PORT/" "Rasa server" 300

cat <<MSG

The recruiting bot is running.
  Site:   $CAREERS_SITE_ORIGIN/   (the careers site, with the bot in its web chat)
  REST:   curl -s -X POST http://localhost:$RASA_PORT/webhooks/rest/webhook \\
            -H 'Content-Type: application/json' -d '{"sender": "me", "message": "what does it pay?"}'
  Logs:   $LOG_DIR/rasa.log, $LOG_DIR/actions.log, $LOG_DIR/careers.log
Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}"
echo "error: a server stopped; see $LOG_DIR" >&2
exit 1
