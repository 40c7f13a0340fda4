#!/usr/bin/env bash
# Stands in for the desktop "code" executable that @vscode/test-electron's runTests() starts:
# takes the same arguments and runs the suite in code-server's extension host instead.
HERE=$(cd "$(dirname "$0")" && pwd)
EXT="" TESTS="" WS=""
for a in "$@"; do
  case $a in
    --extensionDevelopmentPath=*) EXT=${a#*=} ;;
    --extensionTestsPath=*) TESTS=${a#*=} ;;
    --*) ;;  # --no-sandbox, --user-data-dir=... and the like mean nothing to code-server
    *) [ -z "$WS" ] && WS=$a ;;
  esac
done
[ -n "$EXT" ] && [ -n "$TESTS" ] || { echo "codeLauncher: --extensionDevelopmentPath and --extensionTestsPath are required" >&2; exit 2; }
exec node "$HERE/runExtensionHostTests.mjs" --extension "$EXT" --tests "$TESTS" ${WS:+--workspace "$WS"}
