#!/usr/bin/env bash
# mypy --strict over src/kgreason (config in pyproject.toml), with every extra installed (.venv), and with
# --core also on a core-only install (no torch, transformers, xllamacpp, langchain, notebook packages): a
# separate venv, created on first use under $KGR_CORE_VENV (default: a folder in the temp directory).
# Usage: bash scripts/typecheck.sh [--core]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "mypy --strict, all extras (.venv)"
.venv/bin/python -m mypy --strict src/kgreason
if [ "${1:-}" = "--core" ]; then
  core="${KGR_CORE_VENV:-${TMPDIR:-/tmp}/kgreason-core-venv}"
  if [ ! -x "$core/bin/mypy" ]; then
    "${PYTHON:-python3}" -m venv "$core"
    "$core/bin/python" -m pip install -q -e . mypy
  fi
  echo "mypy --strict, core install ($core)"
  "$core/bin/python" -m mypy --strict src/kgreason
fi
