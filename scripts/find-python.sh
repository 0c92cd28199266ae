#!/usr/bin/env bash
# Print the path of a Python interpreter Rasa 3.6 can run on (3.8, 3.9 or 3.10), best first.
# $PYTHON wins when set. Exit 1 with an explanation when there is none.
set -u

ok() {  # a usable interpreter: right version and able to create virtual environments
  "$1" -c 'import sys, venv, ensurepip; sys.exit(0 if (3, 8) <= sys.version_info[:2] <= (3, 10) else 1)' \
    >/dev/null 2>&1
}

if [ -n "${PYTHON:-}" ]; then
  if ok "$PYTHON"; then "$PYTHON" -c 'import sys; print(sys.executable)'; exit 0; fi
  echo "error: PYTHON=$PYTHON is not a Python 3.8, 3.9 or 3.10 with the venv module (Rasa 3.6 needs one)." >&2
  exit 1
fi

candidates=()
for minor in 10 9 8; do
  command -v "python3.$minor" >/dev/null 2>&1 && candidates+=("$(command -v "python3.$minor")")
  if command -v pyenv >/dev/null 2>&1; then
    for p in "$(pyenv root)"/versions/3."$minor".*/bin/python3."$minor"; do
      [ -x "$p" ] && candidates+=("$p")
    done
  fi
done
candidates+=(python3)

for p in "${candidates[@]}"; do
  if ok "$p"; then
    "$p" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done

cat >&2 <<'MSG'
error: Rasa 3.6 needs Python 3.8, 3.9 or 3.10 (with the venv module), and none was found.
  Looked for: $PYTHON, python3.10, python3.9, python3.8 on PATH, pyenv's versions, python3.
  Install one, e.g. `pyenv install 3.10.13` or `apt-get install python3.10-venv`,
  or point to it: `make PYTHON=/path/to/python3.10 run`.
MSG
exit 1
