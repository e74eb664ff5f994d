"""Neo4j path queries: relationship types written into the Cypher text against types as parameters.

Path scoring (the retrieve strategy, explore) asks the store for the paths of a few dozen relation
signatures per question. Written with its types in the text (``-[r1:`released_by`]->``), each signature is
a query text of its own, and Neo4j plans every text it has not seen; with the types as parameters
(``-[r1]->`` ... ``WHERE type(r1) = $t1``, what ``GraphQueries.path_query`` compiles today) the text depends
only on the steps' directions and labels, so a dozen texts cover every signature.

This script loads a hand-written QA graph into Neo4j, records the path queries the retrieve strategy runs
for the first ``--questions`` questions, then runs that same list of queries both ways in one run, each
arm twice: first after ``db.clearQueryCaches()`` (every text new to the server, as on a fresh server or
for signatures not asked before) and again (plans cached). Both arms must return the same paths.

    .venv/bin/python benchmarks/neo4j_path_queries.py [--set cadence] [--questions 40] [--uri bolt://...]

Without ``--uri`` (or ``KGR_NEO4J_URI``) a local Neo4j is started for the run and stopped after it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _records import headline, load_average, write_record  # noqa: E402
from qa_quality import neo4j_uri  # noqa: E402

QA_DATA = HERE / "qa_data"


def typed_text(text: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The same query with its relationship types written into the text (the former compilation)."""
    params = dict(params)
    for key in [k for k in params if re.fullmatch(r"t\d+", k)]:
        relation = params.pop(key)
        k = key[1:]
        text = text.replace(f" AND type(r{k}) = ${key}", "")
        text = text.replace(f"[r{k}]", f"[r{k}:`{relation}`]")
    return text, params


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", default="cadence", help="hand-written QA set whose graph and questions to use")
    ap.add_argument("--questions", type=int, default=40)
    ap.add_argument("--uri", default=os.environ.get("KGR_NEO4J_URI"))
    ap.add_argument("--no-record", action="store_true")
    args = ap.parse_args()

    import kgreason
    from kgreason.graph.path_query import PathQuery

    load_start = load_average()
    questions = [
        json.loads(line) for line in (QA_DATA / f"{args.set}_questions.jsonl").open(encoding="utf-8")
    ]
    questions = questions[: args.questions]
    if args.uri:
        os.environ["KGR_NEO4J_URI"] = args.uri
    with tempfile.TemporaryDirectory(prefix="kgr-neo4j-paths-") as tmp, neo4j_uri(Path(tmp)) as uri:
        graph = kgreason.open_graph(f"{args.set}_path_bench", store="neo4j", home=Path(tmp), uri=uri)
        graph.drop()
        graph.load(QA_DATA / f"{args.set}_nodes.csv", QA_DATA / f"{args.set}.tsv")
        engine = graph.engine("retrieve", llm=None)
        store: Any = engine.store
        captured: list[PathQuery] = []
        run_path_query = store.run_path_query

        def capture(query: PathQuery) -> Any:
            captured.append(query)
            return run_path_query(query)

        store.run_path_query = capture
        for q in questions:
            engine.ask(q["question"])
        store.run_path_query = run_path_query

        compiled = [store._q.path_query(q) for q in captured]
        arms = {"types as parameters": compiled, "types in the text": [typed_text(t, p) for t, p in compiled]}
        results: dict[str, Any] = {}
        rows: dict[str, list[Any]] = {}
        for arm, queries in arms.items():
            store._auto("CALL db.clearQueryCaches()")
            for phase in ("first", "again"):
                times = []
                out = []
                for text, params in queries:
                    started = time.perf_counter()
                    records = store._read(text, **params)
                    times.append((time.perf_counter() - started) * 1000)
                    out.append(sorted(str(r["p"]) for r in records))
                rows[f"{arm}/{phase}"] = out
                results[f"{arm}/{phase}"] = {
                    "queries": len(times),
                    "total_ms": round(sum(times), 1),
                    "median_ms": round(statistics.median(times), 2),
                    "mean_ms": round(statistics.fmean(times), 2),
                }
        same = all(rows[k] == rows["types as parameters/first"] for k in rows)
        texts = {arm: len({t for t, _ in queries}) for arm, queries in arms.items()}
        graph.drop()
        graph.close()

    report = {
        "set": args.set,
        "questions": len(questions),
        "path_queries": len(captured),
        "distinct_texts": texts,
        "same_paths": same,
        "timings": results,
    }
    param_first = results["types as parameters/first"]["mean_ms"]
    typed_first = results["types in the text/first"]["mean_ms"]
    if not args.no_record:
        path = write_record(
            "neo4j_path_queries",
            report,
            variant=args.set,
            title="Neo4j path queries: relationship types in the text vs as parameters",
            headline=[
                headline(
                    "path queries of the retrieve strategy", f"{len(captured)} ({len(questions)} questions)"
                ),
                headline(
                    "distinct query texts, types in the text / as parameters",
                    f"{texts['types in the text']} / {texts['types as parameters']}",
                ),
                headline("mean ms per query, plan cache cleared, types in the text", typed_first),
                headline("mean ms per query, plan cache cleared, types as parameters", param_first),
                headline(
                    "mean ms per query, plans cached, in the text / as parameters",
                    f"{results['types in the text/again']['mean_ms']} / "
                    f"{results['types as parameters/again']['mean_ms']}",
                ),
                headline("same paths both ways", same, "true", same),
            ],
            notes=(
                "Each arm runs the same list of path queries, recorded from the retrieve strategy on the "
                "set's questions, after `CALL db.clearQueryCaches()` and then again. 'Types in the text' is "
                "the compilation before this change (one text per relation signature)."
            ),
            load_at_start=load_start,
        )
        print(f"record: {path} (run benchmarks/summarize.py to update RESULTS.md)")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
