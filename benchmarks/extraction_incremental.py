"""Incremental document extraction on a 100-document corpus: edits re-extract only changed chunks, the graph
equals a from-scratch extraction, and deleting a document removes exactly the facts it alone supported.

The corpus is generated from the labelled drug-label sentences (``extraction_data/drug_labels``): 100
documents of 3 paragraphs, each paragraph 2 sentences drawn with a fixed seed so that no paragraph repeats
(a chunk's id is a hash of its text, so a repeated paragraph would be one chunk); 20 documents end with a
paragraph of sentences found nowhere else. This is a mechanics test,
not a quality test: it runs with the zero-LLM ``RuleExtractor`` by default, or with ``--llm-model NAME``
through the bundled llama.cpp backend (then LLM calls are counted by the model's meter).

Steps, on the memory store: extract all; re-run unchanged; extract in a child process killed with SIGKILL\nafter three saved batches, re-run, compare with the clean run; edit one paragraph of one document and re-run;
compare with a from-scratch extraction of the edited folder; delete one document and re-run; compare the
removed facts with those whose every supporting chunk belonged to that document, and the graph with a
from-scratch extraction again.

Usage: ``.venv/bin/python benchmarks/extraction_incremental.py [--llm-model smollm2-135m] [--no-record]``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _records import headline, load_average, write_record
from extraction_corpus import load_corpus

from kgreason.config import Settings
from kgreason.documents import ResolveOptions, RuleExtractor, extract_documents, schema_from_dict
from kgreason.graph.memory import MemoryStore
from kgreason.testing.graph_contract import checksum

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "extraction_incremental.json"
N_DOCS, PARAGRAPHS, SENTENCES = 100, 3, 2
SEED = 16
UNIQUE_DOCS = 20


def build_corpus(folder: Path, sentences: list[str], rng: random.Random, n_docs: int) -> list[list[str]]:
    """Write ``n_docs`` documents of ``PARAGRAPHS`` paragraphs and return them, plus one spare paragraph.

    No paragraph repeats. Most sentences recur across documents (their facts have several supports); the
    last paragraph of the first ``UNIQUE_DOCS`` documents is made of sentences used nowhere else, so
    deleting such a document has facts of its own to remove."""
    order = list(range(len(sentences)))
    rng.shuffle(order)
    unique_docs = min(UNIQUE_DOCS, n_docs)
    reserved, shared = order[: unique_docs * SENTENCES], order[unique_docs * SENTENCES :]
    used: set[tuple[int, ...]] = set()

    def paragraph() -> str:
        while True:
            pick = tuple(sorted(rng.sample(shared, SENTENCES)))
            if pick not in used:
                used.add(pick)
                return " ".join(sentences[i] for i in pick)

    folder.mkdir(parents=True, exist_ok=True)
    docs = []
    for i in range(n_docs):
        paras = [paragraph() for _ in range(PARAGRAPHS)]
        if i < unique_docs:
            paras[-1] = " ".join(sentences[k] for k in reserved[i * SENTENCES : (i + 1) * SENTENCES])
        (folder / f"doc_{i:03d}.txt").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
        docs.append(paras)
    docs.append([paragraph()])  # a spare paragraph for the edit, never written as a document
    return docs


def facts(store: MemoryStore) -> dict[tuple[str, str, str], tuple[str, ...]]:
    return {
        (e.source, e.type, e.target): tuple(sorted(e.properties["kgr_support"]))
        for e in store.iter_edges()
        if "kgr_support" in e.properties
    }


def entities(store: MemoryStore) -> dict[str, tuple[str, ...]]:
    return {
        n.id: tuple(n.labels)
        for n in store.iter_nodes()
        if not {"Document", "Chunk"} & set(n.labels) and not n.id.startswith("kgr")
    }


CHILD = """
import sys, time
sys.path.insert(0, {here!r})
from pathlib import Path
from extraction_corpus import load_corpus
from kgreason.config import Settings
from kgreason.documents import ResolveOptions, RuleExtractor, extract_documents, schema_from_dict
from kgreason.graph.memory import MemoryStore
(drug,) = load_corpus(domains=["drug_labels"])
schema = schema_from_dict(drug.schema_for_extractor(phrases=True))
def progress(done, total, calls):
    print("batch", done, total, flush=True)
    time.sleep(0.5)  # a slow extractor: leaves time to be killed between saved batches
store = MemoryStore("killed", Settings(home=Path({home!r})))
extract_documents(store, [Path({folder!r})], RuleExtractor(), schema=schema,
                  resolve=ResolveOptions(embedding=None), progress=progress)
print("finished", flush=True)
"""


def kill_and_rerun(folder: Path, settings: Settings, run: Any, reference: str) -> dict[str, Any]:
    """Extract in a child process, ``kill -9`` it after its third saved batch, then re-run here on the
    same stored graph and compare with the from-scratch graph (``reference`` checksum)."""
    code = CHILD.format(here=str(HERE), home=str(settings.home), folder=str(folder))
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    batches = 0
    for line in child.stdout:
        if line.startswith("batch"):
            batches += 1
            if batches == 3:
                os.kill(child.pid, signal.SIGKILL)
                break
    child.wait()
    store = MemoryStore("killed", settings)
    saved = sum(1 for n in store.iter_nodes() if "Chunk" in n.labels)
    rerun = run(store)
    return {
        "killed_after_batches": batches,
        "exit_code": child.returncode,
        "chunks_saved_before_kill": saved,
        "rerun": rerun,
        "checksum_equal_clean_run": checksum(store) == reference,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--llm-model", default=None, help="extract with this llama.cpp model instead of rules")
    ap.add_argument("--docs", type=int, default=N_DOCS, help="documents in the generated corpus")
    ap.add_argument("--no-record", action="store_true")
    args = ap.parse_args(argv)
    load0 = load_average()
    (drug,) = load_corpus(domains=["drug_labels"])
    schema = schema_from_dict(drug.schema_for_extractor(phrases=True))
    sentences = [s["sentence"] for s in drug.sentences]
    resolve = ResolveOptions(embedding=None)
    with tempfile.TemporaryDirectory(prefix="kgr-incremental-") as tmp:
        root = Path(tmp)
        settings = Settings(home=root / "home")
        folder = root / "corpus"
        n_docs = args.docs
        docs = build_corpus(folder, sentences, random.Random(SEED), n_docs)
        extractor: Any
        if args.llm_model:
            from kgreason.documents import LLMExtractor
            from kgreason.llm import create_chat_model

            extractor = LLMExtractor(create_chat_model("llamacpp", settings=settings, model=args.llm_model))
        else:
            extractor = RuleExtractor()

        def run(store: MemoryStore) -> dict[str, Any]:
            t0 = time.perf_counter()
            report = extract_documents(store, [folder], extractor, schema=schema, resolve=resolve).to_dict()
            report["wall_s"] = round(time.perf_counter() - t0, 3)
            return {k: report[k] for k in KEEP}

        def scratch(name: str) -> MemoryStore:
            store = MemoryStore(name, settings)
            run(store)
            return store

        out: dict[str, Any] = {"documents": n_docs, "extractor": extractor.model_id}
        live = MemoryStore("incremental", settings)
        out["initial"] = run(live)
        out["facts"] = len(facts(live))
        out["rerun_unchanged"] = run(live)
        if not args.llm_model:  # the child process extracts with rules; an LLM child would load its own model
            out["kill9"] = kill_and_rerun(folder, settings, run, checksum(live))
        # edit: the second paragraph of document 42 becomes the spare paragraph
        edited = min(42, n_docs - 1)
        paras = list(docs[edited])
        paras[1] = docs[-1][0]
        (folder / f"doc_{edited:03d}.txt").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
        out["edit"] = run(live)
        ref = scratch("scratch_after_edit")
        out["edit"]["changed_chunks"] = 1
        out["edit"]["facts_equal_scratch"] = facts(live) == facts(ref)
        out["edit"]["entities_equal_scratch"] = entities(live) == entities(ref)
        out["edit"]["checksum_equal_scratch"] = checksum(live) == checksum(ref)
        # delete: the document that alone supports the most facts (those whose every chunk is its own)
        before = facts(live)
        candidates = []
        for i in range(n_docs):
            node = live.get_node(f"document:{folder / f'doc_{i:03d}.txt'}")
            own = set(node.properties["kgr_chunks"]) if node is not None else set()
            alone_i = {f for f, support in before.items() if support and set(support) <= own}
            candidates.append((-len(alone_i), i, alone_i))
        _, deleted, alone = min(candidates, key=lambda c: (c[0], c[1]))
        out["deleted_document"] = deleted
        (folder / f"doc_{deleted:03d}.txt").unlink()
        out["delete"] = run(live)
        after = facts(live)
        ref = scratch("scratch_after_delete")
        out["delete"].update(
            alone_supported=len(alone),
            removed=len(set(before) - set(after)),
            removed_exactly_alone=(set(before) - set(after)) == alone,
            support_shrunk=sum(1 for f in after if f in before and after[f] != before[f]),
            facts_equal_scratch=after == facts(ref),
            entities_equal_scratch=entities(live) == entities(ref),
            checksum_equal_scratch=checksum(live) == checksum(ref),
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, indent=2), encoding="utf-8")
    print(json.dumps(out, indent=2))
    if not args.no_record:
        e, d = out["edit"], out["delete"]
        k9 = out.get("kill9", {}).get("checksum_equal_clean_run")
        kill_rows = (
            [] if k9 is None else [headline("kill -9 mid-extract, re-run = clean run", k9, "true", k9)]
        )
        write_record(
            "extraction_incremental",
            out,
            variant=None if not args.llm_model else args.llm_model,
            title=f"Document extraction: incremental updates ({n_docs} documents)",
            headline=[
                headline(
                    "chunks re-extracted after a one-paragraph edit",
                    e["chunks_extracted"],
                    "= 1",
                    e["chunks_extracted"] == 1,
                ),
                headline(f"LLM calls for that edit (extractor: {out['extractor']})", e["llm_calls"]),
                headline(
                    "graph after edit = from scratch (facts, support)",
                    e["facts_equal_scratch"],
                    "true",
                    e["facts_equal_scratch"],
                ),
                headline(
                    "delete removes exactly the facts it alone supported",
                    d["removed_exactly_alone"],
                    "true",
                    d["removed_exactly_alone"],
                ),
                headline(
                    "graph after delete = from scratch",
                    d["facts_equal_scratch"],
                    "true",
                    d["facts_equal_scratch"],
                ),
                *kill_rows,
            ],
            load_at_start=load0,
        )
    return out


KEEP = (
    "documents",
    "documents_new",
    "documents_changed",
    "documents_removed",
    "chunks",
    "chunks_extracted",
    "chunks_cached",
    "chunks_failed",
    "llm_calls",
    "facts_added",
    "facts_removed",
    "support_changed",
    "seconds",
    "extract_seconds",
    "wall_s",
)

if __name__ == "__main__":
    main()
    sys.exit(0)
