#!/usr/bin/env bash
# Configure (first time) and start the undercloud on 127.0.0.1:
#   keystone :5000  swift :8080  mistral :8989  heat :8004  ironic :6385  ironic-inspector :5050
#   glance :9292  nova-api :8774 (flavors only)
# Idempotent: a running service is left alone, databases/rings/catalog are made once.
# Every config, database, object, log and pid lives under $UC_DIR.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
mkdir -p "$ETC" "$DATA" "$LOG" "$RUN"
T0=$(date +%s%N)
say() { printf '[%5.1fs] %s\n' "$(awk -v n="$(date +%s%N)" -v s="$T0" 'BEGIN{print (n-s)/1e9}')" "$*"; }

# start_daemon NAME CMD...: in its own process group (so stop.sh can end all its children), pid in $RUN
start_daemon() {
  local name=$1; shift
  if [ -f "$RUN/$name.pid" ] && alive "$(cat "$RUN/$name.pid")"; then return 0; fi
  setsid "$@" >>"$LOG/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

# start_uwsgi NAME PORT WSGI_FILE THREADS [VAR=VALUE...]: one uwsgi worker process (with its master).
# "Connection: close": uwsgi's http-socket does not do keep-alive and reused sockets get reset.
start_uwsgi() {
  local name=$1 port=$2 wsgi=$3 threads=$4 kv envs=()
  shift 4
  for kv in "$@" PYTHONWARNINGS=ignore; do envs+=(--env "$kv"); done
  start_daemon "$name" uwsgi --plugin python3 --http-socket "$UC_HOST:$port" \
    --wsgi-file "$wsgi" --master --processes 1 --threads "$threads" \
    --enable-threads --lazy-apps --die-on-term --need-app --buffer-size 65535 \
    --add-header "Connection: close" "${envs[@]}"
}

# Readers must not block writers: without WAL, Keystone fails with "database is locked".
wal() { sqlite3 "$1" 'PRAGMA journal_mode=WAL;' >/dev/null; }

keystone_authtoken() {
  cat <<EOC
[keystone_authtoken]
www_authenticate_uri = http://$UC_HOST:5000
auth_url = http://$UC_HOST:5000
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $1
password = $UC_SERVICE_PASSWORD
region_name = $UC_REGION
EOC
}

start_keystone() {
  mkdir -p "$ETC/keystone"
  cat >"$ETC/keystone/keystone.conf" <<EOC
[DEFAULT]
use_stderr = true
[database]
connection = sqlite:///$DATA/keystone.sqlite
[token]
provider = fernet
expiration = $UC_TOKEN_EXPIRATION
[fernet_tokens]
key_repository = $ETC/keystone/fernet-keys
[fernet_receipts]
key_repository = $ETC/keystone/fernet-keys
[credential]
key_repository = $ETC/keystone/credential-keys
EOC
  local km="keystone-manage --config-file $ETC/keystone/keystone.conf"
  if [ ! -f "$DATA/keystone.done" ]; then
    { $km db_sync
      $km fernet_setup --keystone-user root --keystone-group root
      $km credential_setup --keystone-user root --keystone-group root
      $km bootstrap --bootstrap-password "$UC_ADMIN_PASSWORD" --bootstrap-username admin \
        --bootstrap-project-name admin --bootstrap-role-name admin --bootstrap-service-name keystone \
        --bootstrap-region-id "$UC_REGION" --bootstrap-admin-url "http://$UC_HOST:5000/v3" \
        --bootstrap-public-url "http://$UC_HOST:5000/v3" --bootstrap-internal-url "http://$UC_HOST:5000/v3"
    } >>"$LOG/keystone-manage.log" 2>&1
    wal "$DATA/keystone.sqlite"
    touch "$DATA/keystone.done"
    say "keystone database bootstrapped"
  fi
  # One process, one thread: concurrent sqlite writers (Heat deleting trusts) hit "database is locked".
  start_uwsgi keystone 5000 /usr/bin/keystone-wsgi-public 1 OS_KEYSTONE_CONFIG_FILES="$ETC/keystone/keystone.conf"
  wait_http "http://$UC_HOST:5000/v3" 120 keystone
  say "keystone up"
  # the marker holds the catalog script's checksum: a changed catalog is added to an existing undercloud
  local catalog_sum
  catalog_sum=$(md5sum "$HERE/keystone_catalog.py" | cut -d' ' -f1)
  if [ "$(cat "$DATA/keystone-catalog.done" 2>/dev/null)" != "$catalog_sum" ]; then
    UC_HOST=$UC_HOST UC_REGION=$UC_REGION UC_ADMIN_PASSWORD=$UC_ADMIN_PASSWORD \
      UC_SERVICE_PASSWORD=$UC_SERVICE_PASSWORD $PY "$HERE/keystone_catalog.py" >>"$LOG/keystone-catalog.log" 2>&1 \
      || { tail -20 "$LOG/keystone-catalog.log" >&2; exit 1; }
    echo "$catalog_sum" >"$DATA/keystone-catalog.done"
    say "keystone catalog created or updated"
  fi
}

swift_server_conf() { # kind port
  cat <<EOC
[DEFAULT]
bind_ip = $UC_HOST
bind_port = $2
workers = 0
user = root
swift_dir = $ETC/swift
devices = $DATA/swift
mount_check = false
log_name = $1-server
[pipeline:main]
pipeline = healthcheck recon $1-server
[app:$1-server]
use = egg:swift#$1
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:recon]
use = egg:swift#recon
recon_cache_path = $RUN/swift
EOC
  case $1 in
    account) printf '[account-replicator]\n[account-auditor]\n[account-reaper]\n' ;;
    container) printf '[container-replicator]\n[container-updater]\n[container-auditor]\n[container-sync]\n[container-sharder]\n' ;;
    object) printf '[object-replicator]\n[object-updater]\n[object-auditor]\n[object-reconstructor]\n' ;;
  esac
}

start_swift() {
  local s=$ETC/swift kind port
  mkdir -p "$s" "$DATA/swift/d1" "$RUN/swift"
  printf '[swift-hash]\nswift_hash_path_suffix = tripleo-undercloud\nswift_hash_path_prefix = tripleo-undercloud\n[storage-policy:0]\nname = Policy-0\ndefault = yes\n' >"$s/swift.conf"
  for kp in account:6202 container:6201 object:6200; do
    kind=${kp%:*}; port=${kp#*:}
    swift_server_conf "$kind" "$port" >"$s/$kind-server.conf"
    if [ ! -f "$s/$kind.ring.gz" ]; then
      (cd "$s" && swift-ring-builder "$kind.builder" create 10 1 1 &&
        swift-ring-builder "$kind.builder" add "r1z1-$UC_HOST:$port/d1" 100 &&
        swift-ring-builder "$kind.builder" rebalance) >>"$LOG/swift-rings.log" 2>&1 || true
      [ -f "$s/$kind.ring.gz" ] || { echo "could not build the $kind ring, see $LOG/swift-rings.log" >&2; exit 1; }
    fi
  done
  cat >"$s/proxy-server.conf" <<EOC
[DEFAULT]
bind_ip = $UC_HOST
bind_port = 8080
workers = 0
user = root
swift_dir = $s
log_name = proxy-server
[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging listing_formats bulk tempurl formpost authtoken keystoneauth copy container-quotas account-quotas slo dlo versioned_writes proxy-logging proxy-server
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true
[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:bulk]
use = egg:swift#bulk
[filter:tempurl]
use = egg:swift#tempurl
[filter:formpost]
use = egg:swift#formpost
[filter:copy]
use = egg:swift#copy
[filter:container-quotas]
use = egg:swift#container_quotas
[filter:account-quotas]
use = egg:swift#account_quotas
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
[filter:versioned_writes]
use = egg:swift#versioned_writes
allow_versioned_writes = true
[filter:keystoneauth]
use = egg:swift#keystoneauth
operator_roles = admin, member, swiftoperator
reseller_admin_role = ResellerAdmin
[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
delay_auth_decision = true
$(keystone_authtoken swift | tail -n +2)
EOC
  for kind in account container object; do
    start_daemon "swift-$kind" "swift-$kind-server" "$s/$kind-server.conf" --verbose
  done
  start_daemon swift-proxy swift-proxy-server "$s/proxy-server.conf" --verbose
}

start_mistral() {
  mkdir -p "$ETC/mistral"
  cat >"$ETC/mistral/mistral.conf" <<EOC
[DEFAULT]
transport_url = fake:/
use_stderr = true
[api]
host = $UC_HOST
port = 8989
api_workers = 1
[database]
connection = sqlite:///$DATA/mistral.sqlite
[engine]
# a plan's files map is larger than the default 1 MB per stored field
execution_field_size_limit_kb = 16384
[pecan]
auth_enable = true
[oslo_messaging_notifications]
driver = noop
[execution_expiration_policy]
evaluation_interval = 0
[cron_trigger]
enabled = false
$(keystone_authtoken mistral)
EOC
  if [ ! -f "$DATA/mistral.done" ]; then
    # Mistral's alembic migrations cannot ALTER constraints on sqlite: create the schema from the
    # models, then stamp it as current and load the standard actions.
    { $PY -c "import sys
from mistral import config
config.parse_args(['--config-file', sys.argv[1]])
from mistral.db.v2 import api
api.setup_db()" "$ETC/mistral/mistral.conf"
      mistral-db-manage --config-file "$ETC/mistral/mistral.conf" stamp head
      mistral-db-manage --config-file "$ETC/mistral/mistral.conf" populate
    } >>"$LOG/mistral-db-manage.log" 2>&1 || { tail -20 "$LOG/mistral-db-manage.log" >&2; exit 1; }
    wal "$DATA/mistral.sqlite"
    touch "$DATA/mistral.done"
    say "mistral database created"
  fi
  start_daemon mistral $PY "$HERE/mistral_all.py" --config-file "$ETC/mistral/mistral.conf"
}

start_heat() {
  mkdir -p "$ETC/heat"
  cat >"$ETC/heat/heat.conf" <<EOC
[DEFAULT]
transport_url = fake:/
use_stderr = true
host = undercloud
num_engine_workers = 1
region_name_for_services = $UC_REGION
heat_metadata_server_url = http://$UC_HOST:8000
heat_waitcondition_server_url = http://$UC_HOST:8000/v1/waitcondition
convergence_engine = true
max_template_size = 5242880
max_json_body_size = 20971520
max_nested_stack_depth = 10
[heat_all]
enabled_services = api,engine
[heat_api]
bind_host = $UC_HOST
bind_port = 8004
workers = 1
[database]
connection = sqlite:///$DATA/heat.sqlite
[paste_deploy]
api_paste_config = /etc/heat/api-paste.ini
[oslo_messaging_notifications]
driver = noop
[clients_keystone]
auth_uri = http://$UC_HOST:5000
[trustee]
auth_type = password
auth_url = http://$UC_HOST:5000
username = heat
password = $UC_SERVICE_PASSWORD
user_domain_name = Default
[ec2authtoken]
auth_uri = http://$UC_HOST:5000/v3
$(keystone_authtoken heat)
EOC
  if [ ! -f "$DATA/heat.done" ]; then
    heat-manage --config-file "$ETC/heat/heat.conf" db_sync >>"$LOG/heat-manage.log" 2>&1 \
      || { tail -20 "$LOG/heat-manage.log" >&2; exit 1; }
    wal "$DATA/heat.sqlite"
    touch "$DATA/heat.done"
    say "heat database created"
  fi
  # API and engine in one process so that the in-memory transport connects them (no RabbitMQ)
  start_daemon heat heat-all --config-file "$ETC/heat/heat.conf"
}

start_ironic() {
  mkdir -p "$ETC/ironic"
  local inspect=fake,no-inspect
  uc_has inspector && inspect=$inspect,inspector
  cat >"$ETC/ironic/ironic.conf" <<EOC
[DEFAULT]
use_stderr = true
host = undercloud
auth_strategy = keystone
# API and conductor in one process: no message bus at all
rpc_transport = none
enabled_hardware_types = fake-hardware
enabled_bios_interfaces = fake,no-bios
enabled_boot_interfaces = fake
enabled_console_interfaces = fake,no-console
enabled_deploy_interfaces = fake
enabled_inspect_interfaces = $inspect
enabled_management_interfaces = fake
enabled_network_interfaces = noop
enabled_power_interfaces = fake
enabled_raid_interfaces = fake,no-raid
enabled_rescue_interfaces = fake,no-rescue
enabled_storage_interfaces = fake,noop
enabled_vendor_interfaces = fake,no-vendor
default_inspect_interface = fake
[api]
host_ip = $UC_HOST
port = 6385
api_workers = 1
[conductor]
automated_clean = false
[dhcp]
dhcp_provider = none
[database]
connection = sqlite:///$DATA/ironic.sqlite
[oslo_messaging_notifications]
driver = noop
[inspector]
# ironic asks inspector for finished introspections this often (default 60 s)
status_check_period = 5
auth_type = password
auth_url = http://$UC_HOST:5000
username = ironic
password = $UC_SERVICE_PASSWORD
project_name = service
user_domain_name = Default
project_domain_name = Default
$(keystone_authtoken ironic)
EOC
  if [ ! -f "$DATA/ironic.done" ]; then
    ironic-dbsync --config-file "$ETC/ironic/ironic.conf" create_schema >>"$LOG/ironic-dbsync.log" 2>&1 \
      || { tail -20 "$LOG/ironic-dbsync.log" >&2; exit 1; }
    wal "$DATA/ironic.sqlite"
    touch "$DATA/ironic.done"
    say "ironic database created"
  fi
  start_daemon ironic ironic --config-file "$ETC/ironic/ironic.conf"
}

start_inspector() {
  mkdir -p "$ETC/inspector" "$DATA/inspector-ramdisk-logs"
  cat >"$ETC/inspector/inspector.conf" <<EOC
[DEFAULT]
use_stderr = true
host = undercloud
auth_strategy = keystone
listen_address = $UC_HOST
listen_port = 5050
# API and conductor in one process, connected by the in-memory transport
standalone = true
transport_url = fake:/
[database]
connection = sqlite:///$DATA/inspector.sqlite
[pxe_filter]
driver = noop
[processing]
store_data = database
add_ports = all
ramdisk_logs_dir = $DATA/inspector-ramdisk-logs
[ironic]
auth_type = password
auth_url = http://$UC_HOST:5000
username = ironic-inspector
password = $UC_SERVICE_PASSWORD
project_name = service
user_domain_name = Default
project_domain_name = Default
region_name = $UC_REGION
$(keystone_authtoken ironic-inspector)
EOC
  if [ ! -f "$DATA/inspector.done" ]; then
    ironic-inspector-dbsync --config-file "$ETC/inspector/inspector.conf" upgrade >>"$LOG/inspector-dbsync.log" 2>&1 \
      || { tail -20 "$LOG/inspector-dbsync.log" >&2; exit 1; }
    wal "$DATA/inspector.sqlite"
    touch "$DATA/inspector.done"
    say "ironic-inspector database created"
  fi
  start_daemon inspector ironic-inspector --config-file "$ETC/inspector/inspector.conf"
}

start_glance() {
  mkdir -p "$ETC/glance" "$DATA/glance/images" "$DATA/glance/staging"
  cat >"$ETC/glance/glance-api.conf" <<EOC
[DEFAULT]
use_stderr = true
bind_host = $UC_HOST
bind_port = 9292
workers = 1
enabled_backends = local:file
# the interoperable-import staging area; uploads here go straight to the store (PUT .../file)
node_staging_uri = file://$DATA/glance/staging
[glance_store]
default_backend = local
[local]
filesystem_store_datadir = $DATA/glance/images
[os_glance_staging_store]
filesystem_store_datadir = $DATA/glance/staging
[os_glance_tasks_store]
filesystem_store_datadir = $DATA/glance/tasks
[database]
connection = sqlite:///$DATA/glance.sqlite
[paste_deploy]
flavor = keystone
config_file = $ETC/glance/glance-api-paste.ini
[oslo_concurrency]
lock_path = $RUN/glance
[oslo_messaging_notifications]
driver = noop
$(keystone_authtoken glance)
EOC
  if [ ! -f "$DATA/glance.done" ]; then
    glance-manage --config-file "$ETC/glance/glance-api.conf" db_sync >>"$LOG/glance-manage.log" 2>&1 \
      || { tail -20 "$LOG/glance-manage.log" >&2; exit 1; }
    wal "$DATA/glance.sqlite"
    touch "$DATA/glance.done"
    say "glance database created"
  fi
  # one uwsgi worker instead of glance-api's parent plus forked worker (half the memory). uwsgi's
  # http-socket does not decode chunked request bodies: uploads must send Content-Length.
  cp /etc/glance/glance-api-paste.ini "$ETC/glance/"
  start_uwsgi glance 9292 /usr/bin/glance-wsgi-api 4 OS_GLANCE_CONFIG_DIR="$ETC/glance"
}

# Only Nova's API: flavors live in its API database, so no conductor, scheduler, compute or placement
# is needed; nothing here boots a server.
start_nova() {
  mkdir -p "$ETC/nova" "$RUN/nova"
  cat >"$ETC/nova/nova.conf" <<EOC
[DEFAULT]
use_stderr = true
host = undercloud
state_path = $DATA/nova
enabled_apis = osapi_compute
osapi_compute_listen = $UC_HOST
osapi_compute_listen_port = 8774
osapi_compute_workers = 1
transport_url = fake:/
[api]
auth_strategy = keystone
[api_database]
connection = sqlite:///$DATA/nova_api.sqlite
[database]
connection = sqlite:///$DATA/nova.sqlite
[wsgi]
api_paste_config = $ETC/nova/api-paste.ini
[oslo_concurrency]
lock_path = $RUN/nova
[oslo_messaging_notifications]
driver = noop
[glance]
api_servers = http://$UC_HOST:9292
$(keystone_authtoken nova)
EOC
  if [ ! -f "$DATA/nova.done" ]; then
    { nova-manage --config-file "$ETC/nova/nova.conf" api_db sync
      nova-manage --config-file "$ETC/nova/nova.conf" db sync --local_cell
    } >>"$LOG/nova-manage.log" 2>&1 || { tail -20 "$LOG/nova-manage.log" >&2; exit 1; }
    wal "$DATA/nova_api.sqlite"; wal "$DATA/nova.sqlite"
    touch "$DATA/nova.done"
    say "nova databases created"
  fi
  cp /etc/nova/api-paste.ini "$ETC/nova/api-paste.ini"
  start_uwsgi nova 8774 /usr/bin/nova-api-wsgi 1 OS_NOVA_CONFIG_DIR="$ETC/nova"
}

uc_has keystone && start_keystone
uc_has swift && start_swift
uc_has mistral && start_mistral
uc_has heat && start_heat
uc_has ironic && start_ironic
uc_has inspector && start_inspector
uc_has glance && start_glance
uc_has nova && start_nova

uc_has swift && { wait_http "http://$UC_HOST:8080/healthcheck" 60 swift-proxy; say "swift up"; }
uc_has mistral && { wait_http "http://$UC_HOST:8989/" 180 mistral; say "mistral up"; }
uc_has heat && { wait_http "http://$UC_HOST:8004/" 180 heat; say "heat up"; }
uc_has ironic && { wait_http "http://$UC_HOST:6385/" 180 ironic; say "ironic up"; }
uc_has inspector && { wait_http "http://$UC_HOST:5050/" 180 inspector; say "ironic-inspector up"; }
uc_has glance && { wait_http "http://$UC_HOST:9292/" 180 glance; say "glance up"; }
uc_has nova && { wait_http "http://$UC_HOST:8774/" 180 nova; say "nova-api up"; }
say "undercloud ready (state in $UC_DIR)"
