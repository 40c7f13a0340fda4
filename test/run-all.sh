#!/usr/bin/env bash
# `npm test`: builds once, lints, then runs every tier (even after a failing one) and fails if any failed.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
[ -d node_modules/yaml ] || npm ci --no-audit --no-fund
npx tsc -p . --noEmit || { echo "typecheck: 0 passed, 1 failed"; exit 1; }
node scripts/build.mjs || exit 1
failed=()
# the layer rules and the formatting, before any test (scripts/lint.mjs)
echo "=== lint"
node scripts/lint.mjs || failed+=(lint)
for tier in ${TEST_TIERS:-unit integration corpus faults exthost ui}; do
  echo "=== $tier tests"
  SKIP_BUILD=1 bash test/run-tier.sh "$tier" || failed+=("$tier")
done
if [ ${#failed[@]} -gt 0 ]; then echo "tiers that failed: ${failed[*]}"; exit 1; fi
echo "all tiers passed"
