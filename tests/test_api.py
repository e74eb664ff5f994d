"""The Python API end to end on real files: open_graph, the Graph handle, Engine.ask/eval, docstring examples.

The docstring examples of the public modules are executed here (they build their own temporary
``KGR_HOME`` and triples file), so the documentation cannot drift from the code.
"""

from __future__ import annotations

import doctest
import importlib
import json
from pathlib import Path

import pytest
from kgr_cli import run_kgr

import kgreason
from kgreason.errors import ConfigError, InputError, NotFoundError, QueryRefused

ROOT = Path(__file__).resolve().parents[1]
FAMILY = ROOT / "examples" / "data" / "family.tsv"
FAMILY_QA = ROOT / "examples" / "qa" / "family_handwritten.jsonl"

DOCUMENTED = ["kgreason.api", "kgreason.reasoning.engine", "kgreason.integrations.langchain"]


@pytest.mark.parametrize("module_name", DOCUMENTED)
def test_docstring_examples_run(module_name: str) -> None:
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = [t for t in finder.find(module) if t.examples]
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted >= 3, f"{module_name} has too few examples"
    assert result.failed == 0


def test_open_graph_load_inspect(tmp_path: Path) -> None:
    g = kgreason.open_graph("fam", home=tmp_path)
    assert repr(g) == "Graph('fam', store='memory')" and not g.exists()
    reports = g.load(FAMILY)
    assert reports[0].edges_created == 10 and g.exists()
    assert g.stats() == {"nodes": 6, "edges": 10}
    assert g.load(FAMILY)[0].edges_created == 0  # re-loading changes nothing
    schema = g.schema()
    assert schema.relationship_types["parent_of"] == 2
    assert ("alice", "works_at", "acme") in {(e.source, e.type, e.target) for e, _ in g.neighbors("alice")}
    assert g.paths("alice", "paris", max_hops=2)[0].node_ids in {
        ("alice", "acme", "paris"),
        ("alice", "carol", "paris"),
    }
    with pytest.raises(NotFoundError) as err:
        g.node("alicia")
    assert err.value.name == "alicia"
    # the same graph, opened again from the same home (memory graphs persist under KGR_HOME/graphs)
    assert kgreason.open_graph("fam", home=tmp_path).stats() == {"nodes": 6, "edges": 10}
    assert "fam" in kgreason.api.graphs(home=tmp_path)


def test_load_validates_every_file_before_writing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("a\tknows\tb\nbroken line\n", encoding="utf-8")
    g = kgreason.open_graph("fam", home=tmp_path)
    with pytest.raises(InputError) as err:
        g.load(FAMILY, bad)
    assert err.value.line == 2
    assert not g.exists()  # the good file before it was not written either


def test_query_needs_a_cypher_store(tmp_path: Path) -> None:
    g = kgreason.open_graph("fam", home=tmp_path)
    g.load(FAMILY)
    with pytest.raises(ConfigError):
        g.query("MATCH (n) RETURN n")


def test_bad_names_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        kgreason.open_graph("1bad", home=tmp_path)
    with pytest.raises(NotFoundError):
        kgreason.open_graph("fam", "neo5j", home=tmp_path)
    g = kgreason.open_graph("fam", home=tmp_path)
    g.load(FAMILY)
    with pytest.raises(ConfigError, match="hopz"):
        g.engine(llm=None, options={"hopz": 2}).ask("Who?")
    with pytest.raises(NotFoundError):
        g.engine(llm=None).ask("Where does she work?", topic="alicia")


def test_engine_eval_matches_the_cli(tmp_path: Path) -> None:
    home = tmp_path / "home"
    g = kgreason.open_graph("fam", home=home)
    g.load(FAMILY)
    out = tmp_path / "records.jsonl"
    summary = g.engine(llm=None).eval(FAMILY_QA, out=out)
    cli = run_kgr(  # the entry point in this process (see kgr_cli)
        "eval", "qa", "-g", "fam", "--questions", str(FAMILY_QA), "--llm", "none", "--json",
        env={"KGR_HOME": str(home), "HF_HUB_OFFLINE": "1"},
    )  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    printed = json.loads(cli.stdout)
    timing = {k for k in printed if k.startswith("latency_ms")}
    assert set(printed) - {"llm"} == set(summary)
    assert {k: v for k, v in printed.items() if k not in timing | {"llm"}} == {
        k: v for k, v in summary.items() if k not in timing
    }
    assert summary["n"] == len(FAMILY_QA.read_text().splitlines()) and summary["hits@1"] > 0.5
    lines = out.read_text().splitlines()
    assert len(lines) == summary["n"] and "hit@1" in json.loads(lines[0])


def test_engine_eval_items_limit_link(tmp_path: Path) -> None:
    g = kgreason.open_graph("fam", home=tmp_path)
    g.load(FAMILY)
    engine = g.engine(llm=None)
    items = [
        {"question": "Who works at acme?", "answers": ["alice", "bob"], "topic_entity": "acme"},
        {"question": "Where is acme located?", "answers": ["paris"], "topic_entity": "acme"},
        {
            "question": "Which country is paris the capital of?",
            "answers": ["france"],
            "topic_entity": "paris",
        },
    ]
    sample = engine.eval(items, limit=2, seed=1)
    assert sample["n"] == 2
    linked = engine.eval(items, link=True)
    assert linked["n"] == 3 and "linking_accuracy" in linked
    with pytest.raises(InputError):
        engine.eval([{"answers": ["paris"]}])


@pytest.mark.neo4j
def test_open_graph_on_neo4j_with_the_guard(
    tmp_path: Path, neo4j_uri: str, neo4j_auth: tuple[str, str] | None
) -> None:
    user, password = neo4j_auth or (None, None)
    g = kgreason.open_graph("apifam", "neo4j", home=tmp_path, uri=neo4j_uri, user=user, password=password)
    g.drop()
    try:
        g.load(FAMILY)
        assert g.stats() == {"nodes": 6, "edges": 10}
        result = g.query(
            "MATCH (n:KG_apifam {id: $id})-[:works_at]->(c) RETURN c.id AS company", {"id": "bob"}
        )
        assert [r["company"] for r in result.rows] == ["acme"]
        with pytest.raises(QueryRefused):
            g.query("MATCH (n:KG_apifam) DETACH DELETE n")
        assert g.stats() == {"nodes": 6, "edges": 10}
        answer = g.engine(llm=None).ask("Where is the company alice works at located?")
        assert answer.entities[0] == "paris" and answer.queries
    finally:
        g.drop()
        g.close()
