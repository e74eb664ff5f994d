"""kgreason.notebook on the real Neo4j: Cypher results as DataFrames and views, answers and schemas drawn."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from _browser import dump_dom
from _notebook_data import QUESTION, load_family

from kgreason.config import Settings
from kgreason.errors import QueryRefused
from kgreason.graph.memory import MemoryStore
from kgreason.graph.neo4j_store import Neo4jStore
from kgreason.notebook import export_html, query, to_dataframe, view
from kgreason.reasoning.engine import Engine

pytestmark = pytest.mark.neo4j


@pytest.fixture
def neo(neo4j_store_factory: Callable[[str], Neo4jStore]) -> Neo4jStore:
    return load_family(neo4j_store_factory("nbfamily"))  # type: ignore[return-value]


def test_cypher_result_as_dataframe(neo: Neo4jStore) -> None:
    frame = query(
        neo,
        "MATCH (p:KG_nbfamily:Person)-[:works_at]->(c:KG_nbfamily) "
        "RETURN p.id AS person, p.name AS name, c.id AS company ORDER BY person",
    )
    assert list(frame.columns) == ["person", "name", "company"]
    assert frame.values.tolist() == [["alice", "Alice", "acme"], ["bob", "Bob", "acme"]]
    with pytest.raises(QueryRefused):
        query(neo, "MATCH (n:KG_nbfamily) DETACH DELETE n")


def test_cypher_nodes_relationships_and_paths_are_drawn(neo: Neo4jStore, tmp_path: Path) -> None:
    result = neo.run_cypher(
        "MATCH p = (a:KG_nbfamily {id: 'alice'})-[:works_at]->(:KG_nbfamily)-[:located_in]->(c) RETURN p, c"
    )
    v = view(result)
    assert [n.id for n in v.nodes] == ["alice", "acme", "paris"]
    assert [(e.source, e.type, e.target) for e in v.edges] == [
        ("alice", "works_at", "acme"),
        ("acme", "located_in", "paris"),
    ]
    assert v.paths[0].title == "alice -[works_at]-> acme -[located_in]-> paris"
    assert {n.id: n.labels for n in v.nodes}["paris"] == ("City",)  # the internal KG_ label is not shown
    frame = to_dataframe(result)
    assert frame.loc[0, "c"]["id"] == "paris"
    dom = dump_dom(export_html(v, tmp_path / "cypher.html"), tmp_path / "profile")
    assert 'data-status="drawn"' in dom and 'data-drawn-nodes="3"' in dom


def test_same_answer_view_on_neo4j_and_memory(neo: Neo4jStore, settings: Settings) -> None:
    mem = load_family(MemoryStore("nbfamily", settings))
    views = []
    for store in (neo, mem):
        answer = Engine(store, strategy="retrieve", llm=None, settings=settings).ask(QUESTION, topic="alice")
        views.append(view(answer).to_data())
    neo_view, mem_view = views
    assert {n["id"] for n in neo_view["nodes"]} == {n["id"] for n in mem_view["nodes"]}
    assert {e["id"] for e in neo_view["edges"]} == {e["id"] for e in mem_view["edges"]}  # stable edge ids
    lit = [p["title"] for p in neo_view["paths"] if p["highlight"]]
    assert lit == ["alice -[works_at]-> acme -[located_in]-> paris"]
    schema = view(neo.schema()).to_data()
    assert {n["id"] for n in schema["nodes"]} == {"Person", "Company", "City", "Country"}
