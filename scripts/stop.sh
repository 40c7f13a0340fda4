#!/usr/bin/env bash
# Stops the code-server that `npm start` started.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
bash "$ROOT/scripts/vscode/stop.sh" "$ROOT/.cache/demo" && echo "code-server stopped"
