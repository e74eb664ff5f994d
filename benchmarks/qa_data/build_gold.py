"""Compute the gold answers of a hand-written question set from its structured queries, with plain Python.

A set ``NAME`` (``atlas``, the default, or ``helix``) is three files beside this script: ``NAME.tsv``
(the graph), ``NAME_nodes.csv`` (node labels) and ``NAME_questions.jsonl``. Every question carries a
``query`` beside its text; this script evaluates each query over the graph and writes the result into
``answers``, so the gold never depends on kgreason's own code. Query forms:

- ``{"op": "path", "from": ID, "steps": [[REL, "out"|"in"], ...]}``: the nodes reached by following the
  steps from ``ID`` (``out`` follows ``head -REL-> tail``, ``in`` the other way), minus ``ID`` itself;
- ``{"op": "and", "parts": [Q, ...]}``: the intersection of the parts;
- ``{"op": "filter_label", "of": Q, "label": L}``: the nodes of ``Q`` labelled ``L``;
- ``{"op": "count", "of": Q}``: ``[str(len(Q))]``;
- ``{"op": "ask", "of": Q, "target": ID}``: ``["yes"]`` if ``ID`` is in ``Q``, else ``["no"]``.

It fails (exit 1, one line per problem) when a question's answer set is empty (a yes/no "no" is not
empty), when an id in ``entities``, ``topic_entity`` or the query is not a node, when a relation is
unknown, or when a field is missing or malformed.

    python benchmarks/qa_data/build_gold.py                      # rewrite the Atlas answers in place
    python benchmarks/qa_data/build_gold.py --check              # only check that they are current
    python benchmarks/qa_data/build_gold.py --set helix --check  # the same for another set
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_SET = "atlas"
TSV = HERE / "atlas.tsv"
NODES = HERE / "atlas_nodes.csv"
QUESTIONS = HERE / "atlas_questions.jsonl"

TYPES = ("one_hop", "inverse_one_hop", "two_hop", "three_hop", "constraint", "count", "yes_no")
FORMS = ("single", "list", "count", "yes_no")
FIELDS = ("id", "question", "type", "split", "form", "answer_type", "topic_entity", "entities", "query")


class GoldError(Exception):
    """A question whose gold cannot be computed or is invalid."""


def set_names() -> list[str]:
    """The question sets present here: every ``NAME`` with ``NAME.tsv``, ``NAME_nodes.csv`` and questions."""
    return sorted(
        p.stem
        for p in HERE.glob("*.tsv")
        if (HERE / f"{p.stem}_nodes.csv").is_file() and (HERE / f"{p.stem}_questions.jsonl").is_file()
    )


def set_paths(name: str = DEFAULT_SET) -> tuple[Path, Path, Path]:
    """``(tsv, nodes_csv, questions_jsonl)`` of the set ``name``; GoldError if one is missing."""
    paths = (HERE / f"{name}.tsv", HERE / f"{name}_nodes.csv", HERE / f"{name}_questions.jsonl")
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise GoldError(f"question set {name!r}: missing {', '.join(missing)} in {HERE}")
    return paths


class Atlas:
    """The graph of a question set (named after the first one) as adjacency maps: ``out[rel][head]`` and ``into[rel][tail]`` are sets of node ids."""

    @classmethod
    def of_set(cls, name: str = DEFAULT_SET) -> Atlas:
        tsv, nodes, _ = set_paths(name)
        return cls(tsv, nodes)

    def __init__(self, tsv: Path = TSV, nodes: Path = NODES) -> None:
        self.labels: dict[str, str] = {}
        with nodes.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                self.labels[row["id"]] = row["labels"]
        self.out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.into: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.triples: list[tuple[str, str, str]] = []
        with tsv.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                head, rel, tail = line.rstrip("\n").split("\t")
                for end in (head, tail):
                    if end not in self.labels:
                        raise GoldError(f"{tsv.name}:{number}: {end!r} is not in {nodes.name}")
                self.triples.append((head, rel, tail))
                self.out[rel][head].add(tail)
                self.into[rel][tail].add(head)

    @property
    def relations(self) -> set[str]:
        return set(self.out)

    def node(self, node_id: Any) -> str:
        if not isinstance(node_id, str) or node_id not in self.labels:
            raise GoldError(f"{node_id!r} is not a node")
        return node_id

    def evaluate(self, query: Any) -> set[str]:
        """The node set (or, for count/ask, the one-element answer set) ``query`` denotes."""
        if not isinstance(query, dict) or "op" not in query:
            raise GoldError(f"not a query: {query!r}")
        op = query["op"]
        if op == "path":
            start = self.node(query["from"])
            frontier = {start}
            for step in query["steps"]:
                rel, direction = step
                if rel not in self.relations:
                    raise GoldError(f"unknown relation {rel!r}")
                table = {"out": self.out, "in": self.into}.get(direction)
                if table is None:
                    raise GoldError(f"direction must be 'out' or 'in', not {direction!r}")
                frontier = set().union(*(table[rel].get(n, set()) for n in frontier))
            return frontier - {start}
        if op == "and":
            parts = [self.evaluate(p) for p in query["parts"]]
            if len(parts) < 2:
                raise GoldError("'and' needs at least two parts")
            return set.intersection(*parts)
        if op == "filter_label":
            return {n for n in self.evaluate(query["of"]) if self.labels[n] == query["label"]}
        if op == "count":
            return {str(len(self.evaluate(query["of"])))}
        if op == "ask":
            return {"yes" if self.node(query["target"]) in self.evaluate(query["of"]) else "no"}
        raise GoldError(f"unknown op {op!r}")

    def entities_in(self, query: Any) -> list[str]:
        """Every node id a query names (its ``from`` and ``target`` fields, recursively)."""
        found: list[str] = []
        if isinstance(query, dict):
            for key in ("from", "target"):
                if key in query:
                    found.append(query[key])
            for key in ("of",):
                if key in query:
                    found += self.entities_in(query[key])
            for part in query.get("parts", []):
                found += self.entities_in(part)
        return found


def gold(atlas: Atlas, q: dict[str, Any]) -> list[str]:
    """Check one question's fields and return its sorted gold answers."""
    for name in FIELDS:
        if name not in q:
            raise GoldError(f"missing field {name!r}")
    if q["type"] not in TYPES:
        raise GoldError(f"unknown type {q['type']!r}")
    if q["form"] not in FORMS:
        raise GoldError(f"unknown form {q['form']!r}")
    if q["split"] not in ("dev", "test"):
        raise GoldError(f"split must be dev or test, not {q['split']!r}")
    if not isinstance(q["entities"], list) or not q["entities"]:
        raise GoldError("'entities' must be a non-empty list")
    for node_id in [q["topic_entity"], *q["entities"], *atlas.entities_in(q["query"])]:
        atlas.node(node_id)
    if q["topic_entity"] not in q["entities"]:
        raise GoldError("topic_entity is not among entities")
    answers = sorted(atlas.evaluate(q["query"]))
    if not answers:
        raise GoldError("empty answer set")
    op = q["query"]["op"]
    if (q["form"] == "count") != (op == "count") or (q["form"] == "yes_no") != (op == "ask"):
        raise GoldError(f"form {q['form']!r} does not match query op {op!r}")
    if q["form"] == "single" and len(answers) != 1:
        raise GoldError(f"a single-answer question has {len(answers)} answers: {answers}")
    if q["form"] == "list" and not 2 <= len(answers) <= 8:
        raise GoldError(f"a list question has {len(answers)} answers (want 2-8): {answers}")
    if q["form"] in ("single", "list"):
        wrong = sorted({atlas.labels[a] for a in answers} - {q["answer_type"]})
        if wrong:
            raise GoldError(f"answers labelled {wrong}, answer_type says {q['answer_type']!r}")
    return answers


def read_questions(path: Path = QUESTIONS) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def build(atlas: Atlas, questions: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Questions with ``answers`` recomputed, and one message per invalid question."""
    problems: list[str] = []
    seen: set[str] = set()
    built = []
    for q in questions:
        qid = q.get("id", "?")
        if qid in seen:
            problems.append(f"{qid}: duplicate id")
        seen.add(qid)
        try:
            answers = gold(atlas, q)
        except (GoldError, KeyError, TypeError, ValueError) as exc:
            problems.append(f"{qid}: {exc}")
            answers = []
        built.append({**{k: q[k] for k in FIELDS if k in q}, "answers": answers})
    return built, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="check only; write nothing")
    parser.add_argument(
        "--set",
        default=DEFAULT_SET,
        dest="name",
        help=f"question set: {', '.join(set_names())} (default {DEFAULT_SET})",
    )
    args = parser.parse_args(argv)
    try:
        tsv, nodes, questions_path = set_paths(args.name)
        atlas = Atlas(tsv, nodes)
    except GoldError as exc:
        print(exc, file=sys.stderr)
        return 1
    questions = read_questions(questions_path)
    built, problems = build(atlas, questions)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{len(problems)} invalid question(s); nothing written", file=sys.stderr)
        return 1
    if args.check:
        stale = [q["id"] for q, b in zip(questions, built, strict=True) if q.get("answers") != b["answers"]]
        if stale:
            print(f"stale answers: {', '.join(stale)} (run build_gold.py)", file=sys.stderr)
            return 1
        print(f"{len(built)} questions: gold is current")
        return 0
    text = "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in built)
    questions_path.write_text(text, encoding="utf-8")
    print(f"{len(built)} questions written to {questions_path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
