#!/usr/bin/env bash
# Stop what start.sh started: TERM to each daemon's process group, 10 s grace, then KILL.
# --purge also deletes $UC_DIR (every database, object and log).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
shopt -s nullglob
groups=()
for f in "$RUN"/*.pid; do
  pid=$(cat "$f")
  if alive "$pid"; then
    echo "stopping $(basename "$f" .pid)"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    groups+=("$pid")
  fi
  rm -f "$f"
done
group_alive() { local p; for p in $(ps -eo pid=,pgid= | awk -v g="$1" '$2==g{print $1}'); do alive "$p" && return 0; done; return 1; }
any_alive() { local g; for g in "${groups[@]}"; do group_alive "$g" && return 0; done; return 1; }
# heat-all does not exit on TERM (its API green thread stays), hence the KILL after the grace period
for _ in $(seq 1 20); do any_alive || break; sleep 0.5; done
for g in "${groups[@]}"; do group_alive "$g" && { echo "killing process group $g"; kill -KILL -- "-$g" 2>/dev/null; }; done
for _ in $(seq 1 20); do any_alive || break; sleep 0.5; done
if [ "${1:-}" = --purge ]; then rm -rf "$UC_DIR"; echo "removed $UC_DIR"; fi
exit 0
