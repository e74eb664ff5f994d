"""Score question answering on hand-written question sets over fictional graphs no model has seen.

Loads a set's graph (``benchmarks/qa_data/<set>_nodes.csv`` and ``<set>.tsv``; ``--set atlas`` by default)
into a fresh temporary KGR_HOME (the memory store by default; ``--store neo4j`` uses ``KGR_NEO4J_URI`` or
starts a local Neo4j for the run), then asks every question of one split through the Python API
(``kgreason.open_graph`` -> ``Graph.engine`` -> ``Engine.ask``). The engine links entities from the text itself: the topic entity is never passed.

Per (strategy, llm) and per question type it reports ``hits@1`` (the first asserted answer, or the
literal value, is gold), ``exact`` (the predicted set equals the gold set), ``mean_asserted`` (size of
the predicted set), ``abstain`` (rate), ``llm_calls`` (mean per question), ``latency_ms_p50`` and
``errors`` (exceptions, counted, with the first message). An errored question counts as wrong.

Reading an ``Answer`` (its fields are being extended; older engines lack some): asserted answers are
``Answer.answers`` when the attribute exists, else ``entities[:1]``; a literal ``Answer.value`` ("3",
"yes") replaces them when present; ``Answer.abstained`` is a reason or ``None``; the ranked candidates
are ``entities``. Comparison ignores case, and numbers compare as numbers ("3" == "3.0").

Strategies: ``retrieve``; ``multihop`` (explore mode); ``multihop:explore|cypher|auto`` (cypher and auto
need ``--store neo4j``). The test split is the held-out half: never tune on it.

    .venv/bin/python benchmarks/qa_quality.py --split dev --strategies retrieve,multihop --llm none
    .venv/bin/python benchmarks/qa_quality.py --split dev --store neo4j \\
        --strategies retrieve,multihop,multihop:cypher,multihop:auto --llm none,llamacpp --limit 5
    .venv/bin/python benchmarks/qa_quality.py --split dev --per-question benchmarks/out/dev_errors.jsonl

Writes ``benchmarks/out/qa_quality_<split>.json`` (or ``--out``), a record under ``benchmarks/records/``
(unless ``--no-record``) and prints a markdown table per run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "qa_data"
SETS = sorted(p.name.removesuffix("_questions.jsonl") for p in DATA.glob("*_questions.jsonl"))


def set_files(name: str) -> tuple[Path, Path, Path]:
    """A question set's files: (nodes CSV, triples TSV, questions JSONL) under ``qa_data/``."""
    return DATA / f"{name}_nodes.csv", DATA / f"{name}.tsv", DATA / f"{name}_questions.jsonl"


TYPES = ("one_hop", "inverse_one_hop", "two_hop", "three_hop", "constraint", "count", "yes_no")
METRICS = ("n", "hits@1", "exact", "mean_asserted", "abstain", "llm_calls", "latency_ms_p50", "errors")
MODES = ("explore", "cypher", "auto")
_MISSING = object()


def read_questions(path: Path, split: str, limit: int | None) -> list[dict[str, Any]]:
    """The questions of ``split`` (``all`` for both), at most ``limit`` per type, in file order."""
    with path.open(encoding="utf-8") as fh:
        questions = [json.loads(line) for line in fh if line.strip()]
    chosen = [q for q in questions if split == "all" or q["split"] == split]
    if limit is not None:
        taken: dict[str, int] = defaultdict(int)
        kept = []
        for q in chosen:
            if taken[q["type"]] < limit:
                taken[q["type"]] += 1
                kept.append(q)
        chosen = kept
    return chosen


def normalise(value: Any) -> str:
    """Case-folded text; numbers in one canonical form so "3" == "3.0"."""
    text = str(value).strip().casefold()
    try:
        number = float(text)
    except ValueError:
        return text
    if number.is_integer():
        return str(int(number))
    return repr(number)


@dataclass(frozen=True)
class Reading:
    """What a benchmark reads from one ``Answer``."""

    predicted: list[str]
    candidates: list[str]
    abstained: str | None
    llm_calls: int


def read_answer(answer: Any) -> Reading:
    """Asserted answers, literal value, abstention and candidates, with fallbacks for older engines."""
    candidates = [str(e) for e in getattr(answer, "entities", ()) or ()]
    asserted_attr: Any = getattr(answer, "answers", _MISSING)
    asserted = candidates[:1] if asserted_attr is _MISSING else [str(a) for a in asserted_attr or ()]
    value = getattr(answer, "value", None)
    predicted = [str(value)] if value is not None and str(value) != "" else asserted
    abstained = getattr(answer, "abstained", None)
    return Reading(
        predicted=predicted,
        candidates=candidates,
        abstained=str(abstained) if abstained else None,
        llm_calls=int(getattr(answer, "llm_calls", 0) or 0),
    )


@dataclass
class Outcome:
    """One question's result."""

    question: dict[str, Any]
    reading: Reading | None
    latency_ms: float
    error: str | None = None

    @property
    def gold(self) -> set[str]:
        return {normalise(a) for a in self.question["answers"]}

    @property
    def predicted(self) -> list[str]:
        return self.reading.predicted if self.reading else []

    @property
    def hit(self) -> bool:
        return bool(self.predicted) and normalise(self.predicted[0]) in self.gold

    @property
    def exact(self) -> bool:
        return bool(self.predicted) and {normalise(p) for p in self.predicted} == self.gold

    def to_row(self) -> dict[str, Any]:
        q = self.question
        return {
            "id": q["id"],
            "type": q["type"],
            "question": q["question"],
            "gold": q["answers"],
            "predicted": self.predicted,
            "candidates": self.reading.candidates[:5] if self.reading else [],
            "abstained": self.reading.abstained if self.reading else None,
            "hit": self.hit,
            "exact": self.exact,
            "error": self.error,
        }


@dataclass
class Run:
    """The outcomes of one (strategy, llm) pair."""

    strategy: str
    llm: str
    outcomes: list[Outcome] = field(default_factory=list)
    setup_error: str | None = None

    def metrics(self, kind: str | None = None) -> dict[str, Any]:
        rows = [o for o in self.outcomes if kind is None or o.question["type"] == kind]
        n = len(rows)
        answered = [o for o in rows if o.reading is not None]
        errors = [o for o in rows if o.error is not None]
        latencies = [o.latency_ms for o in answered]
        return {
            "n": n,
            "hits@1": _rate(sum(o.hit for o in rows), n),
            "exact": _rate(sum(o.exact for o in rows), n),
            "mean_asserted": _mean([len(o.predicted) for o in answered]),
            "abstain": _rate(sum(1 for o in answered if o.reading and o.reading.abstained), n),
            "llm_calls": _mean([o.reading.llm_calls for o in answered if o.reading]),
            "latency_ms_p50": round(statistics.median(latencies), 1) if latencies else None,
            "errors": len(errors),
            "first_error": errors[0].error if errors else None,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "strategy": self.strategy,
            "llm": self.llm,
            "setup_error": self.setup_error,
            "overall": self.metrics(),
            "by_type": {
                t: self.metrics(t) for t in TYPES if any(o.question["type"] == t for o in self.outcomes)
            },
        }


def _rate(k: int, n: int) -> float | None:
    return round(k / n, 4) if n else None


def _mean(values: Sequence[float]) -> float | None:
    return round(statistics.fmean(values), 3) if values else None


def strategy_spec(name: str, store: str) -> tuple[str, dict[str, Any]]:
    """``retrieve`` / ``multihop`` / ``multihop:MODE`` -> (strategy name, options); ``/KEY=VALUE`` suffixes
    add strategy options (``retrieve/llm_pick=true``); a ``+fit`` suffix (the ranker fitted to the graph
    first, ``kgr train ranker``) is read by ``run_one``."""
    name, *pairs = name.removesuffix("+fit").split("/")
    extra: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise SystemExit(f"bad strategy option {pair!r} in {name!r} (use /KEY=VALUE)")
        extra[key] = json.loads(value) if value in ("true", "false") or value[:1].isdigit() else value
    base, _, mode = name.partition(":")
    if base == "multihop":
        mode = mode or "explore"
        if mode not in MODES:
            raise SystemExit(f"unknown multihop mode {mode!r} (use {', '.join(MODES)})")
        if mode != "explore" and store != "neo4j":
            raise SystemExit(f"{name} needs --store neo4j (the memory store does not run Cypher)")
        return "multihop", {"mode": mode, **extra}
    if mode:
        raise SystemExit(f"{base} takes no mode: {name!r}")
    return base, extra


def self_train_gnn(graph: Any, n: int) -> None:
    """Train the gnn strategy on questions generated from the graph itself (no hand-written question):
    ``make_qa`` over 1-3 hops with paraphrased wording, 10% kept for early stopping."""
    from kgreason.fusion.gnn.training import train_qa_model
    from kgreason.reasoning.qa_gen import make_qa

    items = make_qa(graph.store, hops=[1, 2, 3], n=n, seed=0, paraphrase=0.5)
    cut = max(1, len(items) // 10)
    started = time.perf_counter()
    meta = train_qa_model(graph.store, items[cut:], items[:cut], settings=graph.settings, threads=2)
    print(
        f"gnn self-trained on {len(items) - cut} generated questions in {time.perf_counter() - started:.0f} s "
        f"({meta['metrics']})",
        file=sys.stderr,
    )


RANKER_QUESTIONS = 60


def fit_ranker_options(graph: Any, strategy: str, options: dict[str, Any]) -> dict[str, float]:
    """The path-ranker weights fitted to the graph on questions generated from it (no hand-written
    question is seen), as ``kgr train ranker`` fits them."""
    from kgreason.fusion import wording
    from kgreason.reasoning.ranker import fit_ranker, generate_questions

    started = time.perf_counter()
    # with the owner's wording, the generated questions say its phrases, as ``kgr train ranker`` does
    owner = wording.read(Path(options["words"])) if options.get("words") else wording.NONE
    generated = generate_questions(graph.store, n=RANKER_QUESTIONS, seed=0, say=owner.say)
    fit = fit_ranker(graph.store, generated, strategy=strategy, base=options)
    print(
        f"ranker fitted for {strategy} on {len(generated)} generated questions in "
        f"{time.perf_counter() - started:.0f} s: {fit.options or 'defaults kept'} "
        f"(held-out generated {fit.before.get('all')} -> {fit.after.get('all')})",
        file=sys.stderr,
    )
    return fit.options


@contextmanager
def neo4j_uri(home: Path) -> Iterator[str]:
    """``KGR_NEO4J_URI`` if set, else a local Neo4j started for this run (stopped at the end)."""
    uri = os.environ.get("KGR_NEO4J_URI")
    if uri:
        yield uri
        return
    from kgreason.testing.neo4j import Neo4jForTests

    with Neo4jForTests(home) as started:
        yield started


def run_one(
    graph: Any,
    strategy: str,
    llm: str,
    questions: list[dict[str, Any]],
    cache: bool,
    words: Path | None = None,
) -> Run:
    """Ask every question with one (strategy, llm) pair; exceptions are recorded, not raised. ``words``:
    the graph owner's wording of its relations, for the strategies that read relations by their words."""
    name, options = strategy_spec(strategy, graph.backend)
    if words is not None and name in ("retrieve", "multihop"):
        options = {**options, "words": str(words)}
    run = Run(strategy, llm)
    if strategy.endswith("+fit"):
        options = {**options, **fit_ranker_options(graph, name, options)}
    try:
        backend, _, model = llm.partition("@")  # "llamacpp@/path/model.gguf": another model
        engine = graph.engine(
            name,
            llm=None if backend == "none" else backend,
            model=model or None,
            options=options,
            cache=cache,
        )
    except Exception as exc:  # a missing extra or model: report it for this pair, go on with the rest
        run.setup_error = f"{type(exc).__name__}: {exc}"
        return run
    for q in questions:
        started = time.perf_counter()
        try:
            answer = engine.ask(q["question"])
        except Exception as exc:  # every failure is a data point; the first message is reported
            elapsed = (time.perf_counter() - started) * 1000
            run.outcomes.append(Outcome(q, None, elapsed, f"{type(exc).__name__}: {exc}"))
            continue
        elapsed = (time.perf_counter() - started) * 1000
        run.outcomes.append(Outcome(q, read_answer(answer), elapsed))
    return run


def git_commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            # the engine's code too: a run on uncommitted engine changes must say so
            ["git", "status", "--porcelain", "--", str(ROOT / "qa_data"), __file__, str(ROOT.parent / "src")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("-dirty" if dirty else "")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}" if value < 10 else f"{value:.1f}"
    return str(value)


def markdown(run: Run) -> str:
    """One table: a row per question type plus the overall row; columns are the metrics."""
    lines = [f"#### {run.strategy} / llm={run.llm}", ""]
    if run.setup_error:
        return "\n".join([*lines, f"not run: {run.setup_error}", ""])
    lines.append("| type | " + " | ".join(METRICS) + " |")
    lines.append("|---" * (len(METRICS) + 1) + "|")
    data = run.to_dict()
    for kind, m in [*data["by_type"].items(), ("**all**", data["overall"])]:
        lines.append(f"| {kind} | " + " | ".join(_cell(m[k]) for k in METRICS) + " |")
    if data["overall"]["first_error"]:
        lines.append("")
        lines.append(f"first error: {data['overall']['first_error'][:300]}")
    lines.append("")
    return "\n".join(lines)


def headline_rows(runs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The record's headline: per run, exact over all types and the lowest per-type exact against the
    issue's bars (>= 0.85 on every type for the best zero-shot strategy; >= 0.75 with ``--llm none``)."""
    from _records import headline  # benchmarks/ is on sys.path when run as a script

    rows = []
    for data in runs:
        name = f"{data['strategy']} / llm={data['llm']}"
        if data.get("setup_error"):
            rows.append(headline(f"{name}: not run", data["setup_error"][:200]))
            continue
        overall = data["overall"]
        rows.append(
            headline(
                f"{name}: exact, all types (hits@1 {_cell(overall['hits@1'])}, p50 "
                f"{_cell(overall['latency_ms_p50'])} ms, errors {overall['errors']})",
                overall["exact"],
            )
        )
        by_type = {t: m["exact"] for t, m in data["by_type"].items() if m["exact"] is not None}
        if not by_type:
            continue
        worst = min(by_type, key=lambda t: by_type[t])
        detail = ", ".join(f"{t} {_cell(v)}" for t, v in by_type.items())
        bars = [0.85, 0.75] if data["llm"] == "none" else [0.85]
        for bar in bars:
            rows.append(
                headline(
                    f"{name}: lowest per-type exact ({worst}; {detail})",
                    by_type[worst],
                    f">= {bar} on every type" + (" (--llm none)" if bar == 0.75 else " (best zero-shot)"),
                    by_type[worst] >= bar,
                )
            )
    return rows


def record(args: argparse.Namespace, result: dict[str, Any], runs: list[Run], load_start: float) -> None:
    """One record under benchmarks/records/ (the summary in RESULTS.md shows the newest per variant)."""
    from _records import write_record  # benchmarks/ is on sys.path when run as a script

    rows = headline_rows([r.to_dict() for r in runs])
    parts = [args.split, args.store] if args.qset == "atlas" else [args.qset, args.split, args.store]
    if args.strategies != "retrieve,multihop":
        parts.append(args.strategies)
    if args.llm != "none":
        # "llamacpp@/path/to/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf" -> "llamacpp@qwen2.5-coder-0.5b"
        short = [
            b + ("@" + "-".join(Path(m).stem.split("-")[:3]) if m else "")
            for b, _, m in (spec.partition("@") for spec in args.llm.split(","))
        ]
        parts.append("llm-" + ",".join(short))
    if args.limit is not None:
        parts.append(f"limit{args.limit}")
    if args.words is not None:
        parts.append("words")
    variant = re.sub(r"[^a-z0-9_-]+", "_", "-".join(parts).lower())
    write_record(
        "qa_quality",
        result,
        variant=variant,
        title=f"{args.qset.capitalize()} QA quality ({args.split} split, {args.store} store"
        + (", the owner's wording" if args.words is not None else "")
        + (", ranker fitted to the graph" if "+fit" in args.strategies else "")
        + ")",
        headline=rows,
        notes=f"Hand-written {args.qset} questions (`benchmarks/qa_data/`); the engine links entities from the text.",
        load_at_start=load_start,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--store", choices=("memory", "neo4j"), default="memory")
    parser.add_argument(
        "--strategies",
        default="retrieve,multihop",
        help="comma-separated, e.g. multihop:cypher, retrieve/llm_pick=true (options as /KEY=VALUE); "
        "a +fit suffix fits the path ranker to the graph first",
    )
    parser.add_argument(
        "--llm",
        default="none",
        help="comma-separated backends: none, llamacpp, llamacpp@MODEL_OR_GGUF_PATH, ...",
    )
    parser.add_argument("--limit", type=int, default=None, help="at most N questions of each type")
    parser.add_argument(
        "--gnn-train", type=int, default=600, help="questions generated from the graph to self-train gnn on"
    )
    parser.add_argument("--cache", action="store_true", help="cache LLM replies (off: latency is honest)")
    parser.add_argument(
        "--set",
        dest="qset",
        choices=SETS,
        default="atlas",
        help="question set: qa_data/<set>.tsv, <set>_nodes.csv, <set>_questions.jsonl",
    )
    parser.add_argument("--questions", type=Path, default=None, help="other questions over the set's graph")
    parser.add_argument("--out", type=Path, default=None, help="JSON results (default benchmarks/out/...)")
    parser.add_argument(
        "--per-question", type=Path, default=None, help="JSON lines, one per question and run"
    )
    parser.add_argument("--no-record", action="store_true", help="no record under benchmarks/records/")
    parser.add_argument(
        "--words",
        type=Path,
        default=None,
        help="a wording of the graph's relations (relation<TAB>phrase) for retrieve and multihop, "
        "as its owner would state it (qa_data/<set>_words.tsv)",
    )
    args = parser.parse_args(argv)
    load_start = round(os.getloadavg()[0], 2)

    strategies = [s.strip() for s in args.strategies.split(",") if s.strip()]
    llms = [s.strip() for s in args.llm.split(",") if s.strip()]
    for s in strategies:
        strategy_spec(s, args.store)  # fail on a bad name before loading anything
    nodes, tsv, questions_file = set_files(args.qset)
    questions = read_questions(args.questions or questions_file, args.split, args.limit)
    if not questions:
        raise SystemExit("no questions selected")

    import kgreason

    runs: list[Run] = []
    with ExitStack() as stack:
        home = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kgr-qa-quality-")))
        neo: dict[str, Any] = {}
        if args.store == "neo4j":
            neo["uri"] = stack.enter_context(neo4j_uri(home))
        graph = kgreason.open_graph(f"{args.qset}_qa_bench", store=args.store, home=home, **neo)
        stack.callback(graph.close)
        graph.drop()  # a fresh graph, also on a reused Neo4j
        loaded = time.perf_counter()
        graph.load(nodes, tsv)
        load_s = time.perf_counter() - loaded
        stats = graph.stats()
        if "gnn" in strategies:
            self_train_gnn(graph, args.gnn_train)
        for strategy in strategies:
            for llm in llms:
                print(f"running {strategy} / llm={llm} on {len(questions)} questions ...", file=sys.stderr)
                runs.append(run_one(graph, strategy, llm, questions, args.cache, args.words))
        if args.store == "neo4j":
            graph.drop()

    header = {
        "benchmark": "qa_quality",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "machine": {
            "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
        },
        "set": args.qset,
        "split": args.split,
        "store": args.store,
        "graph": {**stats, "load_s": round(load_s, 3)},
        "questions": len(questions),
        "limit_per_type": args.limit,
    }
    result = {**header, "runs": [r.to_dict() for r in runs]}
    out = args.out or ROOT / "out" / f"qa_quality_{args.split}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.per_question:
        args.per_question.parent.mkdir(parents=True, exist_ok=True)
        with args.per_question.open("w", encoding="utf-8") as fh:
            for r in runs:
                for o in r.outcomes:
                    row = {"strategy": r.strategy, "llm": r.llm, **o.to_row()}
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")

    if not args.no_record:
        record(args, result, runs, load_start)

    m = header["machine"]
    print(
        f"### {args.qset.capitalize()} QA quality: split={args.split}, store={args.store}, {len(questions)} questions"
    )
    print()
    print(
        f"{header['date']}, commit {header['git_commit']}, {m['platform']}, {m['cpu_count']} CPUs, Python {m['python']}"
    )
    print()
    for r in runs:
        print(markdown(r))
    print(f"JSON: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
