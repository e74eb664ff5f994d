"""The hand-written unanswerable questions (``benchmarks/qa_data/<set>_unanswerable.jsonl``) are what they
claim: the graph lacks each fact asked (checked by ``check_unanswerable.py`` with ``build_gold.py``'s own
evaluator, plain Python over the TSV), and ``benchmarks/abstention.py`` counts abstentions as it says."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "benchmarks" / "qa_data"
SETS = sorted(p.name.removesuffix("_unanswerable.jsonl") for p in DATA.glob("*_unanswerable.jsonl"))


def _module(path: Path, name: str) -> ModuleType:
    for folder in (str(path.parent), str(ROOT / "benchmarks")):
        if folder not in sys.path:
            sys.path.insert(0, folder)  # their imports of build_gold and qa_quality, as run as scripts
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


check_unanswerable = _module(DATA / "check_unanswerable.py", "kgr_check_unanswerable")
abstention = _module(ROOT / "benchmarks" / "abstention.py", "kgr_abstention")


def test_there_are_eight_sets_of_thirty() -> None:
    assert len(SETS) >= 8
    assert abstention.unanswerable_sets() == SETS


@pytest.mark.parametrize("name", SETS)
def test_every_unanswerable_question_checks(name: str) -> None:
    assert check_unanswerable.check(name) == []
    rows = check_unanswerable.read(name)
    kinds = [q["kind"] for q in rows]
    assert (kinds.count("absent_edge"), kinds.count("absent_relation"), kinds.count("unknown_entity")) == (
        12,
        12,
        6,
    )
    assert sum(q["split"] == "dev" for q in rows) == 15
    answerable = {q["question"].lower() for q in map(json.loads, (DATA / f"{name}_questions.jsonl").open())}
    assert not answerable & {q["question"].lower() for q in rows}


def test_the_checker_rejects_what_the_graph_answers(tmp_path: Path) -> None:
    atlas = check_unanswerable.Atlas.of_set("circuit")
    names = {n.lower() for n in atlas.labels}
    head, rel, tail = atlas.triples[0]
    answered = {
        "id": "x",
        "question": "?",
        "split": "dev",
        "kind": "absent_edge",
        "entities": [head],
        "asks": {"op": "path", "from": head, "steps": [[rel, "out"]]},
    }
    with pytest.raises(check_unanswerable.GoldError, match="answers it"):
        check_unanswerable.check_one(atlas, answered, names)
    known = {"id": "y", "question": f"Where is {tail}?", "split": "dev", "kind": "unknown_entity"}
    with pytest.raises(check_unanswerable.GoldError, match="is a node"):
        check_unanswerable.check_one(atlas, {**known, "entities": [], "unknown": tail}, names)
    with pytest.raises(check_unanswerable.GoldError, match="missing field"):
        check_unanswerable.check_one(atlas, {"id": "z"}, names)


def test_abstention_counts() -> None:
    def row(answerable: bool, predicted: list[str], exact: bool, kind: str) -> dict[str, Any]:
        return {
            "answerable": answerable,
            "type": kind,
            "predicted": predicted,
            "exact": exact,
            "wrong": bool(predicted) and not exact,
        }

    rows = [
        row(True, ["a"], True, "one_hop"),
        row(True, ["b"], False, "one_hop"),
        row(True, [], False, "two_hop"),
        row(False, [], False, "absent_edge"),
        row(False, ["c"], False, "unknown_entity"),
    ]
    m = abstention.summarise(rows)
    assert (m["answerable_exact"], m["answerable_abstain"]) == (0.3333, 0.3333)
    assert m["unanswerable_abstain"] == 0.5
    assert m["unanswerable_abstain_by_kind"] == {"absent_edge": 1.0, "unknown_entity": 0.0}
    assert (m["right"], m["wrong_asserted"]) == (0.4, 0.4)
