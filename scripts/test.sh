#!/usr/bin/env bash
# Install kgreason with test extras, fetch the Neo4j jars, and run the whole test suite
# (it starts one real local Neo4j for the session). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
bash neo4j-server/fetch.sh
.venv/bin/python -m pytest -q -m "not gpu" "$@"
