"""Peer extractors for ``benchmarks/extraction.py``, run inside the peers' own virtual environment.

The peers are not kgreason dependencies (LangChain's ``LLMGraphTransformer`` needs
``langchain-experimental``, neo4j-graphrag needs its own pins), so ``extraction.py`` runs this file with the
peers' interpreter as a subprocess. Only the standard library and the peer packages are imported here.

Set up once (versions the benchmark was run with; langchain-core kept inside the project's own pin)::

    python3.11 -m venv /tmp/peers-venv
    /tmp/peers-venv/bin/pip install "langchain-experimental==0.4.2" "langchain-openai==1.7.4" \\
        "langchain-core>=1.4,<1.8" "neo4j-graphrag==1.22.0"

Usage (what ``extraction.py`` does): ``PEERS_PYTHON benchmarks/extraction_peers.py REQUEST.json OUT.json``
where the request is ``{"system": "langchain"|"neo4j-graphrag", "base_url": ".../v1", "model": "...",
"schema": {"entities": [...], "relations": [...]}, "documents": [{"id", "text"}], "concurrency": N}``.
The output is ``{"predictions": {doc_id: [[head, head_type, relation, tail, tail_type], ...]},
"errors": {doc_id: message}, "wall_s": float, "versions": {...}}``. A peer that is not installed exits
with status 3 and a one-line message saying how to install it.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import warnings
from importlib import metadata
from typing import Any

warnings.filterwarnings("ignore", category=DeprecationWarning)

API_KEY = "sk-local-benchmark"  # the local endpoint ignores it; the clients insist on one
INSTALL = (
    'pip install "langchain-experimental==0.4.2" "langchain-openai==1.7.4" "langchain-core>=1.4,<1.8" '
    '"neo4j-graphrag==1.22.0"'
)


def _versions(*names: str) -> dict[str, str]:
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def _missing(what: str, exc: Exception) -> None:
    print(f"{what} is not installed in {sys.executable} ({exc}); install: {INSTALL}", file=sys.stderr)
    sys.exit(3)


Triple = list[str]


def run_langchain(req: dict[str, Any]) -> tuple[dict[str, list[Triple]], dict[str, str]]:
    try:
        from langchain_core.documents import Document
        from langchain_experimental.graph_transformers import LLMGraphTransformer  # type: ignore[import-not-found]
        from langchain_openai import ChatOpenAI  # type: ignore[import-not-found]
    except ImportError as exc:
        _missing("langchain-experimental / langchain-openai", exc)
    schema = req["schema"]
    llm = ChatOpenAI(
        model=req["model"],
        base_url=req["base_url"],
        api_key=API_KEY,
        temperature=0,
        max_tokens=req.get("max_tokens", 1024),
        timeout=600,
        max_retries=0,
    )
    transformer = LLMGraphTransformer(
        llm=llm,
        allowed_nodes=[e["name"] for e in schema["entities"]],
        allowed_relationships=[(r["domain"], r["name"], r["range"]) for r in schema["relations"]],
        ignore_tool_usage=bool(req.get("ignore_tool_usage", False)),
    )
    preds: dict[str, list[Triple]] = {}
    errors: dict[str, str] = {}
    sem = asyncio.Semaphore(int(req.get("concurrency", 4)))

    async def one(doc: dict[str, Any]) -> None:
        async with sem:
            try:
                (graph,) = await transformer.aconvert_to_graph_documents([Document(page_content=doc["text"])])
            except Exception as exc:  # a peer failure on one document is recorded, not fatal
                errors[doc["id"]] = f"{type(exc).__name__}: {exc}"[:300]
                preds[doc["id"]] = []
                return
            preds[doc["id"]] = [
                [str(r.source.id), str(r.source.type), str(r.type), str(r.target.id), str(r.target.type)]
                for r in graph.relationships
            ]

    async def main() -> None:
        await asyncio.gather(*(one(d) for d in req["documents"]))

    asyncio.run(main())
    return preds, errors


def run_neo4j_graphrag(req: dict[str, Any]) -> tuple[dict[str, list[Triple]], dict[str, str]]:
    try:
        from neo4j_graphrag.components.entity_relation_extractor import LLMEntityRelationExtractor, OnError  # type: ignore[import-not-found]
        from neo4j_graphrag.components.schema import GraphSchema, NodeType, RelationshipType  # type: ignore[import-not-found]
        from neo4j_graphrag.components.types import TextChunk, TextChunks  # type: ignore[import-not-found]
        from neo4j_graphrag.llm import OpenAILLM  # type: ignore[import-not-found]
    except ImportError as exc:
        _missing("neo4j-graphrag", exc)
    schema = req["schema"]
    graph_schema = GraphSchema(
        node_types=tuple(
            NodeType(label=e["name"], description=e.get("description", "")) for e in schema["entities"]
        ),
        relationship_types=tuple(
            RelationshipType(label=r["name"], description=r.get("description", ""))
            for r in schema["relations"]
        ),
        patterns=tuple((r["domain"], r["name"], r["range"]) for r in schema["relations"]),
    )
    llm = OpenAILLM(
        model_name=req["model"],
        base_url=req["base_url"],
        api_key=API_KEY,
        model_params={"temperature": 0, "max_tokens": req.get("max_tokens", 1024)},
    )
    extractor = LLMEntityRelationExtractor(
        llm=llm,
        create_lexical_graph=False,
        on_error=OnError.IGNORE,
        max_concurrency=int(req.get("concurrency", 4)),
        use_structured_output=bool(req.get("structured_output", False)),
    )
    preds: dict[str, list[Triple]] = {}
    errors: dict[str, str] = {}
    sem = asyncio.Semaphore(int(req.get("concurrency", 4)))

    async def one(doc: dict[str, Any]) -> None:
        async with sem:
            chunks = TextChunks(chunks=[TextChunk(text=doc["text"], index=0)])
            try:
                graph = await extractor.run(chunks=chunks, schema=graph_schema)
            except Exception as exc:
                errors[doc["id"]] = f"{type(exc).__name__}: {exc}"[:300]
                preds[doc["id"]] = []
                return
            nodes = {n.id: n for n in graph.nodes}
            triples: list[Triple] = []
            for rel in graph.relationships:
                head, tail = nodes.get(rel.start_node_id), nodes.get(rel.end_node_id)
                if head is None or tail is None:
                    continue
                triples.append([_name(head), head.label, rel.type, _name(tail), tail.label])
            preds[doc["id"]] = triples

    async def main() -> None:
        await asyncio.gather(*(one(d) for d in req["documents"]))

    asyncio.run(main())
    return preds, errors


def _name(node: Any) -> str:
    """A node's name: the ``name`` property the prompt asks for, else its id without the chunk prefix."""
    props = node.properties or {}
    for key in ("name", "id", "title"):
        if isinstance(props.get(key), str) and props[key].strip():
            return str(props[key])
    return str(node.id).split(":", 1)[-1]


SYSTEMS = {"langchain": run_langchain, "neo4j-graphrag": run_neo4j_graphrag}


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as fh:
        req = json.load(fh)
    system = req["system"]
    if system not in SYSTEMS:
        print(f"unknown peer {system!r}; known: {', '.join(SYSTEMS)}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    preds, errors = SYSTEMS[system](req)
    out = {
        "predictions": preds,
        "errors": errors,
        "wall_s": time.perf_counter() - start,
        "versions": _versions(
            "langchain-core", "langchain-experimental", "langchain-openai", "neo4j-graphrag", "openai"
        ),
    }
    with open(argv[2], "w", encoding="utf-8") as fh:
        json.dump(out, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
