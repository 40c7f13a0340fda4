#!/usr/bin/env bash
# The demo in one command: installs what is missing, starts the undercloud, builds the extension and
# opens it in code-server on 127.0.0.1 with samples/overcloud-lite as the workspace, already
# connected to the local undercloud. Prints the URL; `npm run stop` stops code-server.
#   PORT=18080 npm start
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PORT=${PORT:-18080}
RUN=$ROOT/.cache/demo
[ -d node_modules/yaml ] || npm ci --no-audit --no-fund
bash scripts/undercloud/up.sh
bash scripts/vscode/install.sh
node scripts/build.mjs --no-tests
mkdir -p "$ROOT/.cache"
CLOUDS=$ROOT/.cache/clouds.yaml
node scripts/undercloud/env.mjs --clouds-yaml "$CLOUDS" >/dev/null
# OS_CLOUD makes the extension connect on start, as openstackclient would with the same variables;
# TRIPLEO_OPEN_WALKTHROUGH shows the first-deployment walkthrough
LINK_EXTENSION=1 CODE_SERVER_ENV="OS_CLIENT_CONFIG_FILE=$CLOUDS OS_CLOUD=undercloud TRIPLEO_OPEN_WALKTHROUGH=1" \
  bash scripts/vscode/start.sh "$RUN" "$PORT" "$ROOT/samples/overcloud-lite"
echo
echo "VS Code with the TripleO extension: http://127.0.0.1:$PORT/?folder=$ROOT/samples/overcloud-lite"
echo "(stop it with: npm run stop; the undercloud keeps running until: npm run undercloud:down)"
