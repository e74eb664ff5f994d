"""``kgr train``: train the gnn strategy's models (QA, link prediction) and fit the path ranker for a
named graph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from kgreason.cli.common import (
    complete_graph,
    complete_store,
    parse_key_values,
    print_json,
    progress,
    require_extra,
    settings,
)
from kgreason.errors import ConfigError
from kgreason.graph.open import existing_store

app = typer.Typer(no_args_is_help=True)

GNN_MODULES = ("torch", "torch_geometric")
"""What the gnn extra provides to training (checked before any work, for a one-line install hint)."""
GraphOpt = typer.Option(
    ..., "--graph", "-g", help="Graph name (default: `kgr config set graph`).", autocompletion=complete_graph
)
StoreOpt = typer.Option("memory", "--store", "-s", help="memory or neo4j.", autocompletion=complete_store)

OptionOpt = typer.Option([], "--option", "-o", help="Model option KEY=VALUE (repeatable), e.g. -o epochs=20.")
DeviceOpt = typer.Option("cpu", "--device", help="cpu or cuda.")
SeedOpt = typer.Option(0, "--seed", help="Random seed.")
ThreadsOpt = typer.Option(
    1, "--threads", min=0, help="Torch CPU threads (0: torch's default; 1 is fastest on a shared box)."
)
JsonOpt = typer.Option(False, "--json", help="Print the checkpoint metadata as JSON.")


def check_device(device: str) -> str:
    """``cpu`` or ``cuda`` (checked to be available)."""
    if device not in ("cpu", "cuda"):
        raise ConfigError(f"unknown --device {device!r}", hint="use cpu or cuda")
    if device == "cuda":
        import torch

        if not torch.cuda.is_available():
            raise ConfigError("--device cuda: no CUDA device is available", hint="use --device cpu")
    return device


def _report(meta: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(meta)
        return
    typer.echo(f"saved {meta['kind']} model for graph {meta['graph']!r} to {meta['path']}")
    for key, value in meta["metrics"].items():
        typer.echo(f"{key:>26}: {value}")


@app.command("qa")
def qa(
    graph: str = GraphOpt,
    train: Path = typer.Option(
        ..., "--train", help="Training QA file (JSONL: question, answers, optional topic_entity)."
    ),
    dev: Path | None = typer.Option(None, "--dev", help="Dev QA file for early stopping."),
    question_encoder: str | None = typer.Option(
        None,
        "--question-encoder",
        help="MiniLM question encoder: frozen (default), finetune (top layers trained with the GNN), lora "
        "(LoRA adapters trained with the GNN; peft) or none (no text).",
    ),
    model: str = typer.Option(
        "gnn-rag",
        "--model",
        help="gnn-rag (GNN ranking with supporting paths) or gretriever (PCST subgraph, GNN soft prompt, "
        "frozen causal LM); `kgr ask --strategy gnn` uses the one trained.",
    ),
    store: str = StoreOpt,
    option: list[str] = OptionOpt,
    device: str = DeviceOpt,
    seed: int = SeedOpt,
    threads: int = ThreadsOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Train the gnn strategy (GNN + question encoder, QA and link-prediction losses together).

    Under torchrun, --model gnn-rag trains on several processes (DDP; rank 0 saves and prints).
    """
    require_extra("gnn", *GNN_MODULES)
    if model not in ("gnn-rag", "gretriever"):
        raise ConfigError(f"unknown --model {model!r}", hint="use gnn-rag or gretriever")
    if model == "gretriever":
        if question_encoder is not None:
            raise ConfigError("--question-encoder applies to --model gnn-rag")
        _qa_gretriever(graph, train, dev, store, option, device, seed, threads, as_json)
        return
    from kgreason.fusion.gnn.distributed import init_from_env
    from kgreason.fusion.gnn.qa_model import QAConfig
    from kgreason.fusion.gnn.run_settings import make_config
    from kgreason.fusion.gnn.training import train_qa_model
    from kgreason.qa_file import read_qa

    device = check_device(device)
    dist = init_from_env(device)  # joins torchrun's process group; one process without torchrun
    target = existing_store(graph, store, settings())
    train_items = read_qa(train)
    dev_items = read_qa(dev) if dev is not None else None
    options = parse_key_values(option, "--option")
    if question_encoder is not None:
        options["question_encoder"] = question_encoder
    config = make_config(QAConfig, options)  # a bad option fails here, with its name; sets the bar's length
    if config.question_encoder == "lora":
        require_extra("gnn", "peft")
    with progress(enabled=dist.is_main) as bar:
        task = bar.add_task("train qa", total=config.epochs)

        def step(epoch: int, row: dict[str, float]) -> None:
            shown = {k: round(v, 3) for k, v in row.items() if k.endswith("hits@1")}
            bar.update(task, completed=epoch, description=f"train qa {shown}")

        meta = train_qa_model(
            target,
            train_items,
            dev_items,
            settings=settings(),
            options=options,
            device=device,
            seed=seed,
            threads=threads or None,
            progress=step,
        )
    if dist.is_main:
        _report(meta, as_json)


def _qa_gretriever(
    graph: str,
    train: Path,
    dev: Path | None,
    store: str,
    option: list[str],
    device: str,
    seed: int,
    threads: int,
    as_json: bool,
) -> None:
    """``kgr train qa --model gretriever``: PCST subgraphs, a GAT soft prompt, the frozen causal LM."""
    require_extra("gnn", *GNN_MODULES, "gguf", "accelerate")
    from kgreason.fusion.gnn.distributed import refuse_distributed
    from kgreason.fusion.gnn.gretriever import GRetrieverConfig, train_gretriever
    from kgreason.fusion.gnn.run_settings import make_config
    from kgreason.qa_file import read_qa

    refuse_distributed("kgr train qa --model gretriever")
    device = check_device(device)
    target = existing_store(graph, store, settings())
    train_items = read_qa(train)
    dev_items = read_qa(dev) if dev is not None else None
    options = parse_key_values(option, "--option")
    config = make_config(GRetrieverConfig, options)  # a bad option fails here, with its name
    with progress() as bar:
        task = bar.add_task("train qa (gretriever)", total=config.epochs)
        meta = train_gretriever(
            target,
            train_items,
            dev_items,
            settings=settings(),
            options=options,
            device=device,
            seed=seed,
            threads=threads or None,
            progress=lambda epoch, row: bar.update(
                task,
                completed=epoch,
                description=f"train qa (gretriever) { {k: round(v, 3) for k, v in row.items()} }",
            ),
        )
    _report(meta, as_json)


@app.command("linkpred")
def linkpred(
    graph: str = GraphOpt,
    store: str = StoreOpt,
    option: list[str] = OptionOpt,
    device: str = DeviceOpt,
    seed: int = SeedOpt,
    threads: int = ThreadsOpt,
    sampled: bool | None = typer.Option(
        None,
        "--sampled/--full",
        help="On Neo4j: train on neighbour-sampled mini-batches read per batch (the default there), or "
        "read the whole graph first (--full; always so on the memory store).",
    ),
    neighbors: str = typer.Option(
        "10,5", "--neighbors", help="With --sampled: edges sampled per node at each hop, e.g. 10,5."
    ),
    as_json: bool = JsonOpt,
) -> None:
    """Train a link-prediction model on a graph (seeded 90/5/5 split; filtered test metrics saved).

    Runs on several processes under torchrun (DistributedDataParallel; rank 0 saves and prints).
    """
    require_extra("gnn", *GNN_MODULES)
    from kgreason.fusion.gnn.distributed import init_from_env
    from kgreason.fusion.gnn.linkpred import LinkPredConfig
    from kgreason.fusion.gnn.run_settings import make_config
    from kgreason.fusion.gnn.training import train_linkpred_model

    device = check_device(device)
    dist = init_from_env(device)  # joins torchrun's process group; one process without torchrun
    target = existing_store(graph, store, settings())
    options = parse_key_values(option, "--option")
    if sampled if sampled is not None else target.backend == "neo4j":
        _linkpred_sampled(target, options, neighbors, device, seed, threads, dist.world_size, as_json)
        return
    with progress(enabled=dist.is_main) as bar:
        config = make_config(LinkPredConfig, options)  # a bad option fails here, with its name
        task = bar.add_task("train linkpred", total=config.epochs * config.ensemble)
        meta = train_linkpred_model(
            target,
            settings=settings(),
            options=options,
            device=device,
            seed=seed,
            threads=threads or None,
            progress=lambda epoch, row: bar.update(task, completed=epoch),
        )
    meta.pop("entities", None)
    if dist.is_main:
        _report(meta, as_json)


def _linkpred_sampled(
    target: Any,
    options: dict[str, Any],
    neighbors: str,
    device: str,
    seed: int,
    threads: int,
    world: int,
    as_json: bool,
) -> None:
    """``kgr train linkpred --sampled``: mini-batches with neighbour sampling read from Neo4j per batch."""
    from kgreason.fusion.gnn.linkpred import LinkPredConfig
    from kgreason.fusion.gnn.neo4j_sampling import train_linkpred_from_neo4j
    from kgreason.fusion.gnn.run_settings import make_config

    if target.backend != "neo4j":
        raise ConfigError("--sampled reads its mini-batches from Neo4j", hint="use --store neo4j, or --full")
    if world > 1:
        raise ConfigError("--sampled trains in one process", hint="run it without torchrun, or use --full")
    hops = [int(k) for k in neighbors.split(",") if k.strip().isdigit()]
    if not hops or len(hops) != len(neighbors.split(",")) or min(hops) < 1:
        raise ConfigError(f"bad --neighbors {neighbors!r}", hint="positive counts per hop, e.g. 10,5")
    with progress() as bar:
        config = make_config(LinkPredConfig, options)  # a bad option fails here, with its name
        task = bar.add_task("train linkpred (sampled from Neo4j)", total=config.epochs)
        meta = train_linkpred_from_neo4j(
            target,
            settings=settings(),
            options=options,
            num_neighbors=hops,
            device=device,
            seed=seed,
            threads=threads or None,
            progress=lambda epoch, row: bar.update(task, completed=epoch),
        )
    meta.pop("entities", None)
    _report(meta, as_json)


@app.command("ranker")
def ranker(
    graph: str = GraphOpt,
    store: str = StoreOpt,
    strategy: str = typer.Option("retrieve", "--strategy", help="retrieve or multihop (explore)."),
    n: int = typer.Option(60, "--n", min=12, help="Questions to generate from the graph."),
    seed: int = SeedOpt,
    vary: list[str] = typer.Option(
        [],
        "--vary",
        help="Vary only this option over these values, KEY=V1,V2,... (repeatable; default: all of them).",
    ),
    remove: bool = typer.Option(False, "--remove", help="Delete the graph's fit (back to the defaults)."),
    as_json: bool = typer.Option(False, "--json", help="Print the fit (options, scores) as JSON."),
) -> None:
    """Fit the path ranker's weights to a graph from questions generated from it (no labels needed).

    retrieve and multihop then use the fitted weights on this graph (options you pass still win); a fit
    is kept only if it is better on held-out generated questions. The questions say each
    relation the way `kgr graph words` says it, when the graph has a wording.
    """
    from kgreason.fusion import wording
    from kgreason.reasoning.ranker import GRID, fit_path, fit_ranker, generate_questions, save_fit

    if strategy not in ("retrieve", "multihop"):
        raise ConfigError(f"a ranker fit applies to retrieve or multihop, not {strategy!r}")
    grid: dict[str, tuple[float, ...]] = {}
    for key, values in parse_key_values(vary, "--vary").items():
        if key not in GRID:
            raise ConfigError(f"--vary {key!r} is not a ranker weight", hint=f"one of {', '.join(GRID)}")
        try:
            grid[key] = tuple(float(v) for v in str(values).split(","))
        except ValueError:
            raise ConfigError(f"--vary {key}: values must be numbers, e.g. {key}=0,0.1") from None
    target = existing_store(graph, store, settings())
    if remove:
        path = fit_path(settings(), target.backend, target.graph, strategy)
        existed = path.exists()
        path.unlink(missing_ok=True)
        if as_json:
            print_json({"graph": graph, "removed": existed, "path": str(path)})
        else:
            typer.echo(f"{'removed' if existed else 'no fit at'} {path}")
        return
    # the questions say each relation the way the graph's owner says it (``kgr graph words``), as people ask
    owner = wording.for_graph(target, target.schema().relationship_types, None, settings())
    questions = generate_questions(target, n=n, seed=seed, say=owner.say)
    if len(questions) < 12:
        raise ConfigError(
            f"graph {graph!r} gave only {len(questions)} questions to fit on",
            hint="a fit needs a graph with more connected nodes",
        )
    options = {"mode": "explore"} if strategy == "multihop" else {}
    with progress() as bar:
        task = bar.add_task(f"fit ranker on {len(questions)} generated questions", total=None)
        fit = fit_ranker(
            target,
            questions,
            strategy=strategy,
            base=options,
            grid=grid or None,
            progress=lambda line: bar.update(task, description=f"fit ranker: {line}"),
        )
    path = save_fit(fit, settings())
    if as_json:
        print_json({**fit.to_dict(), "path": str(path), "worded": sorted(owner.phrases)})
        return
    typer.echo(f"saved the ranker fit for graph {graph!r} to {path}")
    if owner:
        typer.echo(f"  questions said {len(owner.phrases)} relations by the graph's wording")
    typer.echo(f"  options: {fit.options or '(the defaults)'}")
    typer.echo(f"  held-out generated questions: {fit.before.get('all')} -> {fit.after.get('all')}")
