"""Test helpers shipped for users and plugin authors: the graph-store contract suite, a real Neo4j."""
