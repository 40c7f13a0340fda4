#!/usr/bin/env bash
# Install a real VS Code for running and testing the extension, offline-safe:
#   - Debian packages: chromium (Playwright drives it), libkrb5-dev + pkg-config (code-server's
#     kerberos module compiles), ripgrep (seeds @vscode/ripgrep's download cache)
#   - code-server (VS Code $CODE_VERSION) from the npm registry into $CODE_SERVER_DIR (not global)
# Idempotent: does nothing when everything is present.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v rg >/dev/null || need+=(ripgrep)
dpkg-query -W -f='${Status}' libkrb5-dev 2>/dev/null | grep -q 'ok installed' || need+=(libkrb5-dev)
command -v pkg-config >/dev/null || need+=(pkg-config)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi

if [ -x "$CODE_SERVER_BIN" ] && [ "$(node -p "require('$CODE_SERVER_DIR/node_modules/code-server/package.json').version" 2>/dev/null)" = "$CODE_SERVER_VERSION" ]; then
  echo "code-server $CODE_SERVER_VERSION already installed in $CODE_SERVER_DIR"; exit 0
fi
t0=$(date +%s)
mkdir -p "$CODE_SERVER_DIR"
cd "$CODE_SERVER_DIR"
[ -f package.json ] || echo '{"name":"tripleo-code-server","private":true}' >package.json
# @vscode/ripgrep (pinned by code-server 4.100) downloads rg from GitHub in its postinstall; this
# machine has no such network, so its download cache is seeded with Debian's rg.
RG_CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
RG_TGZ="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$RG_TGZ" ]; then
  mkdir -p "$RG_CACHE"; t=$(mktemp -d); cp "$(command -v rg)" "$t/rg"; tar czf "$RG_TGZ" -C "$t" rg; rm -rf "$t"
fi
# - yes=true: node-pty's postinstall runs `npx node-gyp`, which a `yes=false` npmrc aborts
# - build_from_source: argon2/kerberos compile instead of fetching prebuilt binaries from GitHub
# - code-server's install scripts must run (npm 11's allow-scripts would skip them)
# - unsafe-perm: code-server's postinstall insists on it when run as root
LOG_FILE=$CODE_SERVER_DIR/install.log
if ! npm_config_yes=true npm_config_build_from_source=true npm_config_dangerously_allow_all_scripts=true npm_config_loglevel=notice \
  npm install --no-audit --no-fund --unsafe-perm "code-server@$CODE_SERVER_VERSION" >"$LOG_FILE" 2>&1 || [ ! -x "$CODE_SERVER_BIN" ]; then
  echo "code-server did not install; last lines of $LOG_FILE:" >&2; tail -n 30 "$LOG_FILE" >&2; exit 1
fi
echo "code-server $CODE_SERVER_VERSION (VS Code $(node -p "require('$CODE_SERVER_DIR/node_modules/code-server/lib/vscode/package.json').version")) installed in $(( $(date +%s) - t0 ))s"
