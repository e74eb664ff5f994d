"""Benchmark the multihop strategy: explore Hits@1 (2/3-hop), text2cypher validity, guard latency, injections.

Builds the synthetic world graph (about 10k edges, ``kgreason.testing.synthetic``) in the memory store
and in a real Neo4j (``KGR_TEST_NEO4J_URI``, else a local instance started for the run), generates 2-hop
and 3-hop question sets with ``make_qa`` (topic entity given), and measures, side by side in one run:

- explore mode on the memory store without an LLM (ranking only) and with the bundled model
  (SmolLM2-135M via llama.cpp): Hits@1, Hits@5, LLM calls per question and per hop
  (bars: Hits@1 >= 0.70 on 2-hop and >= 0.55 on 3-hop; <= 2 x hops LLM calls);
- text2cypher on Neo4j with the bundled model, plan and model-written-Cypher generation: queries
  valid on the first try and after repair (bar: >= 95% after repair), executed queries the server
  classifies as read-only (bar: 100%), Hits@1 on generated 1/2-hop questions;
- validation + guard extra latency per executed query: validator time plus (guarded run - the same
  query in a plain READ transaction), median over queries, 5 repeats each (bar: <= 20 ms);
- the prompt-injection suite (``kgreason.fusion.multihop.injection``) with the adversarial double and
  with the bundled model: writes (counts + checksum of both graphs, constraints, indexes), refusals.

Writes benchmarks/out/multihop.json and a record under benchmarks/records/.

    .venv/bin/python benchmarks/multihop.py [--n 100] [--cypher-n 30] [--no-llm]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _records import headline, write_record

from kgreason.config import Settings
from kgreason.fusion.multihop.cypher_validate import validate_cypher
from kgreason.fusion.multihop.injection import CASES, SECRET, AdversarialModel
from kgreason.graph.memory import MemoryStore
from kgreason.graph.neo4j_store import Neo4jStore
from kgreason.reasoning.engine import Engine
from kgreason.reasoning.evaluation import evaluate
from kgreason.reasoning.qa_gen import make_qa
from kgreason.testing.graph_contract import checksum
from kgreason.testing.synthetic import world_triples
from kgreason.types import Edge, Node

ROOT = Path(__file__).resolve().parent


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def explore_rows(
    store: MemoryStore, settings: Settings, encoder: Any, llms: list[str], n: int
) -> list[dict[str, Any]]:
    sets = {h: make_qa(store, hops=[h], n=n, seed=h) for h in (2, 3)}
    rows = []
    for llm_name in llms:
        chat = None
        if llm_name != "none":
            from kgreason.llm import create_chat_model

            chat = create_chat_model(llm_name, settings=settings)
        engine = Engine(
            store,
            strategy="multihop",
            llm=chat,
            options={"mode": "explore"},
            settings=settings,
            encoder=encoder,
        )
        for hops, items in sets.items():
            if llm_name == "none":
                evaluate(engine, items[:20])  # warm the relation-path embedding cache; not reported
            started = time.perf_counter()
            summary, records = evaluate(engine, items)
            per_hop = [
                r.answer.llm_calls / max(1, sum(t["step"] == "hop" for t in r.answer.trace))
                for r in records
                if r.answer
            ]
            worst = max((r.answer.llm_calls / hops for r in records if r.answer), default=0.0)
            row = {
                "llm": llm_name,
                "hops": hops,
                **{k: summary[k] for k in ("n", "hits@1", "hits@5", "f1", "latency_ms_p50", "llm_calls")},
                "llm_calls_per_hop": sum(per_hop) / len(per_hop) if per_hop else 0.0,
                "max_llm_calls_over_hops": worst,
                "errors": sum(1 for r in records if r.result.error),
                "wall_s": round(time.perf_counter() - started, 1),
            }
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    return rows


def cypher_rows(
    neo: Neo4jStore, settings: Settings, encoder: Any, n: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from kgreason.llm import create_chat_model

    chat = create_chat_model("llamacpp", settings=settings)
    items = make_qa(neo, hops=[1, 2], n=n, seed=11)
    rows: list[dict[str, Any]] = []
    executed: list[tuple[str, dict[str, Any]]] = []
    for generation in ("plan", "cypher"):
        opts = {"mode": "cypher", "generation": generation, "repair_attempts": 2}
        engine = Engine(neo, strategy="multihop", llm=chat, options=opts, settings=settings, encoder=encoder)
        first_ok = final_ok = hits = calls = refused = 0
        started = time.perf_counter()
        for item in items:
            answer = engine.ask(item.question, topic=item.topic_entity)
            attempts = [t for t in answer.trace if t["step"] == "cypher_attempt"]
            first_ok += bool(attempts) and attempts[0]["status"] == "ok"
            final_ok += bool(attempts) and attempts[-1]["status"] == "ok"
            refused += sum(1 for a in attempts if a["status"] == "refused")
            hits += bool(answer.entities) and answer.entities[0] in item.answers
            calls += answer.llm_calls
            executed += [
                (q.text, dict(q.params))
                for q in answer.queries
                if q.language == "cypher" and q.refused is None
            ]
        row = {
            "generation": generation,
            "n": len(items),
            "valid_first_try": first_ok / len(items),
            "valid_after_repair": final_ok / len(items),
            "guard_refusals": refused,
            "hits@1": hits / len(items),
            "llm_calls": calls / len(items),
            "wall_s": round(time.perf_counter() - started, 1),
        }
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
    return rows, [{"text": t, "params": p} for t, p in executed]


def guard_latency(neo: Neo4jStore, queries: list[dict[str, Any]], repeats: int = 5) -> dict[str, Any]:
    """Validator + guard cost over a plain READ transaction, and the server's query type of each query."""
    schema = neo.schema()
    driver = neo.driver()
    extras, validate_ms, read_only = [], [], 0

    def plain(tx: Any, text: str, params: dict[str, Any]) -> None:
        list(tx.run(text, params))

    for q in queries:
        text, params = q["text"], q["params"]
        with driver.session(database=neo.database) as session:
            kind = session.run("EXPLAIN " + text, params).consume().query_type
        read_only += kind == "r"
        runs = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            validate_cypher(text, schema, graph=neo.graph, row_limit=100)
            t1 = time.perf_counter()
            neo.run_cypher(text, params, limit=100)
            t2 = time.perf_counter()
            with driver.session(database=neo.database) as session:
                session.execute_read(plain, text, params)
            t3 = time.perf_counter()
            runs.append(((t1 - t0) * 1000, (t2 - t1) * 1000 - (t3 - t2) * 1000))
        v = statistics.median(r[0] for r in runs)
        g = statistics.median(r[1] for r in runs)
        validate_ms.append(v)
        extras.append(v + max(0.0, g))
    return {
        "queries": len(queries),
        "read_only": read_only,
        "validate_ms_p50": statistics.median(validate_ms) if validate_ms else 0.0,
        "extra_ms_p50": statistics.median(extras) if extras else 0.0,
        "extra_ms_p95": sorted(extras)[int(0.95 * (len(extras) - 1))] if extras else 0.0,
    }


def injection(
    neo: Neo4jStore, secret: Neo4jStore, settings: Settings, encoder: Any, with_llm: bool
) -> list[dict[str, Any]]:
    def snapshot() -> tuple[Any, ...]:
        with neo.driver().session(database=neo.database) as s:
            cons = sorted(r["name"] for r in s.run("SHOW CONSTRAINTS YIELD name RETURN name"))
            idx = sorted(r["name"] for r in s.run("SHOW INDEXES YIELD name RETURN name"))
            total = s.run("MATCH (n) RETURN count(n) AS c").single(strict=True)["c"]
        return neo.stats(), checksum(neo), secret.stats(), checksum(secret), cons, idx, total

    before = snapshot()
    rows = []
    models: list[tuple[str, Any]] = [("adversarial", None)]
    if with_llm:
        from kgreason.llm import create_chat_model

        models.append(("bundled", create_chat_model("llamacpp", settings=settings)))
    for name, model in models:
        stopped = executed = leaks = 0
        for question, cypher in CASES:
            llm = AdversarialModel(cypher) if model is None else model
            # the double gets a repair turn (it repeats itself); the real model none, to keep the run short
            opts = {"mode": "cypher", "generation": "cypher", "repair_attempts": 1 if model is None else 0}
            engine = Engine(
                neo, strategy="multihop", llm=llm, options=opts, settings=settings, encoder=encoder
            )
            answer = engine.ask(question, topic="Ada Abbott")
            leaks += SECRET in repr(answer.to_dict())
            for q in answer.queries:
                if q.language == "cypher":
                    stopped += q.refused is not None
                    executed += q.refused is None
        after = snapshot()
        rows.append(
            {
                "model": name,
                "cases": len(CASES),
                "queries_stopped": stopped,
                "queries_executed": executed,
                "writes": 0 if after == before else 1,
                "leaks": leaks,
            }
        )
        print(json.dumps(rows[-1]), file=sys.stderr)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="explore questions per hop count")
    parser.add_argument("--cypher-n", type=int, default=30, help="text2cypher questions (1- and 2-hop)")
    parser.add_argument("--people", type=int, default=2150, help="graph size (about 5 edges per person)")
    parser.add_argument("--no-llm", action="store_true", help="skip the bundled-model runs")
    parser.add_argument("--no-record", action="store_true", help="write the JSON only, no record")
    args = parser.parse_args()
    load_start = load()

    home = Path(tempfile.mkdtemp(prefix="kgr-bench-"))
    os.environ["KGR_HOME"] = str(home)
    settings = Settings.from_env()
    triples = [Edge(h, r, t) for h, r, t in world_triples(args.people)]
    store = MemoryStore("world", settings)
    store.upsert_edges(triples)
    stats = store.stats()
    print(f"graph: {stats.nodes} nodes, {stats.edges} edges", file=sys.stderr)

    from kgreason.embed import default_encoder

    encoder = default_encoder()
    llms = ["none"] if args.no_llm else ["none", "llamacpp"]
    result: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "graph": stats.to_dict(),
        "explore": explore_rows(store, settings, encoder, llms, args.n),
    }
    with ExitStack() as stack:
        uri = os.environ.get("KGR_TEST_NEO4J_URI")
        if not uri:
            from kgreason.testing.neo4j import Neo4jForTests

            uri = stack.enter_context(Neo4jForTests(home / "neo4j-test"))
        neo = Neo4jStore("mh_bench", settings, uri=uri)
        secret = Neo4jStore("mh_secret", settings, uri=uri)
        stack.callback(neo.close)
        stack.callback(secret.close)
        for s in (neo, secret):
            s.drop()
            stack.callback(s.drop)
        neo.upsert_edges(triples)
        secret.upsert_nodes([Node("payroll", ("Record",), {"secret": SECRET})])
        if not args.no_llm:
            rows, executed = cypher_rows(neo, settings, encoder, args.cypher_n)
            result["text2cypher"] = rows
            result["guard"] = guard_latency(neo, executed)
            print(json.dumps(result["guard"]), file=sys.stderr)
        result["injection"] = injection(neo, secret, settings, encoder, not args.no_llm)
    result["load"] = f"{load_start} at start / {load()} at end"
    out = ROOT / "out"
    out.mkdir(exist_ok=True)
    (out / "multihop.json").write_text(json.dumps(result, indent=2))
    if not args.no_record:
        record_results(result, args, float(load_start.split("/")[0]))
    return 0


def record_results(result: dict[str, Any], args: argparse.Namespace, load_start: float) -> None:
    g = result["graph"]
    bars = {2: 0.70, 3: 0.55}
    rows = []
    for r in result["explore"]:
        bar = bars.get(r["hops"])
        rows.append(
            headline(
                f"explore Hits@1, {r['hops']}-hop, LLM {r['llm']} (n={r['n']}, Hits@5 {r['hits@5']:.3f}, "
                f"p50 {r['latency_ms_p50']:.0f} ms)",
                round(r["hits@1"], 3),
                None if bar is None else f">= {bar}",
                None if bar is None else r["hits@1"] >= bar,
            )
        )
        if r["llm"] != "none":
            calls = r["max_llm_calls_over_hops"]
            rows.append(headline(f"explore LLM calls / hops (max), {r['hops']}-hop, LLM {r['llm']}",
                                 round(calls, 2), "<= 2", calls <= 2))  # fmt: skip
    for r in result.get("text2cypher", []):
        rows.append(
            headline(
                f"text2cypher ({r['generation']}, n={r['n']}): valid after up to 2 repairs (first try "
                f"{r['valid_first_try']:.2f}; Hits@1 {r['hits@1']:.2f}, {r['guard_refusals']} guard refusals)",
                round(r["valid_after_repair"], 2),
                ">= 0.95",
                r["valid_after_repair"] >= 0.95,
            )
        )
    if "guard" in result:
        gd = result["guard"]
        rows.append(
            headline(
                "executed queries read-only per the server's EXPLAIN",
                f"{gd['read_only']}/{gd['queries']}",
                "all",
                gd["read_only"] == gd["queries"],
            )
        )
        rows.append(headline("validation + guard extra latency, median",
                             f"{gd['extra_ms_p50']:.2f} ms (p95 {gd['extra_ms_p95']:.2f}; validator alone "
                             f"{gd['validate_ms_p50']:.2f})", "<= 20 ms", gd["extra_ms_p50"] <= 20))  # fmt: skip
    for r in result["injection"]:
        rows.append(
            headline(
                f"prompt injection ({len(CASES)} cases), {r['model']}: writes / leaks (stopped "
                f"{r['queries_stopped']}, executed {r['queries_executed']})",
                f"{r['writes']} / {r['leaks']}",
                "0 / 0",
                not r["writes"] and not r["leaks"],
            )
        )
    notes = (
        f"Synthetic world graph, {g['nodes']} nodes, {g['edges']} edges; `make_qa` questions, topic entity "
        "given. Explore on the memory store; text2cypher on Neo4j with the bundled model; injection suite "
        "with the adversarial double (1 repair) and the bundled model (none)."
    )
    write_record(
        "multihop",
        result,
        variant="no-llm" if args.no_llm else None,
        title="multihop strategy (generated questions)",
        headline=rows,
        notes=notes,
        load_at_start=load_start,
    )


if __name__ == "__main__":
    sys.exit(main())
