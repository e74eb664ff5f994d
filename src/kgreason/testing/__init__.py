"""Test helpers shipped for users and plugin authors: the contract suites (graph stores, LLM backends,
strategies, vector indexes), entry points declared without installing, a real Neo4j."""
