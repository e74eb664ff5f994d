"""Which order answers more of retrieve's ``chunks`` questions right: the entity of the asked type that a
found chunk mentions first (what ships), or the mentioned entities as anchors of the relation-path reading
first (the typed entity only when no reading answers)?

The questions, corpus and gold answers are those of ``tests/documents/test_chunk_retrieve.py`` (memory
store, rule extractor, the bundled MiniLM). Run: ``.venv/bin/python benchmarks/chunk_retrieve_order.py``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    os.environ["KGR_HOME"] = tempfile.mkdtemp(prefix="kgr-chunk-order-")
    sys.path.insert(0, str(ROOT / "tests" / "documents"))
    from docs_fixtures import SCHEMA_YAML, write_corpus  # type: ignore[import-not-found,unused-ignore]
    from test_chunk_retrieve import (  # type: ignore[import-not-found,unused-ignore]
        IN_GRAPH,
        TEXT_ONLY,
        TEXTS,
        THROUGH_TEXT,
    )

    from kgreason.config import Settings
    from kgreason.documents import ResolveOptions, RuleExtractor, extract_documents, load_schema
    from kgreason.embed import default_encoder
    from kgreason.fusion.base import Seed
    from kgreason.fusion.forms import resolve
    from kgreason.fusion.question import mask_question
    from kgreason.fusion.retrieve import strategy as retrieve
    from kgreason.graph.memory import MemoryStore
    from kgreason.reasoning.engine import Engine

    tmp = Path(tempfile.mkdtemp(prefix="kgr-chunk-order-data-"))
    (tmp / "schema.yaml").write_text(SCHEMA_YAML)
    root = write_corpus(tmp / "corpus", TEXTS)
    settings = Settings.from_env()
    store = MemoryStore("chunk_order", settings)
    extract_documents(
        store,
        [root],
        RuleExtractor(),
        schema=load_schema(tmp / "schema.yaml"),
        resolve=ResolveOptions(embedding=None),
    )
    encoder = default_encoder()
    questions = [(q, g) for q, g, _, _ in TEXT_ONLY] + list(THROUGH_TEXT) + list(IN_GRAPH)
    shipped = retrieve.RetrieveStrategy._from_text

    def anchors_first(self: Any, ctx: Any, hits: Any, type_ok: Any) -> Any:
        wanted = type_ok or (self._type_check(ctx) if ctx.analysis.answer_type else None)
        masked = mask_question(ctx.question, [s.mention for s in ctx.seeds])
        nodes = ctx.store.get_nodes(list(dict.fromkeys(e for h in hits for e in h.entities)))
        best: Any = None
        for entity in nodes:
            readings = {entity: self._readings(ctx, entity, masked)}
            analysis = replace(ctx.analysis, anchors=(entity,), mentions=())
            res = resolve(analysis, readings, wanted, self.options.form_settings())
            better = best is None or (res.chosen and res.chosen[0].score > best[0].chosen[0].score)
            if res.abstained is None and res.chosen and better:
                best = (res, readings, (Seed(entity, "", 1.0),))
        if best is None:
            return shipped(self, ctx, hits, type_ok)
        res, readings, seeds = best
        return retrieve.evidence_for(replace(ctx, seeds=seeds), res, readings, self.options.token_budget)

    runs: list[tuple[str, Any, dict[str, int]]] = [
        ("option off", None, {}),
        ("typed entity first (shipped)", shipped, {"chunks": 3}),
        ("anchors first", anchors_first, {"chunks": 3}),
    ]
    for name, method, options in runs:
        if method is not None:
            retrieve.RetrieveStrategy._from_text = method  # type: ignore[method-assign]
        engine = Engine(store, settings=settings, encoder=encoder, options=options)
        right = 0
        for question, gold in questions:
            answers = engine.ask(question).answers
            right += answers == (gold,)
            print(f"  {name}: {question!r} -> {list(answers)} (gold {gold})")
        print(f"{name}: {right}/{len(questions)} right")
    retrieve.RetrieveStrategy._from_text = shipped  # type: ignore[method-assign]


if __name__ == "__main__":
    main()
