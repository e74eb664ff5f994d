"""A tiny third-party domain pack: a few European countries, their capitals and land borders.

It exists to prove the ``DomainPack`` plugin API from outside kgreason: a separate distribution whose
``pyproject.toml`` declares ``geo = "kgr_example_pack:GeoPack"`` in the ``kgreason.domains`` group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from kgreason.domains import DomainPack, GoldenCase, MechanismRule, PackData, PackSchema
from kgreason.types import Edge, Node

if TYPE_CHECKING:
    import typer

_CAPITALS = {"france": "paris", "germany": "berlin", "belgium": "brussels", "spain": "madrid"}
_BORDERS = [("france", "germany"), ("france", "belgium"), ("france", "spain"), ("belgium", "germany")]
_SOURCE = ["cia_world_factbook"]


class GeoPack(DomainPack):
    """Countries, capitals and borders."""

    name = "geo"
    version = "0.1.0"
    description = "Example third-party pack: European countries, capitals, borders"
    default_graph = "geo"

    def schema(self) -> PackSchema:
        return PackSchema(
            labels={"Country": "a sovereign state", "City": "a city"},
            relationship_types={
                "CAPITAL_OF": "city is the capital of a country {source}",
                "BORDERS": "country shares a land border with a country {source}",
            },
        )

    def graph_data(self) -> PackData:
        nodes = [Node(c, ("Country",), {"name": c.title()}) for c in _CAPITALS]
        nodes += [Node(city, ("City",), {"name": city.title()}) for city in _CAPITALS.values()]
        edges = [Edge(city, "CAPITAL_OF", c, {"source": _SOURCE}) for c, city in _CAPITALS.items()]
        edges += [Edge(a, "BORDERS", b, {"source": _SOURCE}) for a, b in _BORDERS]
        return PackData(nodes, edges)

    def rules(self) -> Sequence[MechanismRule]:
        return (MechanismRule("common_neighbour", "BORDERS", "BORDERS", "Country", "a and b both border m"),)

    def cypher_templates(self) -> Mapping[str, str]:
        return {"capital": "MATCH (c:{graph_label}:City)-[:CAPITAL_OF]->(k {{id: $country}}) RETURN c.id"}

    def prompts(self) -> Mapping[str, str]:
        return {"system": "You answer geography questions using only the given facts."}

    def cli_app(self) -> typer.Typer:
        from kgr_example_pack.cli import app

        return app

    def golden_set(self) -> Sequence[GoldenCase]:
        return tuple(GoldenCase((city, country), "CAPITAL_OF") for country, city in _CAPITALS.items())
