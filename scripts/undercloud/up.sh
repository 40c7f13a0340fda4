#!/usr/bin/env bash
# Install what is missing, then start every service (both steps are idempotent).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
bash "$HERE/install.sh"
bash "$HERE/start.sh"
