"""Build an ``Engine`` and its chat model from names: the one place where ``"retrieve"``, ``"llamacpp"`` and
a model name become objects.

The Python API (``kgreason.api``), the ``kgr`` CLI and the LangChain adapters all build engines here, so
they agree on defaults. ``Engine`` and the LLM backends are imported when first called, so importing this
module stays light.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kgreason.config import Settings
from kgreason.graph.store import GraphStore

if TYPE_CHECKING:
    from kgreason.llm.base import ChatModel
    from kgreason.reasoning.engine import Engine


def chat_model(
    llm: str | ChatModel | None,
    *,
    model: str | None = None,
    settings: Settings | None = None,
    cache: bool = False,
    options: Mapping[str, Any] | None = None,
) -> ChatModel | None:
    """The chat model ``llm`` names; ``None`` and ``"none"`` mean no model.

    Args:
        llm: a backend name, ``None``/``"none"``, or a model object (returned as it is).
        model: model name or path for the backend (e.g. ``qwen2.5-coder-0.5b`` or a ``.gguf`` path).
        settings: where models and caches live (default: from the environment).
        cache: cache replies on disk (evaluation does; interactive use does not).
        options: backend options (``base_url=...`` for ``openai``); unknown keys are an error.

    Returns:
        The model, or ``None``.
    """
    if llm is None or llm == "none":
        return None
    if not isinstance(llm, str):
        return llm
    from kgreason.llm import create_chat_model

    return create_chat_model(llm, settings=settings, model=model, cache=cache, options=options)


def make_engine(
    store: GraphStore,
    *,
    strategy: str = "retrieve",
    llm: str | ChatModel | None = None,
    model: str | None = None,
    options: Mapping[str, Any] | None = None,
    settings: Settings | None = None,
    cache: bool = False,
    llm_options: Mapping[str, Any] | None = None,
) -> Engine:
    """An ``Engine`` over ``store`` with the strategy and the LLM given by name.

    Args:
        store: the graph.
        strategy: a registered strategy name (``retrieve``, ``multihop``, ``gnn``, or a plugin).
        llm: a backend name, ``None``/``"none"`` for no model, or a model object.
        model: model name or path for the backend.
        options: the strategy's options (unknown keys raise ``ConfigError`` when the strategy is built);
            for ``retrieve`` and ``multihop`` they override a ranker fitted to the graph
            (``kgr train ranker``).
        settings: where caches live (default: from the environment).
        cache: cache LLM replies on disk.
        llm_options: backend options.
    """
    from kgreason.reasoning.engine import Engine
    from kgreason.reasoning.ranker import fitted_options

    settings = settings or Settings.from_env()
    chat = chat_model(llm, model=model, settings=settings, cache=cache, options=llm_options)
    # a ranker fitted to this graph (``kgr train ranker``) sets the path-scoring weights; options given
    # here still win
    fitted = fitted_options(settings, store.backend, store.graph, strategy)
    if fitted:
        options = {**fitted, **dict(options or {})}
    return Engine(store, strategy=strategy, llm=chat, options=options, settings=settings)
