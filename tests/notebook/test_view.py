"""kgreason.notebook on the memory store: views, answer highlighting, HTML safety, reprs, DataFrames."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from _notebook_data import HOSTILE, QUESTION, load_family

from kgreason.config import Settings
from kgreason.errors import ConfigError, InputError
from kgreason.graph.memory import MemoryStore
from kgreason.notebook import export_html, query, to_dataframe, view
from kgreason.notebook.render import document
from kgreason.notebook.view import reasoning_paths
from kgreason.reasoning.engine import Engine
from kgreason.types import Answer, Edge, Node, Subgraph
from kgreason.types import Path as KgPath


@pytest.fixture
def store(settings: Settings) -> MemoryStore:
    return load_family(MemoryStore("family", settings))  # type: ignore[return-value]


@pytest.fixture
def answer(store: MemoryStore, settings: Settings) -> Answer:
    return Engine(store, strategy="retrieve", llm=None, settings=settings).ask(QUESTION, topic="alice")


def page_data(page: str) -> dict[str, object]:
    """The JSON a page carries for the browser, parsed back."""
    m = re.search(r'<script type="application/json" id="kgv-data">(.*?)</script>', page, re.S)
    assert m, "no data element"
    return json.loads(m.group(1))  # type: ignore[no-any-return]


def test_subgraph_view_has_every_node_and_edge_coloured_by_label(store: MemoryStore) -> None:
    sub = store.subgraph(["alice"], hops=2)
    data = view(sub).to_data()
    assert {n["id"] for n in data["nodes"]} == {"alice", "bob", "carol", "acme", "paris"}
    assert len(data["edges"]) == len(sub.edges) == 9
    colors = {n["id"]: n["color"] for n in data["nodes"]}
    assert colors["alice"] == colors["bob"] == colors["carol"]  # all Person
    assert len({colors["alice"], colors["acme"], colors["paris"]}) == 3  # Person, Company, City differ
    assert {item["label"] for item in data["legend"]} == {"Person", "Company", "City"}
    names = {n["id"]: n["label"] for n in data["nodes"]}
    assert names["alice"] == "Alice"  # the name property is shown, the id stays the key


def test_answer_view_highlights_the_cited_reasoning_path(answer: Answer) -> None:
    assert answer.entities[0] == "paris"
    data = view(answer).to_data()
    lit = [p["title"] for p in data["paths"] if p["highlight"]]
    assert lit == ["alice -[works_at]-> acme -[located_in]-> paris"]
    on_path = {e["type"] for e in data["edges"] if e["on_path"]}
    assert on_path == {"works_at", "located_in"}
    assert [n["id"] for n in data["nodes"] if n["answer"]] == ["paris"]
    assert [n["id"] for n in data["nodes"] if n["topic"]] == ["alice"]
    assert data["title"] == QUESTION
    assert len(data["paths"]) == len(answer.evidence)


def test_reasoning_paths_without_citations_follow_the_best_relation_pattern() -> None:
    a, b, c = Node("a"), Node("b"), Node("c")
    p1 = KgPath((a, b), (Edge("a", "parent_of", "b"),))
    p2 = KgPath((a, c), (Edge("a", "parent_of", "c"),))
    p3 = KgPath((a, c), (Edge("a", "knows", "c"),))
    ans = Answer("children of a?", "b, c", entities=("b", "c"), answers=("b", "c"), evidence=(p1, p3, p2))
    assert reasoning_paths(ans) == [0, 2]


def test_hostile_property_cannot_close_the_script_element(store: MemoryStore) -> None:
    page = view(store.subgraph(["bob"], hops=1)).to_html()
    assert HOSTILE not in page and "</script><script>document.title" not in page
    data = page_data(page)
    bob = next(n for n in data["nodes"] if n["id"] == "bob")  # type: ignore[union-attr, index]
    assert bob["props"]["note"] == HOSTILE  # round-trips exactly through the escaping
    assert page.count("<script") == 2  # the data element and the bundled script, nothing injected


def test_export_html_is_standalone_and_offline(store: MemoryStore, tmp_path: Path) -> None:
    out = export_html(view(store.subgraph(["alice"], hops=1), title="alice"), tmp_path / "sub" / "v.html")
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<title>alice</title>" in page
    assert "kgview" in page and "View.prototype.draw" in page  # the bundled script is inlined
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing fetched from the network
    # export_html also takes anything view() takes
    assert "Acme" in export_html(store.subgraph(["acme"], hops=1), tmp_path / "raw.html").read_text()


def test_repr_html_of_answer_and_subgraph_embed_the_view(answer: Answer, store: MemoryStore) -> None:
    html_answer = answer._repr_html_()
    assert "<iframe srcdoc=" in html_answer and "paris" in html_answer
    assert "strategy retrieve" in html_answer and "queries (" in html_answer
    assert 'answers: <span class="kgr-ent">paris</span></div>' in html_answer  # the asserted answer only
    others = answer.entities[len(answer.answers) :]  # the ranked candidates not asserted
    assert "acme" in others and f"other candidates: {', '.join(others)}" in html_answer
    inner = html.unescape(re.search(r'srcdoc="([^"]*)"', html_answer).group(1))  # type: ignore[union-attr]
    assert page_data(inner)["title"] == QUESTION
    sub_html = store.subgraph(["alice"], hops=1)._repr_html_()
    assert "<iframe srcdoc=" in sub_html and "nodes" in sub_html


def test_ipython_shows_schema_paths_and_query_results_as_html(store: MemoryStore) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    from kgreason.notebook import register_formatters

    shell = InteractiveShell.instance()
    try:
        assert register_formatters()
        fmt = shell.display_formatter.formatters["text/html"]
        schema_html = fmt(store.schema())
        assert "located_in" in schema_html and "<iframe" in schema_html and "Company" in schema_html
        path = store.paths_between("alice", "paris", max_hops=2)[0]
        inner = html.unescape(re.search(r'srcdoc="([^"]*)"', fmt(path)).group(1))  # type: ignore[union-attr]
        assert page_data(inner)["title"] == "alice -[works_at]-> acme -[located_in]-> paris"
    finally:
        InteractiveShell.clear_instance()


def test_schema_view_draws_labels_and_patterns(store: MemoryStore) -> None:
    data = view(store.schema()).to_data()
    assert {n["id"] for n in data["nodes"]} >= {"Person", "Company", "City", "Country"}
    works = next(e for e in data["edges"] if e["type"] == "works_at")
    assert (works["source"], works["target"], works["props"]["count"]) == ("Person", "Company", 2)


def test_store_view_and_context_hops(store: MemoryStore, settings: Settings) -> None:
    v = view(store, seeds=["france"], hops=1)
    assert {n.id for n in v.nodes} == {"france", "paris"}
    # an answer whose evidence is alice's one-hop neighbourhood (acme, bob, carol)
    near = Engine(store, llm=None, settings=settings, options={"hops": 1}).ask(
        "Who works at acme?", topic="alice"
    )
    own = {n.id for n in view(near).nodes}
    assert own == {n.id for p in near.evidence for n in p.nodes} and "paris" not in own
    wider = view(near, store=store, hops=1)
    assert "paris" in {n.id for n in wider.nodes}  # a neighbour of the evidence, not evidence itself


def test_rows_with_nodes_relationships_and_paths_are_drawn() -> None:
    alice = {"id": "alice", "labels": ["Person"], "properties": {"name": "Alice"}}
    acme = {"id": "acme", "labels": ["Company"], "properties": {}}
    rel = {"id": "e1", "type": "works_at", "source": "alice", "target": "acme", "properties": {}}
    v = view([{"p": [alice, rel, acme], "n": alice, "x": 3}])
    assert [n.id for n in v.nodes] == ["alice", "acme"] and [e.type for e in v.edges] == ["works_at"]
    assert v.paths[0].title == "alice -[works_at]-> acme"
    with pytest.raises(InputError):
        view(42)


def test_dataframes_of_paths_answer_schema_and_subgraph(store: MemoryStore, answer: Answer) -> None:
    paths = store.paths_between("alice", "paris", max_hops=2)
    frame = to_dataframe(paths)
    assert list(frame["path"]) == [
        "alice -[works_at]-> acme -[located_in]-> paris",
        "alice -[parent_of]-> carol -[lives_in]-> paris",
    ]
    assert list(frame["hops"]) == [2, 2]
    ev = to_dataframe(answer)
    assert len(ev) == len(answer.evidence)
    assert list(ev[ev["reasoning_path"]]["path"]) == ["alice -[works_at]-> acme -[located_in]-> paris"]
    assert set(ev[ev["reaches_answer"]]["end"]) == {"paris"}
    schema = to_dataframe(store.schema())
    row = schema[schema["type"] == "capital_of"].iloc[0]
    assert (row["source"], row["target"], row["count"]) == ("City", "Country", 1)
    sub = to_dataframe(store.subgraph(["france"], hops=1))
    assert sub[["source", "type", "target"]].values.tolist() == [["paris", "capital_of", "france"]]
    with pytest.raises(ConfigError, match="does not run Cypher"):
        query(store, "MATCH (n) RETURN n")


def test_empty_graph_draws_an_empty_view() -> None:
    page = document(view(Subgraph((), ())).to_data())
    assert page_data(page)["nodes"] == []


def test_docstring_examples_run() -> None:
    import doctest
    import importlib

    for name in ("kgreason.notebook.view", "kgreason.notebook.tables"):
        module = importlib.import_module(name)  # the package re-exports a function called `view`
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.attempted > 0 and result.failed == 0, module.__name__
