#!/usr/bin/env bash
# One line per service: process state, HTTP status of its endpoint, resident memory.
# Exit 0 when every service runs and answers, 1 otherwise.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
ok=1 total=0
printf '%-16s %-8s %-6s %-7s %s\n' SERVICE PROCESS HTTP RSS URL
for e in $UC_ENDPOINTS; do
  name=${e%%:*}; rest=${e#*:}; port=${rest%%:*}; probe=${rest#*:}
  svc=$name; [ "$name" = swift-proxy ] && svc=swift
  uc_has "$svc" || continue
  proc=stopped rss=-
  if [ -f "$RUN/$name.pid" ] && alive "$(cat "$RUN/$name.pid")"; then
    proc=running
    pg=$(cat "$RUN/$name.pid")
    kb=$(ps -eo pgid=,rss= | awk -v g="$pg" '$1==g{s+=$2} END{print s+0}')
    rss="$((kb / 1024))M"; total=$((total + kb))
  fi
  code=$(http_code "http://$UC_HOST:$port$probe")
  { [ "$proc" = running ] && [ "$code" != 000 ] && [ "$code" -lt 500 ]; } || ok=0
  printf '%-16s %-8s %-6s %-7s %s\n' "$name" "$proc" "$code" "$rss" "http://$UC_HOST:$port"
done
if uc_has swift; then
  for kind in account container object; do
    f="$RUN/swift-$kind.pid"
    if [ -f "$f" ] && alive "$(cat "$f")"; then
      kb=$(ps -o rss= -p "$(cat "$f")"); total=$((total + kb))
      printf '%-16s %-8s %-6s %-7s\n' "swift-$kind" running - "$((kb / 1024))M"
    else printf '%-16s %-8s\n' "swift-$kind" stopped; ok=0; fi
  done
fi
echo "state: $UC_DIR   total RSS: $((total / 1024)) MiB"
[ $ok = 1 ] && echo "undercloud: up" || echo "undercloud: DOWN (npm run undercloud:up starts it)"
[ $ok = 1 ]
