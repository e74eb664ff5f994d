#!/usr/bin/env bash
# Install kgreason and run the main job on the embedded (memory) store: load a graph, inspect it, find
# paths, and answer a question with cited evidence using the bundled offline model.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
kgr=.venv/bin/kgr
export KGR_HOME="${KGR_HOME:-$HOME/.kgreason}"
$kgr graph load examples/data/family.tsv --graph family
$kgr graph stats --graph family --json
$kgr graph schema --graph family
echo "paths alice -> france:"
$kgr graph paths alice france --graph family
echo "question answered from the graph with cited evidence (bundled offline model):"
$kgr ask "Where is the company that alice works at located?" --graph family
