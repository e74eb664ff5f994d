"""Prompt retrieval: link entities, pull the relevant subgraph, put cited triples in the prompt."""

from kgreason.fusion.retrieve.strategy import RetrieveOptions, RetrieveStrategy

__all__ = ["RetrieveOptions", "RetrieveStrategy"]
