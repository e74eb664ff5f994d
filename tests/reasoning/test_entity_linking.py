"""Entity linking with the real MiniLM encoder on real memory stores."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from _reasoning_data import QA_DIR

from kgreason.embed import TextEncoder, default_encoder
from kgreason.errors import NotFoundError
from kgreason.graph.memory import MemoryStore
from kgreason.graph.node_text import humanize
from kgreason.qa_file import read_qa
from kgreason.reasoning.entity_linking import EntityLinker, LinkedEntity, normalize
from kgreason.types import Edge, Node


class CountingEncoder:
    """The real encoder, counting the texts it is asked to encode."""

    def __init__(self, inner: TextEncoder) -> None:
        self.inner = inner
        self.dim = inner.dim
        self.name = "all-MiniLM-L6-v2"
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> npt.NDArray[np.float32]:
        self.texts.extend(texts)
        return self.inner.encode(texts, batch_size=batch_size)


NODES = [
    Node("alice", ("Person",), {"name": "Alice", "aliases": ["Ally"]}),
    Node("bob", ("Person",), {"name": "Bob"}),
    Node("carol", ("Person",), {"name": "Carol"}),
    Node("acme", ("Company",), {"name": "Acme", "description": "A maker of tools and space rockets",
                               "synonyms": ["Acme Corporation"]}),
    Node("paris", ("City",), {"name": "Paris"}),
    Node("New_York", ("City",)),
    Node("New_York_City", ("City",)),
    Node("ChristopherNolan", ("Person",)),
    Node("zola", ("Person",), {"name": "Émile Zola"}),
]  # fmt: skip
EDGES = [
    Edge("alice", "parent_of", "bob"),
    Edge("alice", "works_at", "acme"),
    Edge("acme", "located_in", "paris"),
]


def make_store(directory: Path, extra: Sequence[Node] = ()) -> MemoryStore:
    store = MemoryStore("people", directory=directory)
    store.upsert_nodes([*NODES, *extra])
    store.upsert_edges(EDGES)
    store.flush()
    return store


@pytest.fixture(scope="module")
def linker(tmp_path_factory: pytest.TempPathFactory) -> EntityLinker:
    return EntityLinker(make_store(tmp_path_factory.mktemp("linker")), encoder=default_encoder())


def first(found: list[LinkedEntity]) -> tuple[str, str, str]:
    assert found, "nothing linked"
    return found[0].node_id, found[0].mention, found[0].method


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who is the parent of Alice?", ("alice", "Alice", "name")),
        ("where does alice work", ("alice", "alice", "id")),
        ("What did ALICE's son study?", ("alice", "ALICE's", "normalized")),
        ("Who are the kids of Alcie?", ("alice", "Alcie", "fuzzy")),
        ("Is Ally a parent?", ("alice", "Ally", "alias")),
        ("Where is Acme Corporation located?", ("acme", "Acme Corporation", "alias")),
        ("Who was born in new york city?", ("New_York_City", "new york city", "normalized")),
        ("Films by christopher nolan", ("ChristopherNolan", "christopher nolan", "normalized")),
        ("Books by Emile Zola", ("zola", "Emile Zola", "normalized")),
        ("Which company builds space rockets?", ("acme", None, "embedding")),
    ],
)
def test_link_finds_the_mention(
    linker: EntityLinker, question: str, expected: tuple[str, str | None, str]
) -> None:
    node_id, mention, method = first(linker.link(question))
    assert node_id == expected[0]
    assert method == expected[2]
    if expected[1] is not None:
        assert mention == expected[1]


def test_link_reports_offsets_and_longest_match_wins(linker: EntityLinker) -> None:
    question = "Did Alice move from New York City to Paris?"
    found = linker.link(question, k=5)
    assert {e.node_id for e in found} == {"alice", "New_York_City", "paris"}  # not "New_York"
    for e in found:
        assert question[e.start : e.end] == e.mention
        assert e.score == 1.0 or e.method == "normalized"


def test_link_without_entities_is_empty(tmp_path: Path) -> None:
    linker = EntityLinker(make_store(tmp_path), use_embeddings=False)
    assert linker.link("What is the meaning of life?") == []
    assert linker.link("") == []
    with pytest.raises(NotFoundError):
        linker.resolve("  ")


def test_resolve_tiers(linker: EntityLinker) -> None:
    assert [(e.node_id, e.method, e.score) for e in linker.resolve("Alice")] == [("alice", "name", 1.0)]
    assert linker.resolve("alice")[0].method == "id"
    assert linker.resolve("ALICE")[0].method == "normalized"
    assert linker.resolve("Acme Corporation")[0].method == "alias"
    typo = linker.resolve("Carrol")[0]
    assert (typo.node_id, typo.method) == ("carol", "fuzzy")
    assert 0.5 < typo.score < 1.0
    paraphrase = linker.resolve("the rocket maker")[0]
    assert (paraphrase.node_id, paraphrase.method) == ("acme", "embedding")


def test_unknown_name_raises_not_found_with_suggestions(tmp_path: Path) -> None:
    linker = EntityLinker(make_store(tmp_path), use_embeddings=False)
    with pytest.raises(NotFoundError) as info:
        linker.resolve("Carolyn")
    assert info.value.name == "Carolyn"
    assert "Carol" in info.value.suggestions
    assert info.value.exit_code == 2


def test_vector_index_is_persisted_and_reused(tmp_path: Path) -> None:
    counting = CountingEncoder(default_encoder())
    store = make_store(tmp_path)
    first_linker = EntityLinker(store, encoder=counting)
    assert first_linker.resolve("the rocket maker")[0].node_id == "acme"
    index_file = tmp_path / "people.kgr.vec.npz"
    assert first_linker.index_path == index_file and index_file.is_file()
    assert len(counting.texts) == len(NODES) + 1  # every node text, then the query
    stamp = index_file.stat().st_mtime_ns

    # A fresh store object and linker on the same graph: the index file is loaded, no node is encoded.
    counting.texts.clear()
    second = EntityLinker(MemoryStore("people", directory=tmp_path), encoder=counting)
    assert second.resolve("the rocket maker")[0].node_id == "acme"
    assert counting.texts == ["the rocket maker"]
    assert index_file.stat().st_mtime_ns == stamp

    # The graph changed: only the new node's text is encoded, and the file is rewritten.
    counting.texts.clear()
    grown = make_store(
        tmp_path, [Node("tesla", ("Company",), {"name": "Tesla", "description": "Electric cars"})]
    )
    third = EntityLinker(grown, encoder=counting)
    assert third.resolve("an electric car maker")[0].node_id == "tesla"
    assert counting.texts == ["Tesla: Electric cars", "an electric car maker"]
    assert index_file.stat().st_mtime_ns != stamp


def test_embeddings_can_be_switched_off(tmp_path: Path) -> None:
    linker = EntityLinker(make_store(tmp_path), use_embeddings=False)
    with pytest.raises(NotFoundError):
        linker.resolve("the rocket maker")
    assert not (tmp_path / "people.kgr.vec.npz").exists()


def test_normalisation_helpers() -> None:
    assert normalize("ALICE's  Café-au_lait!") == "alice cafe au lait"
    assert normalize("O'Brien") == "obrien"
    assert humanize("The_Godfather") == "The Godfather"
    assert humanize("ChristopherNolan") == "Christopher Nolan"


def test_linking_accuracy_on_handwritten_movie_questions(movies_store: MemoryStore) -> None:
    linker = EntityLinker(movies_store, use_embeddings=False)
    items = read_qa(QA_DIR / "movies_handwritten.jsonl")
    top1 = [linker.link(i.question, k=3)[:1] for i in items]
    correct = sum(
        1 for found, i in zip(top1, items, strict=True) if found and found[0].node_id == i.topic_entity
    )
    assert correct / len(items) >= 0.9, [(i.question, f) for f, i in zip(top1, items, strict=True)]


def described_node(node_id: str, label: str, name: str, description: str = "", **extra: list[str]) -> Node:
    props: dict[str, object] = {"name": name, **extra}
    if description:
        props["description"] = description
    return Node(node_id, (label,), props)


DESCRIBED = [
    described_node("DB00682", "Drug", "Warfarin", "An anticoagulant used to prevent blood clots",
                   synonyms=["Coumadin"]),
    described_node("DB01050", "Drug", "Ibuprofen",
                   "A nonsteroidal anti-inflammatory drug that relieves pain and fever", aliases=["Advil"]),
    described_node("DB00641", "Drug", "Simvastatin", "A statin that lowers cholesterol"),
    described_node("DB01026", "Drug", "Ketoconazole", "An azole antifungal medication"),
    described_node("DB00316", "Drug", "Acetaminophen", "An analgesic and antipyretic",
                   aliases=["Paracetamol", "Tylenol"]),
    described_node("CYP3A4", "Enzyme", "Cytochrome P450 3A4", "A liver enzyme that metabolises many drugs"),
    described_node("DB00945", "Drug", "Aspirin", "Acetylsalicylic acid, an antiplatelet pain reliever"),
    described_node("godfather", "Movie", "The Godfather",
                   "A 1972 film about an Italian-American mafia family"),
    described_node("ridley", "Person", "Ridley Scott", "English film director"),
    described_node("scifi", "Genre", "Science Fiction"),
    described_node("alice", "Person", "Alice"),
]  # fmt: skip


@pytest.fixture(scope="module")
def described(tmp_path_factory: pytest.TempPathFactory) -> EntityLinker:
    store = MemoryStore("described", directory=tmp_path_factory.mktemp("described"))
    store.upsert_nodes(DESCRIBED)
    store.flush()
    return EntityLinker(store, encoder=default_encoder())


@pytest.mark.parametrize(
    ("question", "node_id", "method"),
    [
        ("Does Coumadin interact with Advil?", "DB00682", "alias"),
        ("Does warfarn interact with asprin?", "DB00682", "fuzzy"),
        ("Can I take paracetamol with it?", "DB00316", "alias"),
        ("blood thinner", "DB00682", "embedding"),
        ("Which drug is a fever reducer?", "DB01050", "embedding"),
        ("cholesterol lowering drug", "DB00641", "embedding"),
        ("an antifungal", "DB01026", "embedding"),
        ("Which enzyme in the liver breaks down drugs?", "CYP3A4", "embedding"),
        ("the italian mafia film", "godfather", "embedding"),
        ("the English director", "ridley", "embedding"),
    ],
)
def test_paraphrases_link_through_descriptions(
    described: EntityLinker, question: str, node_id: str, method: str
) -> None:
    found = described.link(question)
    assert found, question
    assert (found[0].node_id, found[0].method) == (node_id, method)
    assert question[found[0].start : found[0].end] == found[0].mention


@pytest.mark.parametrize(
    "question", ["What is the meaning of life?", "what is the weather today", "How many hops are there?"]
)
def test_questions_without_entities_link_nothing(described: EntityLinker, question: str) -> None:
    assert described.link(question) == []


def test_not_found_suggests_by_meaning_too(described: EntityLinker) -> None:
    with pytest.raises(NotFoundError) as info:
        described.resolve("pain killer")
    assert {"Acetaminophen", "Ibuprofen", "Aspirin"} & set(info.value.suggestions)


def test_refresh_sees_new_nodes(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    linker = EntityLinker(store, use_embeddings=False)
    assert linker.link("Who is Zed?") == []
    store.upsert_nodes([Node("zed", ("Person",), {"name": "Zed"})])
    linker.refresh()
    assert [e.node_id for e in linker.link("Who is Zed?")] == ["zed"]


def test_fuzzy_matching_works_without_rapidfuzz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rapidfuzz", None)  # makes `import rapidfuzz` fail
    linker = EntityLinker(make_store(tmp_path), use_embeddings=False)
    assert first(linker.link("Who are the kids of Alcie?"))[::2] == ("alice", "fuzzy")
    assert linker.resolve("Carrol")[0].node_id == "carol"


def test_a_lower_case_word_is_not_the_last_word_of_a_name(tmp_path: Path) -> None:
    # "rail" is the last word of "Coastline Rail" and "appeals" nearly that of "... (Appeal)": as lower-case
    # words they are ordinary words, while a misspelt name next to them still links (and so does a
    # capitalised surname-like word)
    extra = [
        Node("Coastline Rail", ("Company",)),
        Node("Kellmouth", ("City",)),
        Node("Strake v Federal Police (Appeal)", ("Case",)),
    ]
    linker = EntityLinker(make_store(tmp_path, extra), use_embeddings=False)
    found = linker.link("Which rail line stops in Kelmouth?")
    assert [e.node_id for e in found] == ["Kellmouth"]
    assert [e.node_id for e in linker.link("How many courts hear appeals from Kelmouth?")] == ["Kellmouth"]
    assert "Coastline Rail" in [e.node_id for e in linker.link("Which lines does Coastline Rial run?")]


def test_a_misspelt_name_is_not_read_as_the_shorter_name_inside_it(tmp_path: Path) -> None:
    """ "Luka Corran" (for Luca Corran) holds the city "Corran", spelt right: the whole span is the name."""
    extra = [
        Node("corran", ("City",), {"name": "Corran"}),
        Node("luca", ("Person",), {"name": "Luca Corran"}),
        Node("corran_athletic", ("Club",), {"name": "Corran Athletic"}),
    ]
    linker = EntityLinker(make_store(tmp_path, extra), encoder=default_encoder())
    found = linker.link("Who coaches the club Luka Corran plays for?")
    assert first(found) == ("luca", "Luka Corran", "fuzzy")
    # names spelt right keep their exact matches, a question word is no part of a name
    assert first(linker.link("Was Luca Corran born in Corran?"))[0] == "luca"
    assert {e.node_id for e in linker.link("Was Luca Corran born in Corran?")} == {"luca", "corran"}
    assert first(linker.link("Did Corran Athletic win?")) == ("corran_athletic", "Corran Athletic", "name")
    assert first(linker.link("Which clubs are in Corran?"))[0] == "corran"


def test_a_misspelt_name_in_a_lower_case_question_keeps_the_name_said_before_it(tmp_path: Path) -> None:
    """ "which corran clubs does corran textils sponsor": typed all in lower case, the misspelt company
    holds the city, said once more on its own: both link (the city at its own mention)."""
    extra = [
        Node("corran", ("City",), {"name": "Corran"}),
        Node("corran_textiles", ("Company",), {"name": "Corran Textiles"}),
    ]
    linker = EntityLinker(make_store(tmp_path, extra), encoder=default_encoder())
    question = "which corran clubs does corran textils sponsor"
    found = {e.node_id: e for e in linker.link(question)}
    assert set(found) == {"corran", "corran_textiles"}
    assert found["corran"].start == question.index("corran clubs")
    assert found["corran_textiles"].mention == "corran textils"
    # capitalised as names, the same two
    assert {e.node_id for e in linker.link("Which Corran clubs does Corran Textils sponsor?")} == set(found)


def test_a_misspelt_name_in_lower_case_beside_a_name_in_lower_case_links(tmp_path: Path) -> None:
    """ "Which dishes have both lamb and heritage carots in them?": the question writes its names in lower
    case (common nouns, as ingredients are), so the misspelt one of two words beside the one spelt right
    still links; a question that capitalises its names links no lower-case misspelling beside them."""
    extra = [
        Node("lamb", ("Ingredient",), {"name": "Lamb"}),
        Node("carrots", ("Ingredient",), {"name": "Heritage Carrots"}),
        Node("rivet", ("Company",), {"name": "Rivet"}),
    ]
    linker = EntityLinker(make_store(tmp_path, extra), use_embeddings=False)
    found = {e.node_id: e for e in linker.link("Which dishes have both lamb and heritage carots in them?")}
    assert set(found) == {"lamb", "carrots"}
    assert found["carrots"].mention == "heritage carots"
    found = {e.node_id for e in linker.link("Which dishes have both Lamb and heritage carots in them?")}
    assert found == {"lamb"}
    # (one lower-case word near a name is as likely a common word: "river" is no "Rivet"; nor does a
    # question typed all in lower case link a misspelling beside a name spelt right)
    assert {e.node_id for e in linker.link("Which river runs past the farm that sells lamb?")} == {"lamb"}
    assert {e.node_id for e in linker.link("which dishes have both lamb and heritage carots?")} == {"lamb"}


def test_the_name_with_more_content_words_wins_an_overlap(tmp_path: Path) -> None:
    """ "the Glass Orchard Tour": the album "The Glass Orchard" spans as many tokens as the tour "Glass
    Orchard Tour" and starts further left, but one of its words is an article."""
    extra = [
        Node("orchard_lp", ("Album",), {"name": "The Glass Orchard"}),
        Node("orchard_tour", ("Tour",), {"name": "Glass Orchard Tour"}),
    ]
    linker = EntityLinker(make_store(tmp_path, extra), use_embeddings=False)
    found = linker.link("Who produced the album that the Glass Orchard Tour supported?")
    assert [(e.node_id, e.mention) for e in found] == [("orchard_tour", "Glass Orchard Tour")]
    assert first(linker.link("Who produced the Glass Orchard?"))[:2] == ("orchard_lp", "the Glass Orchard")


def test_a_name_said_without_its_of_part(tmp_path: Path) -> None:
    """ "the Royal Museum" for "Royal Museum of Varesco": the words before " of " of exactly one name, as a
    name (capitalised); not when two names share them, nor a single word ("Museum")."""
    extra = [
        Node("rmv", ("Museum",), {"name": "Royal Museum of Varesco"}),
        Node("varesco", ("City",), {"name": "Varesco"}),
        Node("aca", ("Academy",), {"name": "Royal Academy of Pelmark"}),
        Node("acd", ("Academy",), {"name": "Royal Academy of Drossel"}),
    ]
    linker = EntityLinker(make_store(tmp_path, extra), use_embeddings=False)
    found = linker.link("Which pictures of Varesco are in the Royal Museum?")
    assert {(e.node_id, e.mention) for e in found} == {("varesco", "Varesco"), ("rmv", "Royal Museum")}
    assert "rmv" not in {e.node_id for e in linker.link("Which royal museum holds it?")}
    assert not {"aca", "acd"} & {e.node_id for e in linker.link("Who studied at the Royal Academy?")}
    # a name that goes on with "of ...", misspelt, is matched whole, not by its head
    assert first(linker.link("Who works at the Royal Museum of Varesko?"))[:2] == (
        "rmv",
        "Royal Museum of Varesko",
    )


def test_a_name_said_without_its_for_part(tmp_path: Path) -> None:
    """ "the Fenby Medal" for "Fenby Medal for Midwifery", as before " of "."""
    extra = [Node("fmm", ("Award",), {"name": "Fenby Medal for Midwifery"})]
    linker = EntityLinker(make_store(tmp_path, extra), use_embeddings=False)
    assert first(linker.link("Which Fenby Medal winners taught there?"))[:2] == ("fmm", "Fenby Medal")


def test_a_lone_first_word_names_the_best_linked_of_its_names(tmp_path: Path) -> None:
    """ "Crownmere" for Crownmere Healthcare Trust, the name it starts with twice the edges of any other
    it starts (five at least); never a word that ends a name (a surname), nor one a whole name is within
    fuzzy reach of ("the Talvessan flag" is the country Talvessa, not the Talvessan Register)."""
    extra = [
        Node("cht", ("Trust",), {"name": "Crownmere Healthcare Trust"}),
        Node("clab", ("Laboratory",), {"name": "Crownmere Laboratory"}),
        Node("tal", ("Country",), {"name": "Talvessa"}),
        Node("treg", ("Register",), {"name": "Talvessan Register"}),
        Node("hosp", ("Hospital",), {"name": "Alice Hospital"}),
    ]
    store = make_store(tmp_path, extra)
    store.upsert_edges(
        [Edge(f"h{i}", "managed_by", "cht") for i in range(6)]
        + [Edge(f"s{i}", "registered_with", "treg") for i in range(6)]
        + [Edge("clab", "managed_by", "cht")]
    )
    store.flush()
    linker = EntityLinker(store, use_embeddings=False)
    assert first(linker.link("Which hospitals does Crownmere run?"))[:2] == ("cht", "Crownmere")
    assert first(linker.link("Which ships fly the Talvessan flag?"))[0] == "tal"
    # (two names start with it, neither twice as linked as the other: no link)
    store.upsert_edges([Edge(f"k{i}", "tested_at", "clab") for i in range(8)])
    store.flush()
    linker = EntityLinker(store, use_embeddings=False)
    assert "cht" not in {e.node_id for e in linker.link("Which hospitals does Crownmere run?")}


def test_a_name_said_without_its_kind_word(tmp_path: Path) -> None:
    """ "Drevon International" for "Drevon International Airport" (a name of three or more words whose last
    word is its label's, or a kind word such as "university"), not cut short by the city "Drevon" inside
    it; not when two names share the rest, nor for a name of two words ("Drevon" for "Drevon Airport")."""
    extra = [
        Node("dia", ("Airport",), {"name": "Drevon International Airport"}),
        Node("drevon", ("City",), {"name": "Drevon"}),
        Node("hsa", ("Airport",), {"name": "Halvik Sundby Airport"}),
        Node("ksu", ("Institute",), {"name": "Kessel State University"}),
        Node("ncl", ("Club",), {"name": "North Coast Club"}),
        Node("ncr", ("Restaurant",), {"name": "North Coast Restaurant"}),
    ]
    linker = EntityLinker(make_store(tmp_path, extra), use_embeddings=False)
    found = linker.link("Which flights fly from Drevon International to Halvik Sundby?")
    assert {(e.node_id, e.mention) for e in found} == {
        ("dia", "Drevon International"),
        ("hsa", "Halvik Sundby"),
    }
    assert first(linker.link("who studied at kessel state?"))[:2] == ("ksu", "kessel state")
    assert first(linker.link("Where is Drevon?"))[:2] == ("drevon", "Drevon")
    assert not {"ncl", "ncr"} & {e.node_id for e in linker.link("Who ate at North Coast?")}
