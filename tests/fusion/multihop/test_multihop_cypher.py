"""multihop text2cypher: validation and repair units, then the pipeline on the real Neo4j."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kgreason.config import Settings
from kgreason.errors import QueryRefused
from kgreason.fusion.multihop.cypher_plan import Plan, compile_plan, parse_plan, plan_schema
from kgreason.fusion.multihop.cypher_validate import extract_cypher, validate_cypher
from kgreason.fusion.multihop.schema_select import select_schema
from kgreason.fusion.multihop.scoring import CoverageScorer
from kgreason.graph.loaders import load_file
from kgreason.graph.neo4j_store import Neo4jStore
from kgreason.graph.store import GraphSchema, Pattern
from kgreason.reasoning.engine import Engine
from kgreason.testing.graph_contract import checksum
from kgreason.types import Answer, Node

FAMILY = Path(__file__).resolve().parents[3] / "examples" / "data" / "family.tsv"
SCHEMA = GraphSchema(
    labels={"Person": 3, "City": 2},
    relationship_types={"born_in": 3, "lives_in": 2},
    node_properties={"Person": ("age", "name"), "City": ("name",)},
    patterns=(Pattern("Person", "born_in", "City", 3), Pattern("Person", "lives_in", "City", 2)),
)


@dataclass
class Reply:
    text: str
    data: Any = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached: bool = False


class ScriptedModel:
    """A test double for an LLM: returns the scripted replies in turn and keeps the prompts it saw."""

    def __init__(self, replies: Sequence[str]) -> None:
        self.replies = list(replies)
        self.prompts: list[list[Mapping[str, str]]] = []

    def chat(self, messages: Any, *, json_schema: Mapping[str, Any] | None = None, **_: Any) -> Reply:
        self.prompts.append(list(messages))
        text = self.replies[min(len(self.prompts) - 1, len(self.replies) - 1)]
        try:
            data = json.loads(text) if json_schema is not None else None
        except json.JSONDecodeError:
            data = None
        return Reply(text, data)


# -- units: validation, plans, schema selection ------------------------------------------------------
def test_validation_fixes_names_direction_scope_and_limit() -> None:
    v = validate_cypher(
        "MATCH (c:city)<-[:BORN_IN]-(p:Person) RETURN p.name LIMIT 5000", SCHEMA, graph="g", row_limit=50
    )
    assert v.ok, v.problems
    assert v.text == "MATCH (c:`KG_g`:`City`)<-[:`born_in`]-(p:`KG_g`:Person) RETURN p.name LIMIT 50"
    v = validate_cypher("MATCH (c:City)-[:born_in]->(p:Person) RETURN p", SCHEMA, graph="g", row_limit=10)
    assert v.ok and "<-[:born_in]-" in v.text and v.text.endswith("LIMIT 10")
    assert any("direction" in f for f in v.fixes)


def test_validation_reports_what_it_cannot_fix() -> None:
    v = validate_cypher("MATCH (n:Planet)-[:orbits]->(m) RETURN n.mass", SCHEMA, graph="g", row_limit=10)
    assert not v.ok
    problems = " | ".join(v.problems)
    assert "Planet" in problems and "orbits" in problems and "mass" in problems
    with pytest.raises(QueryRefused):
        validate_cypher("MATCH (n) DETACH DELETE n", SCHEMA, graph="g", row_limit=10)
    with pytest.raises(QueryRefused, match="another graph"):
        validate_cypher("MATCH (n:KG_other) RETURN n", SCHEMA, graph="g", row_limit=10)


def test_extract_cypher_from_a_chatty_reply() -> None:
    assert extract_cypher("```cypher\nMATCH (n) RETURN n;\n```") == "MATCH (n) RETURN n"
    assert extract_cypher("Cypher: MATCH (n) RETURN n") == "MATCH (n) RETURN n"


def test_plans_are_constrained_and_compiled() -> None:
    schema = plan_schema(["Ada"], ["born_in", "lives_in"], max_hops=2)
    assert schema["properties"]["path"]["items"]["enum"] == [
        "born_in",
        "lives_in",
        "born_in (inverse)",
        "lives_in (inverse)",
    ]
    plan = parse_plan(
        {"start": "Ada", "path": ["born_in", "lives_in (inverse)"], "return": "count"}, {"Ada": "a1"}, []
    )
    assert plan == Plan("a1", True, (("born_in", "out"), ("lives_in", "in")), "count")
    text, params = compile_plan(plan, "g")
    assert params == {"start": "a1"}
    assert text == (
        "MATCH p = (n0:`KG_g` {id: $start})-[:`born_in`]->(n1:`KG_g`)<-[:`lives_in`]-(n2:`KG_g`) "
        "WITH n2, head(collect(p)) AS p RETURN count(n2) AS count, collect(p)[..100] AS paths"
    )
    assert parse_plan({"start": "Bob", "path": ["born_in"]}, {"Ada": "a1"}, []) is None


def test_schema_selection_fits_hundreds_of_types_in_the_budget() -> None:
    types = {f"rel_{i}_{w}": 1 for i in range(300) for w in ["alpha"]}
    patterns = (*(Pattern("Thing", t, "Thing", 1) for t in types), Pattern("Person", "born_in", "City", 5))
    big = GraphSchema(
        labels={"Thing": 300, "Person": 5, "City": 2},
        relationship_types={**types, "born_in": 5},
        patterns=patterns,
    )
    selected = select_schema(
        "Where was Ada born in?", big, CoverageScorer(), budget=60, seed_labels=["Person"]
    )
    assert selected.types[0] == "born_in"
    assert selected.tokens <= 60 and len(selected.types) < 20
    assert "(:Person)-[:born_in]->(:City)" in selected.text()


def test_schema_selection_reads_the_owner_wording() -> None:
    jargon = GraphSchema(
        labels={"Person": 3, "Club": 2, "City": 2},
        relationship_types={"roster_of": 2, "supports": 5, "born_in": 3},
        patterns=(
            Pattern("Person", "roster_of", "Club", 2),
            Pattern("Person", "supports", "Club", 5),
            Pattern("Person", "born_in", "City", 3),
        ),
    )
    question = "Which club does Ada play for?"
    plain = select_schema(question, jargon, CoverageScorer(), budget=40, seed_labels=["Person"])
    assert plain.types[0] != "roster_of" and "//" not in plain.text()
    worded = select_schema(
        question,
        jargon,
        CoverageScorer(),
        budget=40,
        seed_labels=["Person"],
        phrases={"roster_of": "plays for"},
    )
    assert worded.types[0] == "roster_of"
    assert '(:Person)-[:roster_of]->(:Club)  // said "plays for"' in worded.text()


# -- the pipeline on the real Neo4j ------------------------------------------------------------------
@pytest.fixture(scope="module")
def encoder() -> object:
    from kgreason.embed import default_encoder

    return default_encoder()


LABELS = {
    "alice": "Person",
    "bob": "Person",
    "carol": "Person",
    "acme": "Company",
    "paris": "City",
    "france": "Country",
}


def load_family(store: Neo4jStore) -> None:
    """The family example with real labels, so the schema patterns say which way each relationship goes."""
    store.upsert_nodes([Node(i, (label,), {"name": i.title()}) for i, label in LABELS.items()])
    load_file(store, FAMILY)


@pytest.fixture
def family(neo4j_store_factory: Callable[[str], Neo4jStore]) -> Neo4jStore:
    store = neo4j_store_factory("mh_t2c")
    load_family(store)
    return store


def _ask(
    store: Neo4jStore,
    settings: Settings,
    encoder: object,
    llm: Any,
    question: str,
    topic: str | None,
    **opts: Any,
) -> Answer:
    options = {"mode": "cypher", **opts}
    engine = Engine(store, strategy="multihop", llm=llm, options=options, settings=settings, encoder=encoder)
    return engine.ask(question, topic=topic)


def _attempts(answer: Answer) -> list[Mapping[str, Any]]:
    return [t for t in answer.trace if t["step"] == "cypher_attempt"]


def test_scripted_cypher_is_fixed_scoped_and_run(
    family: Neo4jStore, settings: Settings, encoder: object
) -> None:
    llm = ScriptedModel(["```cypher\nMATCH (c:company)-[:WORKS_AT]->(a:Person) RETURN a.id AS worker\n```"])
    answer = _ask(family, settings, encoder, llm, "Who works at acme?", "acme", generation="cypher")
    [attempt] = _attempts(answer)
    assert attempt["status"] == "ok", attempt
    assert "`KG_mh_t2c`" in attempt["query"] and attempt["query"].endswith("LIMIT 100")
    assert any("direction" in f for f in attempt["fixes"]) and any("works_at" in f for f in attempt["fixes"])
    assert set(answer.entities) == {"alice", "bob"}
    [record] = [q for q in answer.queries if q.language == "cypher"]
    assert record.refused is None and record.rows == 2 and record.digest


def test_the_owner_wording_is_shown_and_the_stored_name_queried(
    family: Neo4jStore, settings: Settings, encoder: object, tmp_path: Path
) -> None:
    words = tmp_path / "family_words.tsv"
    words.write_text("# how people say it\nworks_at\ton the payroll of\n")
    llm = ScriptedModel(["MATCH (a {id: 'alice'})-[:works_at]->(c) RETURN c.id AS company"])
    answer = _ask(
        family,
        settings,
        encoder,
        llm,
        "Whose payroll is alice on?",
        "alice",
        generation="cypher",
        words=str(words),
    )
    shown = "\n".join(m["content"] for m in llm.prompts[0])
    assert '(:Person)-[:works_at]->(:Company)  // said "on the payroll of"' in shown
    [attempt] = _attempts(answer)
    assert attempt["status"] == "ok" and answer.entities == ("acme",)


def test_repair_loop_feeds_the_database_error_back(
    family: Neo4jStore, settings: Settings, encoder: object
) -> None:
    bad = "MATCH (a {id: 'alice'})-[:works_at]->(c) RETURN c.id AS company ORDER BY"
    good = "MATCH (a {id: 'alice'})-[:works_at]->(c) RETURN c.id AS company"
    llm = ScriptedModel([bad, "MATCH (a)-[:employs]->(c) RETURN c", good])
    answer = _ask(family, settings, encoder, llm, "Where does alice work?", "alice", generation="cypher")
    statuses = [a["status"] for a in _attempts(answer)]
    assert statuses == ["error", "invalid", "ok"]
    assert "Cypher error" in llm.prompts[1][-1]["content"]  # the server's own message went back
    assert "employs" in llm.prompts[2][-1]["content"]  # and the validator's
    assert answer.entities == ("acme",) and answer.llm_calls == 3
    refused = [q for q in answer.queries if q.language == "cypher" and q.refused]
    assert len(refused) == 2


def test_plan_mode_with_a_scripted_plan(family: Neo4jStore, settings: Settings, encoder: object) -> None:
    plan = json.dumps({"start": "Alice", "path": ["works_at", "located_in"], "return": "entities"})
    answer = _ask(family, settings, encoder, ScriptedModel([plan]), "Where is alice's company?", "alice")
    assert answer.entities == ("paris",)
    assert [n.id for n in answer.evidence[0].nodes] == ["alice", "acme", "paris"]
    count = json.dumps({"start": "Alice", "path": ["parent_of"], "return": "count"})
    answer = _ask(family, settings, encoder, ScriptedModel([count]), "How many children has alice?", "alice")
    assert answer.value == "2" and answer.form == "count"
    assert set(answer.answers) == {"bob", "carol"}  # the counted entities, with their paths as evidence
    assert answer.text.startswith("2: ") and not answer.unsupported


@pytest.mark.slow
def test_bundled_model_plans_are_valid(family: Neo4jStore, settings: Settings, encoder: object) -> None:
    from kgreason.llm import create_chat_model

    llm = create_chat_model("llamacpp", settings=settings)
    before = (family.stats(), checksum(family))
    questions = [
        ("Who are alice's children?", "alice"),
        ("Where is the company that bob works at located?", "bob"),
        ("How many people does carol know?", "carol"),
        ("Which city does carol live in?", "carol"),
    ]
    for question, topic in questions:
        answer = _ask(family, settings, encoder, llm, question, topic)
        attempts = _attempts(answer)
        assert attempts and attempts[-1]["status"] == "ok", attempts
        assert answer.llm_calls == len(attempts) <= 3
        for q in answer.queries:
            if q.language == "cypher" and q.refused is None:
                assert q.text.startswith("MATCH") and "`KG_mh_t2c`" in q.text
    assert (family.stats(), checksum(family)) == before


def test_self_consistency_votes_on_results(family: Neo4jStore, settings: Settings, encoder: object) -> None:
    works = "MATCH (a {id: 'alice'})-[:works_at]->(c) RETURN c.id AS x"
    lives = "MATCH (a {id: 'carol'})-[:lives_in]->(c) RETURN c.id AS x"
    llm = ScriptedModel([lives, works, works])
    answer = _ask(
        family, settings, encoder, llm, "Where does alice work?", "alice", generation="cypher", candidates=3
    )
    assert answer.llm_calls == 3 and answer.entities == ("acme",)  # two of three agree on acme
    result = next(t for t in answer.trace if t["step"] == "cypher_result")
    assert result["candidates_ok"] == 3


def test_written_cypher_counts_and_yes_no_become_values(
    family: Neo4jStore, settings: Settings, encoder: object
) -> None:
    count = "MATCH (a {id: 'alice'})-[:parent_of]->(c) RETURN count(c) AS count"
    answer = _ask(
        family,
        settings,
        encoder,
        ScriptedModel([count]),
        "How many children has alice?",
        "alice",
        generation="cypher",
    )
    assert answer.value == "2" and answer.form == "count" and answer.abstained is None
    exists = "MATCH (a {id: 'alice'}) RETURN EXISTS { MATCH (a)-[:parent_of]->(b {id: 'bob'}) } AS found"
    answer = _ask(
        family,
        settings,
        encoder,
        ScriptedModel([exists]),
        "Is bob a child of alice?",
        "alice",
        generation="cypher",
    )
    assert answer.value == "yes" and answer.form == "yes_no"
