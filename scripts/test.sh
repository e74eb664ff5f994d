#!/usr/bin/env bash
# Install kgreason with test extras, fetch the Neo4j jars, and run the whole test suite
# (it starts one real local Neo4j for the session). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
bash neo4j-server/fetch.sh
# The browser test (tests/notebook/test_browser.py) needs headless Chromium: Debian's package, installed
# here when it is missing and we are root (it fails in CI without it, skips elsewhere).
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      chromium fonts-dejavu-core; } >/dev/null 2>&1 || echo "warning: could not install chromium" >&2
fi
.venv/bin/python -m pytest -q -m "not gpu" "$@"
