#!/usr/bin/env bash
# CTest entry of the browser test: installs playwright-core from the lock file when
# node_modules is missing (never a browser: Debian's /usr/bin/chromium is used), then runs it.
#   run.sh WEB_DEVSERVER [KIRA_BIN] [SHOTS_DIR] [TEST_FILE (default workspace.test.mjs)]
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x /usr/bin/chromium ]; then
  echo "browser test: /usr/bin/chromium is missing (scripts/deps.sh installs it)" >&2
  exit 1
fi
if [ ! -d node_modules/playwright-core ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --offline --no-audit --no-fund \
    || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi
export KIRA_DEVSERVER="$1"
export KIRA_BIN="${2:-}"
export KIRA_SHOTS="${3:-$PWD/shots}"
exec node "${4:-workspace.test.mjs}"
