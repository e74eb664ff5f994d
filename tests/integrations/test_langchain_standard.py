"""LangChain's own standard suites (``langchain-tests``) against the real engine on a real graph.

The graph is ``examples/data/family.tsv`` loaded into the memory store under a temporary ``KGR_HOME``;
the engine runs the retrieve strategy (and, for the retriever, also multihop) with the bundled MiniLM
encoder and no LLM (``llm=None``: ranked answers with cited evidence, no generation), so every call
does the real linking, path ranking and store queries. The suites' async tests run through
pytest-asyncio (marked in conftest.py: the project does not switch the whole suite to auto mode).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_tests.integration_tests import (
    RetrieversIntegrationTests,
    ToolsIntegrationTests,
)
from langchain_tests.unit_tests import ToolsUnitTests

import kgreason
from kgreason.integrations.langchain import KgAnswerTool, KgRetriever
from kgreason.reasoning.engine import Engine

FAMILY = Path(__file__).resolve().parents[2] / "examples" / "data" / "family.tsv"
QUESTION = "Where is the company alice works at located?"

_engine: dict[str, Engine] = {}
_home: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def family_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    home = tmp_path_factory.mktemp("kgr-home")
    graph = kgreason.open_graph("family", home=home)
    graph.load(FAMILY)
    _home["family"] = str(home)
    _engine["family"] = graph.engine(llm=None)
    _engine["multihop"] = graph.engine("multihop", llm=None)
    yield _engine["family"]
    _engine.clear()


class TestKgRetrieverStandard(RetrieversIntegrationTests):
    @property
    def retriever_constructor(self) -> type[KgRetriever]:
        return KgRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"engine": _engine["family"]}

    @property
    def retriever_query_example(self) -> str:
        return QUESTION


class TestKgRetrieverMultihopStandard(RetrieversIntegrationTests):
    """The same suite with the evidence of the multihop strategy (path exploration, no LLM)."""

    @property
    def retriever_constructor(self) -> type[KgRetriever]:
        return KgRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"engine": _engine["multihop"]}

    @property
    def retriever_query_example(self) -> str:
        return QUESTION


class TestKgAnswerToolUnit(ToolsUnitTests):
    @property
    def tool_constructor(self) -> type[KgAnswerTool]:
        return KgAnswerTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {"engine": _engine["family"]}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"question": QUESTION}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        # the graph named, everything else from the environment: KGR_HOME, and KGR_LLM=none (no model)
        env = {"KGR_HOME": _home["family"], "KGR_LLM": "none"}
        return env, {"graph": "family"}, {"graph": "family", "store": "memory", "llm": "none"}


class TestKgAnswerToolIntegration(ToolsIntegrationTests):
    @property
    def tool_constructor(self) -> type[KgAnswerTool]:
        return KgAnswerTool

    @property
    def tool_constructor_params(self) -> dict[str, Any]:
        return {"engine": _engine["family"]}

    @property
    def tool_invoke_params_example(self) -> dict[str, Any]:
        return {"question": QUESTION, "topic": "alice"}
