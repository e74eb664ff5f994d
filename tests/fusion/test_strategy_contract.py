"""The strategy contract (``kgreason.testing.strategy_contract``) for every registered strategy, on the
memory store and on Neo4j (real database), with the real MiniLM encoder and no LLM.

The gnn strategy answers with a trained model: one is trained here on the family graph (a few seconds of
training; the module fixture takes about 40 s with loading) and each run points at it with ``model_dir``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from kgreason import registry
from kgreason.config import Settings
from kgreason.graph.memory import MemoryStore
from kgreason.graph.store import GraphStore
from kgreason.reasoning.engine import Engine
from kgreason.testing.strategy_contract import FAMILY, EngineFactory, StrategyContract, load_family

ROOT = Path(__file__).resolve().parents[2]
STRATEGIES = sorted(registry.available("kgreason.strategies"))


def test_the_contract_graph_is_the_family_example() -> None:
    lines = (ROOT / "examples" / "data" / "family.tsv").read_text(encoding="utf-8").splitlines()
    assert [tuple(line.split("\t")) for line in lines if line.strip()] == list(FAMILY)


@pytest.fixture(scope="module")
def encoder() -> Any:
    from kgreason.embed import default_encoder

    return default_encoder()


@pytest.fixture(scope="module")
def gnn_model(tmp_path_factory: pytest.TempPathFactory, encoder: Any) -> str:
    """A gnn QA model trained on the family graph (generated one- and two-hop questions)."""
    pytest.importorskip("torch", reason="the gnn strategy needs the gnn extra")
    from kgreason.fusion.gnn.training import train_qa_model
    from kgreason.reasoning.qa_gen import make_qa

    home = tmp_path_factory.mktemp("gnn-family")
    settings = Settings(home=home)
    store = load_family(MemoryStore("family", settings), home)
    train = make_qa(store, hops=[1, 2], n=300, seed=11)
    options = {"dim": 16, "hidden": 64, "layers": 1, "steps": 2, "epochs": 30, "patience": 5}
    meta = train_qa_model(store, train, train, settings=settings, options=options, encoder=encoder)
    return str(meta["path"])


class TestStrategyContract(StrategyContract):
    @pytest.fixture(params=STRATEGIES)
    def strategy_name(self, request: pytest.FixtureRequest) -> str:
        return str(request.param)

    @pytest.fixture
    def strategy_options(self, strategy_name: str, request: pytest.FixtureRequest) -> Mapping[str, Any]:
        if strategy_name == "gnn":
            return {"model_dir": request.getfixturevalue("gnn_model")}
        return {}

    @pytest.fixture(params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
    def store_factory(
        self, request: pytest.FixtureRequest, settings: Settings
    ) -> Iterator[Callable[[str], GraphStore]]:
        if request.param == "memory":
            yield lambda name: MemoryStore(name, settings)
        else:
            yield request.getfixturevalue("neo4j_store_factory")

    @pytest.fixture
    def engine_factory(self, settings: Settings, encoder: Any) -> EngineFactory:
        def build(store: GraphStore, name: str, options: Mapping[str, Any]) -> Engine:
            return Engine(store, strategy=name, llm=None, options=options, settings=settings, encoder=encoder)

        return build
