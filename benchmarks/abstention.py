"""Abstention: does the engine say "not found" to what its graph cannot answer, and only to that?

For each question set that has hand-written unanswerable questions (``benchmarks/qa_data/<set>_unanswerable
.jsonl``, checked by ``qa_data/check_unanswerable.py``: facts the graph lacks for an entity, kinds of fact
it never records, things it does not have), loads the set's graph into a fresh memory store and asks, per
strategy (``--llm none``), the set's answerable questions of one split and its unanswerable ones of the same
split. It reports, per set and over all sets:

- ``answerable exact``: the asserted set equals the gold (as ``qa_quality.py``), and ``answerable
  abstain``: "not found" said to a question the graph answers;
- ``unanswerable abstain``: "not found" (nothing asserted) to a question the graph cannot answer, per kind;
- ``right``: exact answers plus right abstentions over all questions, and ``wrong asserted``: answers
  asserted that are wrong (to either kind of question), the error a user cannot see.

Strategy options go after a slash as in ``qa_quality.py`` (``retrieve/abstain_below=0.5``), so thresholds
can be compared side by side in one run. The test split is the held-out half: never tune on it.

    .venv/bin/python benchmarks/abstention.py --split dev
    .venv/bin/python benchmarks/abstention.py --split dev --sets circuit,reel \\
        --strategies retrieve,retrieve/abstain_below=0.5,multihop

Writes ``--out`` (JSON), ``--per-question`` (JSON lines) and a record under ``benchmarks/records/``
(unless ``--no-record``), and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import qa_quality
from qa_quality import DATA, Outcome, _cell, _rate, read_answer, strategy_spec

KINDS = ("absent_edge", "absent_relation", "unknown_entity")


def unanswerable_sets() -> list[str]:
    return sorted(
        p.name.removesuffix("_unanswerable.jsonl")
        for p in DATA.glob("*_unanswerable.jsonl")
        if (DATA / f"{p.name.removesuffix('_unanswerable.jsonl')}_questions.jsonl").is_file()
    )


def read_unanswerable(name: str, split: str) -> list[dict[str, Any]]:
    with (DATA / f"{name}_unanswerable.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [q for q in rows if split == "all" or q["split"] == split]


def ask_all(engine: Any, questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per question: what was asserted, whether it abstained, and (answerable) whether exact."""
    rows = []
    for q in questions:
        try:
            reading = read_answer(engine.ask(q["question"]))
            error = None
        except Exception as exc:  # a failure is a data point: nothing asserted
            reading, error = None, f"{type(exc).__name__}: {exc}"
        predicted = reading.predicted if reading else []
        answerable = "answers" in q
        exact = answerable and Outcome(q, reading, 0.0).exact
        rows.append(
            {
                "id": q["id"],
                "answerable": answerable,
                "type": q["type"] if answerable else q["kind"],
                "question": q["question"],
                "predicted": predicted,
                "abstained": reading.abstained if reading else None,
                "exact": exact,
                # asserted and wrong: an answer to an unanswerable question, or a wrong one to another
                "wrong": bool(predicted) and not exact,
                "error": error,
            }
        )
    return rows


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    ans = [r for r in rows if r["answerable"]]
    una = [r for r in rows if not r["answerable"]]

    return {
        "answerable": len(ans),
        "unanswerable": len(una),
        "answerable_exact": _rate(sum(r["exact"] for r in ans), len(ans)),
        "answerable_abstain": _rate(sum(not r["predicted"] for r in ans), len(ans)),
        "unanswerable_abstain": _rate(sum(not r["predicted"] for r in una), len(una)),
        "unanswerable_abstain_by_kind": {
            k: _rate(sum(not r["predicted"] for r in una if r["type"] == k), sum(r["type"] == k for r in una))
            for k in KINDS
            if any(r["type"] == k for r in una)
        },
        "right": _rate(sum(r["exact"] for r in ans) + sum(not r["predicted"] for r in una), len(rows)),
        "wrong_asserted": _rate(sum(r["wrong"] for r in rows), len(rows)),
    }


def markdown(by_strategy: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| strategy | set | answerable exact | answerable abstain | unanswerable abstain "
        "(edge / relation / entity) | right | wrong asserted |",
        "|---|---|---|---|---|---|---|",
    ]
    for strategy, data in by_strategy.items():
        for name, m in [*data["sets"].items(), ("**all**", data["all"])]:
            kinds = " / ".join(_cell(m["unanswerable_abstain_by_kind"].get(k)) for k in KINDS)
            lines.append(
                f"| {strategy} | {name} | {_cell(m['answerable_exact'])} | {_cell(m['answerable_abstain'])} | "
                f"{_cell(m['unanswerable_abstain'])} ({kinds}) | {_cell(m['right'])} | "
                f"{_cell(m['wrong_asserted'])} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--sets", default="", help="comma-separated (default: every set with unanswerables)")
    parser.add_argument("--strategies", default="retrieve,multihop", help="as qa_quality.py (/KEY=VALUE)")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--per-question", type=Path, default=None)
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument(
        "--unanswerable-only",
        action="store_true",
        help="ask only the unanswerable questions (their abstention rate)",
    )
    args = parser.parse_args(argv)
    load_start = round(os.getloadavg()[0], 2)
    sets = [s for s in args.sets.split(",") if s] or unanswerable_sets()
    unknown = sorted(set(sets) - set(unanswerable_sets()))
    if unknown:
        raise SystemExit(f"no unanswerable questions for {', '.join(unknown)}")
    strategies = [s.strip() for s in args.strategies.split(",") if s.strip()]
    for s in strategies:
        strategy_spec(s, "memory")

    import kgreason

    rows: dict[str, dict[str, list[dict[str, Any]]]] = {s: {} for s in strategies}
    for name in sets:
        nodes, tsv, questions_file = qa_quality.set_files(name)
        questions = (
            [] if args.unanswerable_only else qa_quality.read_questions(questions_file, args.split, None)
        )
        questions += read_unanswerable(name, args.split)
        with tempfile.TemporaryDirectory(prefix="kgr-abstention-") as home:
            graph = kgreason.open_graph(f"{name}_abstention", store="memory", home=Path(home))
            graph.load(nodes, tsv)
            for strategy in strategies:
                base, options = strategy_spec(strategy, "memory")
                print(f"{name}: {strategy} on {len(questions)} questions ...", file=sys.stderr)
                rows[strategy][name] = ask_all(graph.engine(base, llm=None, options=options), questions)
            graph.close()

    by_strategy = {
        s: {
            "sets": {name: summarise(r) for name, r in per_set.items()},
            "all": summarise([row for r in per_set.values() for row in r]),
        }
        for s, per_set in rows.items()
    }
    result = {
        "benchmark": "abstention",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": qa_quality.git_commit(),
        "split": args.split,
        "sets": sets,
        "llm": "none",
        "strategies": by_strategy,
    }
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.per_question:
        args.per_question.parent.mkdir(parents=True, exist_ok=True)
        with args.per_question.open("w", encoding="utf-8") as fh:
            for strategy, per_set in rows.items():
                for name, r in per_set.items():
                    for row in r:
                        fh.write(
                            json.dumps({"strategy": strategy, "set": name, **row}, ensure_ascii=False) + "\n"
                        )
    if not args.no_record:
        from _records import headline, write_record

        head = []
        for strategy, data in by_strategy.items():
            m = data["all"]
            kinds = ", ".join(f"{k} {_cell(v)}" for k, v in m["unanswerable_abstain_by_kind"].items())
            if args.unanswerable_only:
                head.append(
                    headline(
                        f"{strategy} / llm=none: unanswerable abstain ({kinds})", m["unanswerable_abstain"]
                    )
                )
                continue
            head.append(
                headline(
                    f"{strategy} / llm=none: right (exact + abstained on unanswerable; answerable exact "
                    f"{_cell(m['answerable_exact'])}, answerable abstain {_cell(m['answerable_abstain'])}, "
                    f"unanswerable abstain {_cell(m['unanswerable_abstain'])} ({kinds}), wrong asserted "
                    f"{_cell(m['wrong_asserted'])})",
                    m["right"],
                )
            )
        only = "-unanswerable" if args.unanswerable_only else ""
        write_record(
            "abstention",
            result,
            variant=f"{args.split}{only}",
            title=f"Abstention ({args.split} split, {len(sets)} sets"
            + (", unanswerable questions only" if only else "")
            + ", memory store)",
            headline=head,
            notes="Hand-written answerable and unanswerable questions (`benchmarks/qa_data/`).",
            load_at_start=load_start,
        )
    print(f"### Abstention: split={args.split}, sets {', '.join(sets)}, --llm none")
    print()
    print(markdown(by_strategy))
    return 0


if __name__ == "__main__":
    sys.exit(main())
