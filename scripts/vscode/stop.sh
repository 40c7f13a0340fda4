#!/usr/bin/env bash
# Stop the code-server started by start.sh in RUN_DIR (its process group only).
RUN=${1:?run dir}
[ -f "$RUN/code-server.pid" ] || exit 0
PID=$(cat "$RUN/code-server.pid")
kill -TERM -- "-$PID" 2>/dev/null || kill -TERM "$PID" 2>/dev/null || true
for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
kill -KILL -- "-$PID" 2>/dev/null || true
rm -f "$RUN/code-server.pid"
