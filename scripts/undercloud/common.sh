# Settings shared by the undercloud scripts (sourced, not run).
UC_DIR=${UC_DIR:-/var/tmp/tripleo-undercloud}   # every piece of state: etc/ data/ log/ run/
UC_HOST=127.0.0.1
UC_REGION=${UC_REGION:-regionOne}
UC_ADMIN_PASSWORD=${UC_ADMIN_PASSWORD:-admin}
UC_SERVICE_PASSWORD=${UC_SERVICE_PASSWORD:-servicepass}
# Keystone token lifetime in seconds; tests of token renewal start an undercloud with a short one.
UC_TOKEN_EXPIRATION=${UC_TOKEN_EXPIRATION:-3600}
UC_SERVICES=${UC_SERVICES:-"keystone swift mistral heat ironic inspector glance nova"}
ETC=$UC_DIR/etc; DATA=$UC_DIR/data; LOG=$UC_DIR/log; RUN=$UC_DIR/run
# Debian's OpenStack libraries live in Debian's python; a pyenv python3 on PATH cannot import them.
PY=/usr/bin/python3
export PYTHONWARNINGS=${PYTHONWARNINGS:-ignore}

# name:port:probe-path of every service, in start order
UC_ENDPOINTS="keystone:5000:/v3 swift-proxy:8080:/healthcheck mistral:8989:/ heat:8004:/ ironic:6385:/ inspector:5050:/ glance:9292:/ nova:8774:/"

uc_has() { case " $UC_SERVICES " in *" $1 "*) return 0;; esac; return 1; }

# alive PID: running and not a zombie
alive() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) && [ -n "$st" ] && [ "${st#Z}" = "$st" ]; }

# http_code URL: the status code, 000 when nothing answers
http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" 2>/dev/null || true; }

# wait_http URL [seconds] [pidname]: until URL answers below 500; fails early if the daemon died
wait_http() {
  local url=$1 limit=${2:-120} name=${3:-} t0 code
  t0=$(date +%s)
  while :; do
    code=$(http_code "$url")
    if [ "$code" != 000 ] && [ "$code" -lt 500 ]; then return 0; fi
    if [ -n "$name" ] && [ -f "$RUN/$name.pid" ] && ! alive "$(cat "$RUN/$name.pid")"; then
      echo "$name exited; last lines of $LOG/$name.log:" >&2; tail -n 30 "$LOG/$name.log" >&2; return 1
    fi
    if [ $(( $(date +%s) - t0 )) -ge "$limit" ]; then
      echo "timed out after ${limit}s waiting for $url (last status $code); see $LOG/$name.log" >&2; return 1
    fi
    sleep 0.3
  done
}
