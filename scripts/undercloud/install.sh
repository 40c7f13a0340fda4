#!/usr/bin/env bash
# Install the undercloud's OpenStack services from Debian's packages, unattended.
# Nothing is configured or started by the packages themselves: start.sh writes
# every config under $UC_DIR. Idempotent: exits quickly when all is installed.
set -euo pipefail

PKGS=(
  keystone uwsgi uwsgi-plugin-python3
  swift swift-proxy swift-account swift-container swift-object python3-keystonemiddleware
  mistral-common
  heat-common heat-api heat-engine
  ironic-common ironic-inspector
  glance-api nova-api
  python3-keystoneclient python3-swiftclient
  python3-jinja2 python3-yaml   # the oracle of the Jinja rendering tests and bench (test/support/render_oracle.py)
  curl jq sqlite3
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && { echo "undercloud packages already installed"; exit 0; }
echo "installing ${#missing[@]} undercloud packages: ${missing[*]}"

export DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true

# Maintainer scripts must not start daemons (no systemd here; invoke-rc.d would
# run sysv scripts). Only remove the policy if we created it.
POLICY=/usr/sbin/policy-rc.d
OWN_POLICY=0
if [ ! -e "$POLICY" ]; then printf '#!/bin/sh\nexit 101\n' >"$POLICY"; chmod 755 "$POLICY"; OWN_POLICY=1; fi
trap '[ "$OWN_POLICY" = 1 ] && rm -f "$POLICY"' EXIT

# The packages' defaults already decline db/rabbit/keystone setup; say so
# explicitly so that a changed default cannot make the install interactive.
if ! command -v debconf-set-selections >/dev/null; then apt-get update -q; fi
apt-get install -y -q --no-install-recommends debconf-utils >/dev/null 2>&1 || { apt-get update -q; apt-get install -y -q --no-install-recommends debconf-utils; }
for q in keystone/configure_db keystone/create-admin-tenant keystone/register-endpoint; do echo "keystone $q boolean false"; done | debconf-set-selections
for svc in mistral-common:mistral heat-common:heat ironic-common:ironic ironic-inspector:ironic-inspector \
    glance-common:glance nova-common:nova; do
  pkg=${svc%%:*}; ns=${svc#*:}
  for q in configure_db configure_rabbit configure_ksat configure_with_debconf configure_api-endpoint; do
    echo "$pkg $ns/$q boolean false"
  done
done | debconf-set-selections
for svc in heat-api:heat glance-api:glance nova-api:nova; do
  echo "${svc%%:*} ${svc#*:}/configure_api-endpoint boolean false"
done | debconf-set-selections

t0=$(date +%s)
[ -n "${SKIP_APT_UPDATE:-}" ] || apt-get update -q
apt-get install -y -q --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
echo "undercloud packages installed in $(( $(date +%s) - t0 ))s"
