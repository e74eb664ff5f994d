"""Check a hand-written set of questions the graph cannot answer (``NAME_unanswerable.jsonl``).

Each line asks about a question set's graph (``NAME.tsv``, ``NAME_nodes.csv``) for something it does not
hold, so the right reply is "not found". Fields:

- ``id``, ``question``, ``split`` (``dev``/``test``, alternating in file order within each kind);
- ``kind``:
  - ``absent_edge``: a fact of a kind the graph records (its relation exists) that it lacks for this
    entity ("Who is X married to?" where X has no spouse); ``asks`` is the query of what the question asks
    (``build_gold.py``'s forms), which must find nothing;
  - ``absent_relation``: a kind of fact the graph never records ("What is X's shoe size?"); ``missing``
    says what, in a few words;
  - ``unknown_entity``: a thing the graph does not have ("Where was <a name no node has> born?");
    ``unknown`` is that name as the question says it, which no node's id may equal (case-insensitively);
- ``entities``: the node ids the question names (empty only for ``unknown_entity``).

    python benchmarks/qa_data/check_unanswerable.py --set circuit
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from build_gold import HERE, Atlas, GoldError

KINDS = ("absent_edge", "absent_relation", "unknown_entity")
FIELDS = ("id", "question", "split", "kind", "entities")


def unanswerable_path(name: str) -> Path:
    return HERE / f"{name}_unanswerable.jsonl"


def read(name: str) -> list[dict[str, Any]]:
    with unanswerable_path(name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def check_one(atlas: Atlas, q: dict[str, Any], names: set[str]) -> None:
    """Raise GoldError when ``q`` is malformed or the graph answers it after all."""
    for field in FIELDS:
        if field not in q:
            raise GoldError(f"missing field {field!r}")
    if q["kind"] not in KINDS:
        raise GoldError(f"unknown kind {q['kind']!r}")
    if q["split"] not in ("dev", "test"):
        raise GoldError(f"split must be dev or test, not {q['split']!r}")
    if not isinstance(q["entities"], list) or (not q["entities"] and q["kind"] != "unknown_entity"):
        raise GoldError("'entities' must be a non-empty list")
    for node_id in q["entities"]:
        atlas.node(node_id)
    if q["kind"] == "absent_edge":
        asks = q.get("asks")
        for node_id in atlas.entities_in(asks):
            atlas.node(node_id)
        found = atlas.evaluate(asks)
        if found and found != {"no"}:
            raise GoldError(f"the graph answers it: {sorted(found)[:5]}")
    elif q["kind"] == "absent_relation":
        if not isinstance(q.get("missing"), str) or not q["missing"].strip():
            raise GoldError("'missing' must say what kind of fact the graph lacks")
    else:
        unknown = q.get("unknown")
        if not isinstance(unknown, str) or unknown.lower() not in q["question"].lower():
            raise GoldError("'unknown' must be the name as the question says it")
        if unknown.lower() in names:
            raise GoldError(f"{unknown!r} is a node")


def check(name: str) -> list[str]:
    atlas = Atlas.of_set(name)
    names = {n.lower() for n in atlas.labels}
    problems: list[str] = []
    seen: set[str] = set()
    last_split: dict[str, str] = {}
    for q in read(name):
        qid = q.get("id", "?")
        if qid in seen:
            problems.append(f"{qid}: duplicate id")
        seen.add(qid)
        try:
            check_one(atlas, q, names)
        except (GoldError, KeyError, TypeError, ValueError) as exc:
            problems.append(f"{qid}: {exc}")
            continue
        want = "test" if last_split.get(q["kind"]) == "dev" else "dev"
        if q["split"] != want:
            problems.append(f"{qid}: split should be {want} (dev and test alternate within each kind)")
        last_split[q["kind"]] = q["split"]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", required=True)
    args = parser.parse_args(argv)
    problems = check(args.set)
    for line in problems:
        print(line)
    if not problems:
        print(f"{len(read(args.set))} unanswerable questions: ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
