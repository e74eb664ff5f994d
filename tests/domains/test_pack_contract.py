"""Every pack meets the DomainPack contract (``kgreason.domains.contract.check_pack``): the ddi pack on
the fixture and the bundled data, on the memory store and the real Neo4j; broken packs are caught."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ddi_helpers import FIXTURES

from kgreason.domains.contract import check_pack
from kgreason.domains.ddi import DdiPack
from kgreason.domains.pack import PackData
from kgreason.graph.memory import MemoryStore
from kgreason.types import Edge, Node


def test_ddi_fixture_pack_meets_the_contract(tmp_path: Path) -> None:
    assert check_pack(DdiPack(FIXTURES), MemoryStore("c", directory=tmp_path)) == []


def test_ddi_bundled_pack_meets_the_contract(tmp_path: Path) -> None:
    pack = DdiPack()
    assert check_pack(pack, MemoryStore("c", directory=tmp_path)) == []


@pytest.mark.neo4j
def test_ddi_pack_meets_the_contract_on_neo4j(neo4j_store_factory: Callable[[str], Any]) -> None:
    assert check_pack(DdiPack(FIXTURES), neo4j_store_factory("ddi_contract")) == []


def test_broken_pack_is_caught(tmp_path: Path) -> None:
    class Broken(DdiPack):
        name = "Broken Pack"

        def graph_data(self) -> PackData:
            data = super().graph_data()
            extra = [Node("x", ("Planet",)), *data.nodes]
            return PackData(extra, [*data.edges, Edge("x", "ORBITS", "nowhere")])

        def cypher_templates(self) -> dict[str, str]:
            return {"bad": "MATCH (n:{graph_label} {id: $a}) RETURN n"}  # unescaped braces

    problems = check_pack(Broken(FIXTURES), MemoryStore("b", directory=tmp_path))
    text = "\n".join(problems)
    assert "name 'Broken Pack' is not a lowercase identifier" in text
    assert "node 'x' has labels ['Planet'], none declared" in text
    assert "ORBITS]->nowhere: type not declared" in text and "'nowhere' is not a node" in text
    assert "cypher template 'bad' does not render" in text
