"""The ddi pack on the real Neo4j: loading is idempotent and every check answers exactly as on the
memory store; the pack's Cypher templates find the same mechanism paths as the rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ddi_helpers import FIXTURES, run_kgr

from kgreason.config import Settings
from kgreason.domains.ddi import DdiPack
from kgreason.domains.ddi.checker import DdiChecker
from kgreason.graph.memory import MemoryStore

pytestmark = pytest.mark.neo4j

LISTS = [
    ["Zocor", "Biaxin", "rifampin", "Lanoxin", "Cordarone", "Coumadin", "Diflucan", "aspirin"],
    ["sertraline", "tramadol", "Viagra", "glyceryl trinitrate", "Tylenol", "amoxicillin", "simvastatn"],
]


def _packs() -> list[DdiPack]:
    packs = [DdiPack(FIXTURES)]
    real = DdiPack()
    if (real.directory / "drugs.tsv").exists():
        packs.append(real)
    return packs


def _canonical(result: dict[str, Any]) -> str:
    result = dict(result)
    result.pop("elapsed_ms")
    return json.dumps(result, sort_keys=True)


@pytest.mark.parametrize(
    "pack", _packs(), ids=lambda p: "fixtures" if "fixtures" in str(p.directory) else "real"
)
def test_same_answers_on_both_stores(
    pack: DdiPack, neo4j_store_factory: Callable[[str], Any], settings: Settings
) -> None:
    neo = neo4j_store_factory("ddi_both")
    mem = MemoryStore("ddi_both", settings)
    first = pack.load(neo)
    assert not first.skipped and first.edges_created > 0
    again = pack.load(neo)
    assert again.skipped and (again.nodes, again.edges) == (first.nodes, first.edges)
    pack.load(mem)
    assert mem.stats() == neo.stats()
    ansm = pack.ansm()
    lists = LISTS
    if "fixtures" not in str(pack.directory):
        drugs = sorted(pack.data.drugs)
        lists = [drugs[i : i + 12] for i in range(0, min(len(drugs), 96), 12)]
        lists += [list(case.entities) for case in pack.golden_set()]
    mem_checker, neo_checker = DdiChecker(mem, ansm), DdiChecker(neo, ansm)
    for names in lists:
        on_memory = mem_checker.check(names).to_dict()
        on_neo4j = neo_checker.check(names).to_dict()
        assert _canonical(on_memory) == _canonical(on_neo4j), names


def test_cypher_templates_match_rule_paths(neo4j_store_factory: Callable[[str], Any]) -> None:
    pack = DdiPack(FIXTURES)
    neo = neo4j_store_factory("ddi_tpl")
    pack.load(neo)
    templates = pack.cypher_templates()
    query = templates["transporter_inhibition"].format(graph_label=neo.graph_label)
    result = neo.run_cypher(query, {"a": "clarithromycin", "b": "digoxin"}, read_only=True, limit=10)
    rows = list(result.rows)
    assert rows and rows[0]["via"] == "pgp" and rows[0]["strength"] == "strong"
    assert rows[0]["sensitivity"] == "sensitive"
    curated = templates["curated"].format(graph_label=neo.graph_label)
    rows = list(neo.run_cypher(curated, {"a": "simvastatin", "b": "clarithromycin"}, limit=10).rows)
    assert rows[0]["severity"] == "contraindicated" and rows[0]["via"] == ["cyp3a4"]


def test_cli_load_and_check_on_neo4j(
    tmp_path: Path, neo4j_uri: str, neo4j_store_factory: Callable[[str], Any]
) -> None:
    neo4j_store_factory("ddi_cli")  # dropped before and after the test
    home = tmp_path / "home"
    env = {"KGR_NEO4J_URI": neo4j_uri}
    loaded = run_kgr(
        "packs", "load", "ddi", "--store", "neo4j", "--graph", "ddi_cli", "--json", home=home, extra_env=env
    )
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout)["edges_created"] > 0
    args = ["ddi", "check", "Zocor", "Biaxin", "Lanoxin", "coumadin", "aspirin", "--json", "-g", "ddi_cli"]
    neo = run_kgr(*args, "--store", "neo4j", home=home, extra_env=env)
    mem = run_kgr(*args, home=home)
    assert neo.returncode == 0 and mem.returncode == 0, neo.stderr + mem.stderr
    assert _canonical(json.loads(neo.stdout)) == _canonical(json.loads(mem.stdout))


def test_ask_pack_on_neo4j(tmp_path: Path, neo4j_uri: str, neo4j_store_factory: Callable[[str], Any]) -> None:
    neo4j_store_factory("ddi_ask")  # dropped before and after the test
    env = {"KGR_NEO4J_URI": neo4j_uri}
    q = "Which enzyme does Biaxin inhibit?"
    args = ("ask", "--pack", "ddi", q, "--graph", "ddi_ask", "--llm", "none", "--json")
    neo = run_kgr(*args, "--store", "neo4j", home=tmp_path, extra_env=env)
    assert neo.returncode == 0, neo.stderr
    mem = run_kgr(*args, home=tmp_path)
    on_neo4j, on_memory = json.loads(neo.stdout), json.loads(mem.stdout)
    assert on_neo4j["entities"] == on_memory["entities"] and "cyp3a4" in on_neo4j["entities"][:2]
    assert on_neo4j["trace"][0]["seeds"][0]["node_id"] == "clarithromycin"
