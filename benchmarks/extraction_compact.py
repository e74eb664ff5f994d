"""Reply tokens of kgreason's extraction request through llama.cpp's server: ``response_format`` (llama.cpp
turns the schema into a grammar that lets the model indent and break lines) against ``json_mode=grammar``
(an LLGuidance grammar with the whitespace fixed), on the same chunks, same model, same reply budget.

Each chunk is sent once per mode through kgreason's ``openai`` backend (``LLMExtractor``), behind the
counting proxy of ``extraction_endpoint.py``; per mode: completion tokens, line breaks in the replies, the
triples proposed and the wall time.

Usage::

    .venv/bin/python benchmarks/extraction_compact.py --model qwen2.5-coder-1.5b [--docs-per-domain 1]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

from _records import headline, load_average, write_record
from extraction_corpus import load_corpus
from extraction_endpoint import Endpoint

MODES = ("json_schema", "grammar")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    ap.add_argument("--docs-per-domain", type=int, default=1, help="the first chunk of the first N documents")
    ap.add_argument("--max-tokens", type=int, default=1024)
    ap.add_argument("--parallel", type=int, default=3)
    ap.add_argument("--no-record", action="store_true")
    args = ap.parse_args(argv)
    from kgreason.documents.chunking import chunk_text
    from kgreason.documents.extract import LLMExtractor
    from kgreason.documents.schema import schema_from_dict
    from kgreason.errors import LLMError
    from kgreason.llm import create_chat_model

    load0 = load_average()
    os.environ.setdefault("KGR_OPENAI_API_KEY", "sk-local-benchmark")  # the local endpoint ignores it
    work = []
    for d in load_corpus():
        schema = schema_from_dict(d.schema_for_extractor(phrases=True), where=d.name)
        for doc in d.documents[: args.docs_per_domain]:
            work.append((d.name, doc["id"], schema, chunk_text(doc["text"])[0].text))
    results: dict[str, Any] = {"model": args.model, "chunks": len(work), "max_tokens": args.max_tokens}
    with Endpoint(args.model, parallel=args.parallel) as ep:
        for mode in MODES:
            ep.reset()
            llm = create_chat_model(
                "openai",
                model=args.model,
                options={
                    "base_url": ep.url,
                    "concurrency": args.parallel,
                    "timeout_s": 1800,
                    "json_mode": mode,
                },
            )
            per_chunk = []
            start = time.perf_counter()
            # one chunk per request, all chunks of a domain share a schema: send them one domain at a time
            for name in dict.fromkeys(w[0] for w in work):
                items = [w for w in work if w[0] == name]
                requests = [LLMExtractor(llm, max_tokens=args.max_tokens)._request(w[3], w[2]) for w in items]
                try:
                    replies: list[Any] = list(llm.chat_many(requests))
                except LLMError as exc:  # keep the valid replies; a failed one counts as failed
                    replies = list(exc.partial) if exc.partial is not None else [None] * len(items)
                for w, r in zip(items, replies, strict=True):
                    if r is None:
                        per_chunk.append({"doc": w[1], "failed": True})
                        continue
                    triples = r.data.get("triples", []) if isinstance(r.data, dict) else []
                    per_chunk.append(
                        {
                            "doc": w[1],
                            "completion_tokens": r.completion_tokens,
                            "line_breaks": r.text.count("\n"),
                            "triples": len(triples),
                            "finish_reason": r.finish_reason,
                        }
                    )
            llm.close()
            usage = ep.usage()
            results[mode] = {
                "completion_tokens": usage["completion_tokens"],
                "prompt_tokens": usage["prompt_tokens"],
                "calls": usage["calls"],
                "triples": sum(c.get("triples", 0) for c in per_chunk),
                "line_breaks": sum(c.get("line_breaks", 0) for c in per_chunk),
                "failed": sum(1 for c in per_chunk if c.get("failed")),
                "wall_s": round(time.perf_counter() - start, 1),
                "per_chunk": per_chunk,
            }
            r = results[mode]
            print(
                f"{mode:12s} completion tokens {r['completion_tokens']}, triples {r['triples']}, "
                f"line breaks {r['line_breaks']}, {r['wall_s']} s",
                flush=True,
            )
    before, after = results["json_schema"], results["grammar"]
    per = {m: results[m]["completion_tokens"] / max(1, results[m]["triples"]) for m in MODES}
    rows = [
        headline(
            f"reply tokens, {args.model}, {len(work)} chunks",
            f"{before['completion_tokens']} (response_format) -> {after['completion_tokens']} (grammar); "
            f"per proposed triple {per['json_schema']:.1f} -> {per['grammar']:.1f}",
        )
    ]
    if not args.no_record:
        write_record(
            "extraction_compact",
            results,
            variant=args.model.replace(".", "_"),
            title="Extraction replies through llama.cpp's server: free vs fixed JSON whitespace",
            headline=rows,
            load_at_start=load0,
        )
    return results


if __name__ == "__main__":
    main()
    sys.exit(0)
