"""Asking with a domain pack: the pack's system prompt, its entity hints as the topic, its answer checks.

``ask_with_pack`` is what ``kgr ask --pack NAME`` runs; the parts are here for callers that build their
own engine. A pack is any ``kgreason.domains.DomainPack`` (only its methods are used, so this module does
not import the domains layer).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kgreason.config import Settings
from kgreason.graph.store import GraphStore
from kgreason.llm.system_prompt import with_system_prompt
from kgreason.types import Answer

if TYPE_CHECKING:
    from kgreason.domains.pack import DomainPack
    from kgreason.llm import ChatModel

PACK_CHECKS = "pack_checks"
"""The trace step that holds a pack's answer checks (``{"step", "pack", "version", "notes"}``)."""


def pack_llm(pack: DomainPack, llm: ChatModel | None) -> ChatModel | None:
    """``llm`` answering with the pack's system prompt (unchanged when there is no model or prompt)."""
    return with_system_prompt(llm, pack.prompts().get("system")) if llm is not None else None


def pack_topic(pack: DomainPack, question: str, store: GraphStore) -> str | None:
    """The first entity the pack recognises in ``question`` that is in the graph (its entity hints)."""
    for node_id in pack.entity_hints(question):
        if store.get_node(node_id) is not None:
            return node_id
    return None


def checked_answer(pack: DomainPack, answer: Answer, store: GraphStore) -> Answer:
    """``answer`` with the pack's answer checks recorded in its trace (step ``pack_checks``)."""
    notes = pack.answer_checks(answer, store)
    step = {"step": PACK_CHECKS, "pack": pack.name, "version": pack.version, "notes": notes}
    return dataclasses.replace(answer, trace=(*answer.trace, step))


def pack_notes(answer: Answer) -> list[str]:
    """The warnings of the pack's answer checks recorded in ``answer`` (empty when none ran)."""
    return [
        str(line)
        for step in answer.trace
        if isinstance(step, Mapping) and step.get("step") == PACK_CHECKS
        for line in step.get("notes", ())
    ]


def ask_with_pack(
    pack: DomainPack,
    store: GraphStore,
    question: str,
    *,
    strategy: str = "retrieve",
    llm: str | None = None,
    model: str | None = None,
    options: Mapping[str, Any] | None = None,
    llm_options: Mapping[str, Any] | None = None,
    topic: str | None = None,
    settings: Settings | None = None,
) -> Answer:
    """Answer ``question`` over ``store`` (holding the pack's graph) with the pack's system prompt, its entity
    hints as the topic (unless ``topic``), and its answer checks in the trace (``pack_notes`` reads them)."""
    from kgreason.reasoning.engine_factory import chat_model, make_engine

    config = settings or Settings.from_config()
    chat = pack_llm(pack, chat_model(llm, model=model, settings=config, options=dict(llm_options or {})))
    engine = make_engine(
        store,
        strategy=strategy,
        llm=chat,
        model=model,
        options=dict(options or {}),
        settings=config,
        llm_options=dict(llm_options or {}),
    )
    answer = engine.ask(question, topic=topic or pack_topic(pack, question, store))
    return checked_answer(pack, answer, store)
