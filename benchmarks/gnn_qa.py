"""Benchmark the gnn strategy: the joint QA model, question encoder frozen, fine-tuned, LoRA or absent.

Two sets, chosen with ``--set``:

- ``world`` (default): the synthetic world graph (``kgreason.testing.synthetic``, ~10k edges) in the
  memory store; a training set (1-3 hops), a dev set (2-3 hops) and 2-hop / 3-hop test sets generated
  with ``make_qa`` (different seeds; test and dev questions whose (topic, relation path) occurs in
  training are removed); the topic entity is given. Bars: Hits@1 >= 0.97 (2-hop), >= 0.95 (3-hop),
  trained in <= 5 minutes on 2 CPU cores.
- ``atlas``: the hand-written Atlas questions (``benchmarks/qa_data/``; too few to train on). The model
  trains on questions *generated* from the Atlas graph (``make_qa`` over 1-3 hops, paraphrased wording,
  10% kept for early stopping) and is scored on the hand-written ``--split`` (dev for every decision;
  test once, at the end) through the engine, entities linked from the text as ``qa_quality.py`` does,
  per question type.

With ``--models gnn-rag,gretriever`` (atlas only), GNN-RAG (frozen encoder) and G-Retriever (``-g KEY=VALUE``
options; ``--gret-train N``: the first N training questions, for both) train on the same generated questions and
are scored on each ``--splits`` half; the record (variant ``atlas-gretriever``) has Hits@1, training wall time
and the per-question answer time of both, and the gap.

``--inverse F`` (both sets) generates the training questions with ``make_qa(..., inverse=F)``: each step
is walked against the stored edge direction with probability F ("Which albums were released by X?"); the
same number of questions, and a variant name ending in ``-inverseP`` (P = 100 F) so the run is recorded
beside the forward-only one.

Each ``--encoders`` mode (``frozen``, ``finetune``, ``lora``, ``none``) trains from the same data and seed
exactly as ``kgr train qa`` does (wall-clock time includes embedding nodes and questions) and is evaluated with
every ``--llm`` backend (``none``: the GNN's ranking is the answer; with a backend, ``--llm-pick`` lets
the model pick one of several asserted answers, which measures whether the pick helps). Writes benchmarks/out/gnn_qa*.json
and a record under benchmarks/records/ (with the load average: the box may be shared).

On ``--set atlas``, ``--seed 0,1`` trains each encoder once per training seed (the generated questions stay
the same) and ``--split dev,test`` scores each trained model on both hand-written halves; the record then
also has, per encoder and half, Hits@1 over the seeds (mean, min, max) and each trained encoder's gap to
``frozen`` (the mean's and seed by seed; bar on test: +2 points).

    .venv/bin/python benchmarks/gnn_qa.py [--set world|atlas] [--encoders frozen,finetune,lora,none]
        [--split dev|test|dev,test] [--seed 0,1] [--inverse 0.5] [--llm none,llamacpp --llm-pick] [--train 1500] [--n 200] [--threads 1] [-o key=value ...]
    .venv/bin/python benchmarks/gnn_qa.py --set atlas --models gnn-rag,gretriever [--splits dev,test]
        [--gret-train N] [-g key=value ...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _records import headline, write_record

from kgreason.config import Settings
from kgreason.graph.memory import MemoryStore
from kgreason.reasoning.engine import Engine
from kgreason.reasoning.evaluation import evaluate
from kgreason.reasoning.qa_gen import QAItem, make_qa
from kgreason.testing.synthetic import world_triples
from kgreason.types import Edge

ROOT = Path(__file__).resolve().parent
MODES = ("frozen", "finetune", "lora", "none")


def _key(item: QAItem) -> tuple[str | None, tuple[str, ...], tuple[str, ...]]:
    directions = item.extra.get("directions") or ["out"] * len(item.relations or ())
    return item.topic_entity, tuple(item.relations or ()), tuple(directions)


def question_mix(items: list[QAItem]) -> dict[str, int]:
    """Training questions by hop count and whether any step reads a relation backwards."""
    mix: dict[str, int] = {}
    for item in items:
        backwards = "in" in (item.extra.get("directions") or ())
        key = f"{item.hops}-hop {'with a backward step' if backwards else 'forward'}"
        mix[key] = mix.get(key, 0) + 1
    return dict(sorted(mix.items()))


def _train(
    store: Any,
    train: list[QAItem],
    dev: list[QAItem],
    settings: Settings,
    options: dict[str, Any],
    args: Any,
    seed: int = 0,
) -> tuple[dict[str, Any], float, tuple[float, float]]:
    """Train as ``kgr train qa`` does; (checkpoint metadata, wall seconds, load average before/after)."""
    from kgreason.embed import default_encoder
    from kgreason.fusion.gnn.training import train_qa_model

    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    meta = train_qa_model(
        store, train, dev, settings=settings, options=options, encoder=default_encoder(),
        device=args.device, seed=seed, threads=args.threads,
        progress=lambda e, r: print({k: round(v, 4) for k, v in r.items()}, file=sys.stderr),
    )  # fmt: skip
    return meta, time.perf_counter() - started, (load_before, os.getloadavg()[0])


def compare(without: list[bool], with_llm: list[bool]) -> dict[str, int]:
    """Questions whose Hits@1 the model changed: made right (better) or made wrong (worse)."""
    better = sum(1 for a, b in zip(without, with_llm, strict=True) if b and not a)
    worse = sum(1 for a, b in zip(without, with_llm, strict=True) if a and not b)
    return {"better": better, "worse": worse}


def _llm(name: str, settings: Settings) -> Any:
    if name == "none":
        return None
    from kgreason.llm import create_chat_model

    return create_chat_model(name, settings=settings)


def run_world(args: Any, options: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    from kgreason.embed import default_encoder

    home = Path(tempfile.mkdtemp(prefix="kgr-bench-"))
    os.environ["KGR_HOME"] = str(home)
    settings = Settings.from_env()
    store = MemoryStore("world", settings)
    store.upsert_edges([Edge(h, r, t) for h, r, t in world_triples(args.people)])
    store.flush()
    stats = store.stats()
    print(f"graph: {stats.nodes} nodes, {stats.edges} edges", file=sys.stderr)
    train = make_qa(store, hops=[1, 2, 3], n=args.train, seed=11, inverse=args.inverse)
    seen = {_key(i) for i in train}
    dev = [i for i in make_qa(store, hops=[2, 3], n=200, seed=12) if _key(i) not in seen]
    tests = {
        h: [i for i in make_qa(store, hops=[h], n=args.n, seed=100 + h) if _key(i) not in seen]
        for h in (2, 3)
    }
    runs = []
    rows_h = []
    bars = {2: 0.97, 3: 0.95}
    for mode in args.encoders:
        meta, wall, load = _train(store, train, dev, settings, {**options, "question_encoder": mode}, args)
        per_llm: dict[str, list[bool]] = {}
        for llm_name in args.llm:
            engine = Engine(
                store, strategy="gnn", settings=settings, encoder=default_encoder(),
                llm=_llm(llm_name, settings), options={"llm_pick": args.llm_pick},
            )  # fmt: skip
            rows = []
            hits: list[bool] = []
            calls = 0
            for hops, items in tests.items():
                summary, records = evaluate(engine, items)
                rows.append({"hops": hops, **summary})
                hits += [bool(r.to_dict()["hit@1"]) for r in records]
                calls += sum(r.result.llm_calls for r in records)
                print(f"{mode}/{llm_name} hops={hops} hits@1={summary['hits@1']:.3f}", file=sys.stderr)
                bar = bars[hops] if mode == "frozen" and llm_name == "none" else None
                rows_h.append(
                    headline(
                        f"{mode} encoder, llm {llm_name}: Hits@1 {hops}-hop (n={summary['n']}, "
                        f"F1 {summary['f1']:.3f}, p50 {summary['latency_ms_p50']:.1f} ms)",
                        round(summary["hits@1"], 3),
                        f">= {bar}" if bar else None,
                        summary["hits@1"] >= bar if bar else None,
                    )
                )
            runs.append({"encoder": mode, "llm": llm_name, "rows": rows, "llm_calls": calls})
            per_llm[llm_name] = hits
            if llm_name != "none" and "none" in per_llm:
                runs[-1]["vs_llm_none"] = compare(per_llm["none"], hits)
                rows_h.append(
                    headline(f"{mode} encoder, llm {llm_name} vs none", str(runs[-1]["vs_llm_none"]))
                )
        m = meta["metrics"]
        runs[-1].update(train_wall_s=round(wall, 1), load_avg=load, metrics=m, config=meta["config"])
        rows_h.append(
            headline(
                f"{mode} encoder: training wall time ({m['epochs']} epochs, {m['finetune_epochs']} with "
                f"the encoder trained; load {load[0]:.1f} -> {load[1]:.1f})",
                f"{wall:.0f} s",
                "<= 300 s",
                wall <= 300,
            )
        )
    header = {
        "graph": stats.to_dict(),
        "train_questions": len(train),
        "dev_questions": len(dev),
        "test_questions": {h: len(v) for h, v in tests.items()},
    }
    notes = (
        f"Synthetic world graph, memory store: {stats.nodes} nodes, {stats.edges} edges. Trained on "
        f"{len(train)} generated questions (1-3 hops), early stopping on {len(dev)} dev questions; test sets "
        "exclude training (topic, relation path) pairs; topic entity given."
    )
    return {**header, "runs": runs}, rows_h, notes


def forward_path(question: dict[str, Any]) -> bool:
    """A question whose gold query is one chain of relations read as stored: the only kind the questions
    generated for training (``make_qa``: forward templates) ask."""
    query = question.get("query") or {}
    return query.get("op") == "path" and all(d == "out" for _, d in query.get("steps", []))


def ask_all(qa_quality: Any, graph: Any, llm: str, questions: list[dict[str, Any]], options: Any) -> Any:
    """``qa_quality.run_one`` for the gnn strategy with strategy options (``llm_pick``)."""
    run = qa_quality.Run("gnn", llm)
    engine = graph.engine("gnn", llm=None if llm == "none" else llm, options=options, cache=False)
    for q in questions:
        started = time.perf_counter()
        try:
            answer = engine.ask(q["question"])
        except Exception as exc:  # every failure is a data point, as in qa_quality
            elapsed = (time.perf_counter() - started) * 1000
            run.outcomes.append(qa_quality.Outcome(q, None, elapsed, f"{type(exc).__name__}: {exc}"))
            continue
        elapsed = (time.perf_counter() - started) * 1000
        run.outcomes.append(qa_quality.Outcome(q, qa_quality.read_answer(answer), elapsed))
    return run


def atlas_graph(
    qa_quality: Any, n: int, prefix: str, inverse: float = 0.0
) -> tuple[Any, dict[str, Any], Any, Any, Path]:
    """The Atlas graph loaded into a fresh memory store, ``n`` questions generated from it (1-3 hops,
    paraphrased, steps read backwards with probability ``inverse``; 10% held for early stopping) and the
    hand-written questions file: (graph, stats, train, dev, questions file)."""
    import kgreason

    nodes, tsv, questions = qa_quality.set_files("atlas")
    home = Path(tempfile.mkdtemp(prefix=prefix))
    graph = kgreason.open_graph("atlas_qa_bench", store="memory", home=home)
    graph.load(nodes, tsv)
    items = make_qa(graph.store, hops=[1, 2, 3], n=n, seed=0, paraphrase=0.5, inverse=inverse)
    cut = max(1, len(items) // 10)
    return graph, graph.stats(), items[cut:], items[:cut], questions


def run_atlas(args: Any, options: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    sys.path.insert(0, str(ROOT))
    import qa_quality

    graph, stats, train, dev, files = atlas_graph(
        qa_quality, args.atlas_train, "kgr-bench-atlas-", args.inverse
    )
    halves = {split: qa_quality.read_questions(files, split, None) for split in args.split}
    runs = []
    rows_h = []
    hits: dict[tuple[str, int, str], float] = {}  # (encoder, seed, split) -> Hits@1, llm none
    walls: dict[str, list[float]] = {}
    for mode in args.encoders:
        for seed in args.seeds:
            meta, wall, load = _train(
                graph.store, train, dev, graph.settings, {**options, "question_encoder": mode}, args, seed
            )
            walls.setdefault(mode, []).append(wall)
            for split, questions in halves.items():
                per_llm: dict[str, list[bool]] = {}
                for llm_name in args.llm:
                    run = ask_all(qa_quality, graph, llm_name, questions, {"llm_pick": args.llm_pick})
                    result = run.to_dict()
                    per_llm[llm_name] = [o.hit for o in run.outcomes]
                    covered = [o.hit for o in run.outcomes if forward_path(o.question)]
                    result["forward_paths"] = {
                        "n": len(covered),
                        "hits@1": round(sum(covered) / max(1, len(covered)), 4),
                    }
                    label = f"{mode} encoder, seed {seed}, llm {llm_name}"
                    if llm_name != "none" and "none" in per_llm:
                        result["vs_llm_none"] = compare(per_llm["none"], per_llm[llm_name])
                        rows_h.append(headline(f"{label} vs none on {split}", str(result["vs_llm_none"])))
                    overall = result["overall"]
                    if llm_name == "none":
                        hits[(mode, seed, split)] = overall["hits@1"]
                    print(f"{mode}/seed {seed}/{split}/{llm_name}: {overall}", file=sys.stderr)
                    per_type = ", ".join(
                        f"{t} {v['hits@1']:.2f}"
                        for t, v in result["by_type"].items()
                        if v["hits@1"] is not None
                    )
                    fp = result["forward_paths"]
                    rows_h.append(
                        headline(
                            f"{label}: Hits@1 on hand-written {split} (n={overall['n']}; {per_type}; "
                            f"forward-path questions n={fp['n']}: {fp['hits@1']:.3f})",
                            overall["hits@1"],
                        )
                    )
                    runs.append({"encoder": mode, "seed": seed, "split": split, "llm": llm_name, **result})
            m = meta["metrics"]
            runs[-1].update(train_wall_s=round(wall, 1), load_avg=load, metrics=m, config=meta["config"])
            rows_h.append(
                headline(
                    f"{mode} encoder, seed {seed}: training wall time ({m['epochs']} epochs, "
                    f"{m['finetune_epochs']} with the encoder trained; generated dev Hits@1 "
                    f"{m.get('dev_hits@1', 0):.3f}; load {load[0]:.1f} -> {load[1]:.1f})",
                    f"{wall:.0f} s",
                )
            )
    summary = seed_summary(hits, walls, args)
    rows_h += summary.pop("rows")
    graph.close()
    header = {
        "graph": stats,
        "split": args.split[0] if len(args.split) == 1 else args.split,
        "seeds": args.seeds,
        "questions": {split: len(q) for split, q in halves.items()},
        "train_questions": len(train),
        "dev_questions": len(dev),
        "inverse": args.inverse,
        "train_mix": question_mix(train),
        "summary": summary,
    }
    notes = (
        f"Atlas graph (memory store). Trained on {len(train)} questions generated from the graph "
        f"(`make_qa`, 1-3 hops, paraphrase 0.5, inverse {args.inverse}: {question_mix(train)}; the same "
        f"questions for every seed; {len(dev)} more for early "
        f"stopping) with training seed(s) {', '.join(map(str, args.seeds))}; each trained model scored on the "
        + " and ".join(f"{len(q)} hand-written {split}" for split, q in halves.items())
        + " questions, entities linked from the text. `forward-path questions`: those whose gold query is "
        "one chain of relations read as stored, the only kind the generated training questions ask."
    )
    return {**header, "runs": runs}, rows_h, notes


def seed_summary(
    hits: dict[tuple[str, int, str], float], walls: dict[str, list[float]], args: Any
) -> dict[str, Any]:
    """Per encoder and half: Hits@1 over the seeds (mean, min, max) and mean training time; with more
    than one encoder, each trained encoder (``finetune``, ``lora``) against ``frozen``: the gap of the
    means (bar: +2 points on test) and the gap seed by seed. ``rows``: the headline rows."""
    out: dict[str, Any] = {"encoders": {}, "vs_frozen": {}}
    rows = []
    for mode in args.encoders:
        per = {}
        for split in args.split:
            values = [hits[(mode, seed, split)] for seed in args.seeds if (mode, seed, split) in hits]
            if not values:
                continue
            per[split] = {"mean": round(sum(values) / len(values), 4), "min": min(values), "max": max(values)}
            rows.append(
                headline(
                    f"{mode} encoder: Hits@1 on hand-written {split}, mean of {len(values)} seed(s) "
                    f"(min {min(values):.3f}, max {max(values):.3f})",
                    per[split]["mean"],
                )
            )
        mean_wall = sum(walls[mode]) / len(walls[mode])
        out["encoders"][mode] = {**per, "train_wall_s_mean": round(mean_wall, 1)}
        rows.append(
            headline(f"{mode} encoder: training wall time, mean of {len(walls[mode])}", f"{mean_wall:.0f} s")
        )
    if "frozen" in args.encoders:
        for mode in (m for m in args.encoders if m in ("finetune", "lora")):
            for split in args.split:
                frozen, joint = out["encoders"]["frozen"].get(split), out["encoders"][mode].get(split)
                if frozen is None or joint is None:
                    continue
                gap = round(joint["mean"] - frozen["mean"], 4)
                by_seed = {
                    seed: round(hits[(mode, seed, split)] - hits[("frozen", seed, split)], 4)
                    for seed in args.seeds
                    if (mode, seed, split) in hits and ("frozen", seed, split) in hits
                }
                out["vs_frozen"][f"{mode}/{split}"] = {"gap": gap, "by_seed": by_seed}
                bar = ">= 0.02" if split == "test" else None
                rows.append(
                    headline(
                        f"{mode} vs frozen on {split}: Hits@1 gap of the means (by seed: "
                        f"{', '.join(f'{s}: {g:+.3f}' for s, g in by_seed.items())})",
                        gap,
                        bar,
                        gap >= 0.02 if bar else None,
                    )
                )
    out["rows"] = rows
    return out


def run_atlas_gretriever(
    args: Any, options: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    """GNN-RAG (frozen encoder) and G-Retriever trained on the same generated Atlas questions, each scored
    on every hand-written ``--split`` through the engine (``--strategy gnn -o mode=...``)."""
    sys.path.insert(0, str(ROOT))
    import qa_quality

    from kgreason.embed import default_encoder
    from kgreason.fusion.gnn.gretriever import train_gretriever
    from kgreason.fusion.gnn.training import train_qa_model

    graph, stats, train, dev, files = atlas_graph(
        qa_quality, args.atlas_train, "kgr-bench-atlas-gret-", args.inverse
    )
    splits = {s: qa_quality.read_questions(files, s, None) for s in args.splits}
    if args.gret_train:
        train = train[: args.gret_train]
    gret_options: dict[str, Any] = {}
    for item in args.gret_option:
        key, _, raw = item.partition("=")
        try:
            gret_options[key] = json.loads(raw)
        except json.JSONDecodeError:
            gret_options[key] = raw
    runs: list[dict[str, Any]] = []
    rows_h: list[dict[str, Any]] = []
    hits: dict[tuple[str, str], float] = {}
    for model in args.models:
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        if model == "gnn-rag":
            meta = train_qa_model(
                graph.store, train, dev, settings=graph.settings,
                options={**options, "question_encoder": "frozen"}, encoder=default_encoder(),
                device=args.device, threads=args.threads,
                progress=lambda e, r: print("gnn-rag", e, r, file=sys.stderr),
            )  # fmt: skip
        else:
            # one epoch: nothing to choose between, so no dev-loss pass (each costs LM forwards)
            one_epoch = int(gret_options.get("epochs", 2)) == 1
            meta = train_gretriever(
                graph.store, train, None if one_epoch else dev, settings=graph.settings, options=gret_options,
                encoder=default_encoder(), device=args.device, threads=args.threads,
                progress=lambda e, r, t0=started: print("gretriever", e, r, time.perf_counter() - t0, file=sys.stderr),
            )  # fmt: skip
        wall = time.perf_counter() - started
        load = (load_before, os.getloadavg()[0])
        m = meta["metrics"]
        rows_h.append(
            headline(
                f"{model}: training wall time ({len(train)} generated questions, {m['epochs']} epochs; "
                f"load {load[0]:.1f} -> {load[1]:.1f})",
                f"{wall:.0f} s",
            )
        )
        for split, questions in splits.items():
            run = ask_all(qa_quality, graph, "none", questions, {"mode": model})
            result = run.to_dict()
            overall = result["overall"]
            hits[(model, split)] = overall["hits@1"]
            print(f"{model}/{split}: {overall}", file=sys.stderr)
            per_type = ", ".join(
                f"{t} {v['hits@1']:.2f}" for t, v in result["by_type"].items() if v["hits@1"] is not None
            )
            rows_h.append(
                headline(
                    f"{model}: Hits@1 on hand-written {split} (n={overall['n']}; abstain "
                    f"{overall['abstain']}; p50 {overall['latency_ms_p50']} ms/question; {per_type})",
                    overall["hits@1"],
                )
            )
            runs.append({"model": model, "split": split, **result})
        runs[-1].update(train_wall_s=round(wall, 1), load_avg=load, metrics=m, config=meta["config"])
    if {"gnn-rag", "gretriever"} <= set(args.models):
        for split in splits:
            gap = round(hits[("gnn-rag", split)] - hits[("gretriever", split)], 4)
            rows_h.append(
                headline(f"G-Retriever vs GNN-RAG on {split}: points behind", gap, "<= 0.05", gap <= 0.05)
            )
    graph.close()
    header = {
        "graph": stats,
        "splits": {s: len(q) for s, q in splits.items()},
        "train_questions": len(train),
        "dev_questions": len(dev),
        "gretriever_options": gret_options,
    }
    notes = (
        f"Atlas graph (memory store). GNN-RAG (frozen question encoder) and G-Retriever (PCST subgraph, GAT "
        f"soft prompt, frozen LM) trained on the same {len(train)} questions generated from the graph "
        f"(`make_qa`, 1-3 hops, paraphrase 0.5; {len(dev)} more for early stopping, and for G-Retriever's "
        "dev loss when it trains more than one epoch); scored "
        "on the hand-written questions, entities linked from the text, no other LLM (`--llm none`). "
        "Answer time is the engine's per-question p50 (G-Retriever: PCST + one LM generation)."
    )
    return {**header, "runs": runs}, rows_h, notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("world", "atlas"), default="world", dest="which")
    parser.add_argument("--encoders", default="frozen", help="comma-separated: frozen, finetune, lora, none")
    parser.add_argument(
        "--seed",
        default="0",
        help="training seed(s), comma-separated (atlas: each encoder trains once per seed)",
    )
    parser.add_argument("--llm", default="none", help="comma-separated backends: none, llamacpp, ...")
    parser.add_argument(
        "--llm-pick", action="store_true", help="let the model pick among several asserted answers"
    )
    parser.add_argument(
        "--split",
        default="dev",
        help="atlas: hand-written half, or dev,test (each trained model scored on both)",
    )
    parser.add_argument(
        "--models",
        default="gnn-rag",
        help="atlas: comma-separated gnn-rag, gretriever; with gretriever both train on the same questions "
        "and are scored on every --splits half",
    )
    parser.add_argument("--splits", default="dev,test", help="atlas with --models: hand-written halves")
    parser.add_argument("--gret-train", type=int, default=0, help="atlas: train on the first N only (0: all)")
    parser.add_argument("-g", "--gret-option", action="append", default=[], help="G-Retriever option K=V")
    parser.add_argument("--atlas-train", type=int, default=1000, help="atlas: questions generated to train")
    parser.add_argument(
        "--inverse",
        type=float,
        default=None,
        help="probability that a generated training question's step reads its relation backwards (default 0)",
    )
    parser.add_argument("--people", type=int, default=2000, help="world: graph size (~5 edges per person)")
    parser.add_argument("--train", type=int, default=1500, help="world: training questions")
    parser.add_argument("--n", type=int, default=200, help="world: test questions per hop count")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--no-record", action="store_true", help="print only (a tuning run)")
    parser.add_argument("-o", "--option", action="append", default=[], help="QA model option KEY=VALUE")
    args = parser.parse_args()
    args.encoders = [m.strip() for m in args.encoders.split(",") if m.strip()]
    args.llm = [m.strip() for m in args.llm.split(",") if m.strip()]
    args.models = [m.strip() for m in args.models.split(",") if m.strip()]
    args.splits = [m.strip() for m in args.splits.split(",") if m.strip()]
    args.split = [m.strip() for m in args.split.split(",") if m.strip()]
    args.seeds = [int(m) for m in args.seed.split(",") if m.strip()]
    if not args.split or (bad := [s for s in args.split if s not in ("dev", "test")]):
        parser.error(f"bad --split {args.split}; use dev, test or dev,test")
    if not args.seeds:
        parser.error("--seed: give at least one seed")
    if args.seeds != [0] and (args.which == "world" or "gretriever" in args.models):
        parser.error("--seed: several seeds, or another than 0, run on --set atlas (gnn-rag) only")
    if bad := [m for m in args.models if m not in ("gnn-rag", "gretriever")]:
        parser.error(f"unknown model(s) {bad}; use gnn-rag, gretriever")
    if bad := [s for s in args.splits if s not in ("dev", "test")]:
        parser.error(f"unknown split(s) {bad}; use dev, test")
    if bad := [m for m in args.encoders if m not in MODES]:
        parser.error(f"unknown encoder mode(s) {bad}; use {', '.join(MODES)}")
    inverse_given = args.inverse is not None
    args.inverse = args.inverse or 0.0
    if not 0.0 <= args.inverse <= 1.0:
        parser.error("--inverse: a probability between 0 and 1")
    options: dict[str, Any] = {}
    for item in args.option:
        key, _, raw = item.partition("=")
        options[key] = json.loads(raw)

    load_start = os.getloadavg()[0]
    if "gretriever" in args.models:
        if args.which != "atlas":
            parser.error("--models gretriever runs on --set atlas")
        results, rows_h, notes = run_atlas_gretriever(args, options)
        variant = "atlas-gretriever"
    elif args.which == "world":
        results, rows_h, notes = run_world(args, options)
        variant = "world-llm-pick" if args.llm_pick else "world"
    else:
        results, rows_h, notes = run_atlas(args, options)
        # one half, seed 0: the variant it always had; else what the run covered (e.g. atlas-dev-test-2seeds)
        variant = "atlas-" + "-".join(args.split)
        if args.seeds == [0, 1]:
            variant += "-2seeds"
        elif len(args.seeds) > 1:
            variant += "-seeds" + "-".join(map(str, args.seeds))
        elif args.seeds != [0]:
            variant += f"-seed{args.seeds[0]}"
    if inverse_given:  # recorded beside the forward-only run, not over it
        variant += f"-inverse{round(args.inverse * 100)}"
    if variant.startswith("atlas-") and args.encoders not in (["frozen"], ["frozen", "finetune"]):
        variant += "-" + "-".join(args.encoders)  # other encoders: beside those runs, not over them
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    results = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine,
        "device": args.device,
        "threads": args.threads,
        "options": options,
        **results,
    }
    print(json.dumps(results, indent=2, default=str))
    out = ROOT / "out"
    out.mkdir(exist_ok=True)
    (out / f"gnn_qa_{variant}.json").write_text(json.dumps(results, indent=2, default=str))
    if not args.no_record:
        write_record(
            "gnn_qa",
            json.loads(json.dumps(results, default=str)),
            variant=variant,
            title="gnn strategy (QA): question encoder frozen / fine-tuned / LoRA / none"
            if not variant.startswith("atlas-gretriever")
            else "gnn strategy (QA): G-Retriever vs GNN-RAG on the same training questions",
            headline=rows_h,
            notes=notes + f" Device {args.device}, {args.threads} torch thread(s).",
            load_at_start=round(load_start, 2),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
