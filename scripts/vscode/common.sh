# Settings shared by the code-server scripts (sourced, not run).
PROJECT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.100.3}
CODE_SERVER_DIR=${CODE_SERVER_DIR:-$PROJECT_ROOT/.cache/code-server}
CODE_SERVER_BIN=$CODE_SERVER_DIR/node_modules/.bin/code-server
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
