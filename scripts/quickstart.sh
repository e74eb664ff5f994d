#!/usr/bin/env bash
# Install kgreason (core + the llama.cpp runtime; no torch) and run the main job on the embedded (memory)
# store: load a graph, inspect it, find paths, answer questions with cited evidence (retrieve and multihop
# strategies, with the bundled offline model on hand; they call it only where it measurably helps), and
# check a medication list with the ddi pack.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh llm
kgr=.venv/bin/kgr
export KGR_HOME="${KGR_HOME:-$HOME/.kgreason}"
$kgr graph load examples/data/family.tsv --graph family
$kgr graph stats --graph family --json
$kgr graph schema --graph family
echo "paths alice -> france:"
$kgr graph paths alice france --graph family
echo "question answered from the graph with cited evidence (the bundled model is installed; the graph settles this one, so it is not called):"
$kgr ask "Where is the company that alice works at located?" --graph family
echo "the same question, hop by hop (multihop strategy, explore mode):"
$kgr ask "Where is the company that alice works at located?" --graph family --strategy multihop --mode explore
echo "drug-drug interactions in a medication list (ddi pack; brand names and typos are resolved):"
$kgr ddi check simvastatin Biaxin warfarin aspirin
