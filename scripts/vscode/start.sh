#!/usr/bin/env bash
# Start code-server on 127.0.0.1 with throwaway state in RUN_DIR.
#   scripts/vscode/start.sh RUN_DIR PORT [FOLDER]
# Env: LINK_EXTENSION=1 installs this project's extension by linking it into the extensions
#      folder (how `npm start` and the UI tests run it); otherwise tests load it with the URL payload.
#      CODE_SERVER_ENV="K=V ..." extra environment for the server and its extension host.
#      USER_SETTINGS=FILE user settings to start with (default: settings.json beside this script).
# Writes RUN_DIR/code-server.pid and RUN_DIR/code-server.log; returns once /healthz answers.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
RUN=${1:?run dir}; PORT=${2:?port}; FOLDER=${3:-}
[ -x "$CODE_SERVER_BIN" ] || { echo "code-server is not installed: run npm run vscode:install" >&2; exit 1; }
if [ -f "$RUN/code-server.pid" ]; then "$HERE/stop.sh" "$RUN"; fi
rm -rf "$RUN"; mkdir -p "$RUN/data/User" "$RUN/extensions" "$RUN/xdg-config" "$RUN/xdg-data" "$RUN/tmp"
cp "${USER_SETTINGS:-$HERE/settings.json}" "$RUN/data/User/settings.json"
if [ -n "${LINK_EXTENSION:-}" ]; then
  id=$(node -p "const p=require('$PROJECT_ROOT/package.json'); p.publisher+'.'+p.name+'-'+p.version")
  ln -s "$PROJECT_ROOT" "$RUN/extensions/$id"
fi
# Nothing may leave this machine: no marketplace, telemetry or update checks. State stays in RUN
# (unix socket paths must stay under 108 characters, hence TMPDIR inside RUN).
export EXTENSIONS_GALLERY='{}' XDG_CONFIG_HOME="$RUN/xdg-config" XDG_DATA_HOME="$RUN/xdg-data" TMPDIR="$RUN/tmp"
for kv in ${CODE_SERVER_ENV:-}; do export "${kv?}"; done
setsid "$CODE_SERVER_BIN" --bind-addr "127.0.0.1:$PORT" --auth none \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  --ignore-last-opened --user-data-dir "$RUN/data" --extensions-dir "$RUN/extensions" ${FOLDER:+"$FOLDER"} \
  >"$RUN/code-server.log" 2>&1 </dev/null &
echo $! >"$RUN/code-server.pid"
for _ in $(seq 1 300); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && exit 0
  kill -0 "$(cat "$RUN/code-server.pid")" 2>/dev/null || { echo "code-server exited:" >&2; cat "$RUN/code-server.log" >&2; exit 1; }
  sleep 0.1
done
echo "code-server did not answer on port $PORT within 30 s" >&2; cat "$RUN/code-server.log" >&2; exit 1
