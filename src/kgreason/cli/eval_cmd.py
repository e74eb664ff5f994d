"""``kgr eval``: score a strategy on a QA set; write templated multi-hop QA sets from any graph."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from kgreason.cli.ask_cmd import parse_options
from kgreason.cli.common import (
    complete_graph,
    complete_store,
    complete_strategy,
    note,
    parse_key_values,
    print_json,
    progress,
    require_extra,
    settings,
    spinner,
)
from kgreason.errors import InputError
from kgreason.graph.open import existing_store

app = typer.Typer(no_args_is_help=True)

GraphOpt = typer.Option(
    ..., "--graph", "-g", help="Graph name (default: `kgr config set graph`).", autocompletion=complete_graph
)
StoreOpt = typer.Option("memory", "--store", "-s", help="memory or neo4j.", autocompletion=complete_store)


def parse_hops(text: str) -> list[int]:
    """``1-3`` -> [1, 2, 3]; ``1,3`` -> [1, 3]."""
    try:
        if "-" in text:
            lo, hi = (int(x) for x in text.split("-", 1))
            hops = list(range(lo, hi + 1))
        else:
            hops = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise InputError(f"bad --hops {text!r}", hint="use a range like 1-3 or a list like 1,2") from None
    if not hops or min(hops) < 1:
        raise InputError(f"bad --hops {text!r}", hint="hops start at 1")
    return hops


@app.command("qa")
def qa(
    graph: str = GraphOpt,
    questions: Path = typer.Option(
        ..., "--questions", "-q", help="QA file (JSONL: question, answers, optional topic_entity)."
    ),
    strategy: str = typer.Option(
        "retrieve", "--strategy", help="Strategy to evaluate.", autocompletion=complete_strategy
    ),
    store: str = StoreOpt,
    llm: str = typer.Option("llamacpp", "--llm", help="LLM backend, or 'none'."),
    model: str | None = typer.Option(None, "--model", help="Model name or GGUF path."),
    llm_opt: list[str] = typer.Option(
        [], "--llm-opt", help="LLM backend option KEY=VALUE, e.g. base_url=http://host:8000/v1 (repeatable)."
    ),
    option: list[str] = typer.Option([], "--option", "-o", help="Strategy option KEY=VALUE (repeatable)."),
    limit: int | None = typer.Option(
        None, "--limit", min=1, help="Evaluate a sample of this many questions."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed for the --limit sample."),
    link: bool = typer.Option(False, "--link", help="Link entities from the text instead of topic_entity."),
    out: Path | None = typer.Option(None, "--out", help="Write one JSON line per question here."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as one JSON object."),
) -> None:
    """Hits@1, Hits@5, F1, faithfulness, latency, LLM calls and tokens of a strategy on a QA set."""
    from kgreason.qa_file import read_qa
    from kgreason.reasoning.engine_factory import make_engine
    from kgreason.reasoning.evaluation import evaluate, select

    target = existing_store(graph, store, settings())
    items = select(read_qa(questions), limit=limit, seed=seed)
    # Evaluation caches LLM responses (same prompt, same reply), unlike interactive use.
    engine = make_engine(
        target,
        strategy=strategy,
        llm=llm,
        model=model,
        options=parse_options(option),
        settings=settings(),
        cache=True,
        llm_options=parse_key_values(llm_opt, "--llm-opt"),
    )
    # Load and check the strategy now (a missing extra, a store without Cypher): evaluation scores a failing
    # question 0 and moves on, which would turn a setup problem into a silent 0.000 on every question.
    engine.strategy  # noqa: B018 - the property loads and checks it
    with progress(enabled=not as_json) as bar:
        task = bar.add_task(f"eval {strategy}", total=len(items))
        summary, records = evaluate(
            engine, items, use_topic=not link, progress=lambda k: bar.advance(task, k)
        )
    summary.update({"graph": graph, "store": store, "llm": llm, "questions": str(questions)})
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
    if as_json:
        print_json(summary)
        return
    keys = (
        "n",
        "hits@1",
        "hits@5",
        "f1",
        "faithfulness",
        "latency_ms_p50",
        "latency_ms_p95",
        "llm_calls",
        "tokens",
    )
    for k in keys:
        v = summary.get(k)
        typer.echo(f"{k:>16}: {v:.3f}" if isinstance(v, float) else f"{k:>16}: {v}")


@app.command("make-qa")
def make_qa_cmd(
    graph: str = GraphOpt,
    store: str = StoreOpt,
    hops: str = typer.Option("1-3", "--hops", help="Hop counts: a range 1-3 or a list 1,2."),
    n: int = typer.Option(100, "--n", min=1, help="Number of questions."),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same questions)."),
    inverse: float = typer.Option(
        0.0,
        "--inverse",
        min=0.0,
        max=1.0,
        help="Probability that a step reads its edge backwards ('Which films did X direct?').",
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output JSONL (default: stdout)."),
) -> None:
    """Write templated multi-hop questions with gold answer sets from any graph."""
    from kgreason.qa_file import write_qa
    from kgreason.reasoning.qa_gen import make_qa

    target = existing_store(graph, store, settings())
    hop_counts = parse_hops(hops)
    items = make_qa(target, hops=hop_counts, n=n, seed=seed, inverse=inverse)
    if out is None:
        for item in items:
            sys.stdout.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
    else:
        write_qa(out, items)
        note(f"wrote {len(items)} questions to {out}")
    if len(items) < n:
        # Not silent: the graph ran out of distinct (start node, relation path) questions.
        by_hops = ", ".join(f"{h} hop(s): {sum(1 for i in items if i.hops == h)}" for h in hop_counts)
        typer.echo(
            f"note: {len(items)} of the {n} questions asked: graph {graph!r} has no more distinct questions "
            f"for hops {hops} ({by_hops}; each is a different start node and relation path with at most "
            "20 answers); try more hops or a larger graph",
            err=True,
        )


@app.command("linkpred")
def linkpred(
    dataset: str = typer.Option(
        ..., "--dataset", "-d", help="nations, kinships, umls (bundled in the pykeen wheel) or a DIR."
    ),
    option: list[str] = typer.Option([], "--option", "-o", help="Model option KEY=VALUE (repeatable)."),
    device: str = typer.Option("cpu", "--device", help="cpu or cuda."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    threads: int = typer.Option(1, "--threads", min=0, help="Torch CPU threads (0: torch's default)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Train and score link prediction: filtered MRR and Hits@1/3/10, both directions, on the test split."""
    from kgreason.cli.train_cmd import GNN_MODULES, check_device

    require_extra("gnn", *GNN_MODULES)
    from kgreason.fusion.gnn.linkpred import evaluate_dataset

    with spinner(f"training and scoring link prediction on {dataset}", enabled=not as_json):
        summary = evaluate_dataset(
            dataset,
            parse_key_values(option, "--option"),
            device=check_device(device),
            seed=seed,
            threads=threads or None,
        )
    if as_json:
        print_json(summary)
        return
    for k in ("dataset", "mrr", "hits@1", "hits@3", "hits@10", "train_seconds", "epochs"):
        v = summary.get(k)
        typer.echo(f"{k:>14}: {v:.4f}" if isinstance(v, float) else f"{k:>14}: {v}")
