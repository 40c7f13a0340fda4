#!/usr/bin/env bash
# Runs one test tier and ends with its "N passed, N failed" line.
#   test/run-tier.sh unit|integration|corpus|faults|exthost|ui      (SKIP_BUILD=1 to reuse out/ and dist/)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TIER=${1:?tier}
export TEST_TIER=$TIER
if [ -z "${SKIP_BUILD:-}" ]; then node scripts/build.mjs || { echo "$TIER: 0 passed, 1 failed"; exit 1; }; fi
mkdir -p test-results
MOCHA="node_modules/.bin/mocha --reporter test/support/summaryReporter.js --enable-source-maps"

ensure_undercloud() {
  if ! bash scripts/undercloud/status.sh >/dev/null 2>&1; then
    echo "starting the undercloud for the $TIER tests"
    bash scripts/undercloud/up.sh || { echo "$TIER: 0 passed, 1 failed"; exit 1; }
  fi
}
ensure_vscode() {
  bash scripts/vscode/install.sh >/dev/null || { echo "$TIER: 0 passed, 1 failed"; exit 1; }
}

case $TIER in
  unit)
    $MOCHA --timeout 10000 'out/test/unit/**/*.test.js' ;;
  integration)
    ensure_undercloud
    $MOCHA --timeout 120000 'out/test/integration/**/*.test.js' ;;
  exthost)
    ensure_undercloud; ensure_vscode
    node test/support/exthost.js ;;
  corpus)
    # released tripleo-heat-templates trees (test/support/corpus.ts): rendering, plans, lint
    ensure_undercloud
    $MOCHA --timeout 600000 'out/test/corpus/**/*.test.js' ;;
  faults)
    # stops and kills the undercloud's services on purpose, and always restores them
    ensure_undercloud
    $MOCHA --timeout 600000 'out/test/faults/**/*.test.js' ;;
  ui)
    ensure_undercloud; ensure_vscode
    $MOCHA --timeout 120000 'out/test/ui/**/*.test.js' ;;
  *) echo "unknown tier $TIER (unit, integration, corpus, faults, exthost, ui)" >&2; exit 2 ;;
esac
