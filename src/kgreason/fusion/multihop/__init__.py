"""Multi-hop reasoning: hop-by-hop path exploration on any store, text2cypher with validation on Neo4j."""

from kgreason.fusion.multihop.strategy import MultihopOptions, MultihopStrategy

__all__ = ["MultihopOptions", "MultihopStrategy"]
