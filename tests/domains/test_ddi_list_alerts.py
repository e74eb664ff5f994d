"""Whole-list alerts on the bundled data (shared effects, the triple whammy), the whole-list scenarios,
the golden split, unrecognised names shown first, and the plain-language explanations."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from ddi_helpers import run_kgr

from kgreason.config import Settings
from kgreason.domains.ddi import DdiPack
from kgreason.domains.ddi.alerts import _distinct_assignment
from kgreason.domains.ddi.checker import DdiChecker
from kgreason.domains.ddi.golden import evaluate, evaluate_scenarios, read_scenarios, split_golden
from kgreason.errors import InputError
from kgreason.graph.memory import MemoryStore

ISSUE_LIST = [
    "amiodarone", "simvastatin", "warfarin", "metoprolol", "digoxin",
    "omeprazole", "clopidogrel", "fluoxetine", "tramadol", "lisinopril",
]  # fmt: skip


@pytest.fixture(scope="module")
def real_pack() -> DdiPack:
    return DdiPack()


@pytest.fixture(scope="module")
def real_checker(real_pack: DdiPack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DdiChecker]:
    settings = Settings(home=tmp_path_factory.mktemp("home"))
    store = MemoryStore("ddi_lists", settings)
    real_pack.load(store)
    yield DdiChecker(store)
    store.close()


def test_issue_list_names_every_contributing_drug(real_checker: DdiChecker) -> None:
    result = real_checker.check(ISSUE_LIST)
    alerts = {a.id: a for a in result.alerts}
    bleeding = alerts["bleeding_risk"]
    assert bleeding.drugs == ("warfarin", "clopidogrel", "fluoxetine") and bleeding.severity == "major"
    # each drug's effect edge with its source is the evidence; warfarin weighs most (anticoagulant)
    assert [(c.drug, c.weight) for c in bleeding.evidence] == [
        ("warfarin", 3),
        ("clopidogrel", 2),
        ("fluoxetine", 1),
    ]
    assert all(c.sources for c in bleeding.evidence)
    assert alerts["bradycardia"].drugs == ("amiodarone", "metoprolol", "digoxin")
    data = result.to_dict()["alerts"][0]
    assert set(data) >= {"drugs", "severity", "effect", "mechanism", "evidence", "explanation"}
    assert data["evidence"][0]["path"].endswith(f"-> {data['effect']}")
    assert "Research" not in data["explanation"]  # facts only; the notice is the CLI's


def test_triple_whammy_needs_three_different_drugs(real_checker: DdiChecker) -> None:
    whammy = [a for a in real_checker.check(["Advil", "Lasix", "Zestril"]).alerts if a.id == "triple_whammy"]
    assert len(whammy) == 1 and whammy[0].severity == "major" and whammy[0].effect == "nephrotoxicity"
    assert whammy[0].drugs == ("ibuprofen", "furosemide", "lisinopril")
    # two of the three roles: no alert (the NSAID + ACE inhibitor pair is still reported)
    two = real_checker.check(["ibuprofen", "lisinopril"])
    assert two.alerts == [] and two.interactions
    assert _distinct_assignment([["a"], ["a", "b"], ["b", "c"]])
    assert not _distinct_assignment([["a"], ["a"], ["b"]])
    assert not _distinct_assignment([["a"], []])


def test_whole_list_scenarios(real_pack: DdiPack, real_checker: DdiChecker) -> None:
    scenarios = read_scenarios(
        real_pack.directory / "golden_lists.tsv", real_pack.data.drugs, real_pack.data.sources
    )
    assert len(scenarios) >= 20
    assert sum(1 for s in scenarios if not s.expected) >= 5  # lists that must stay quiet
    report = evaluate_scenarios(real_checker, scenarios)
    assert report.raised == report.expected and report.spurious == 0, report.failures


def test_scenarios_reject_unknown_ids(tmp_path: Path) -> None:
    path = tmp_path / "lists.tsv"
    path.write_text("id\tdrugs\texpected\tsource\nx\ta|nope\tbleeding_risk:major\ts\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown drug id 'nope'"):
        read_scenarios(path, {"a"}, {"s"})
    path.write_text("id\tdrugs\texpected\tsource\nx\ta\tbleeding_risk\ts\n", encoding="utf-8")
    with pytest.raises(InputError, match="alert:severity"):
        read_scenarios(path, {"a"}, {"s"})


def test_golden_split_both_halves(real_pack: DdiPack, real_checker: DdiChecker) -> None:
    curated = {frozenset((c.drug_a, c.drug_b)) for c in real_pack.data.curated}
    with_row, held_out = split_golden(real_pack.golden_set(), curated)
    assert with_row and held_out and len(with_row) + len(held_out) == len(real_pack.golden_set())
    assert not any(frozenset(c.entities) in curated for c in held_out)
    held = evaluate(real_checker, held_out)
    assert held.interactions >= 100 and held.recall >= 0.90 and held.false_alarm_rate <= 0.05


def test_explanations_come_from_the_path(real_checker: DdiChecker) -> None:
    (pair,) = real_checker.check(["clarithromycin", "digoxin"]).interactions
    assert "Clarithromycin strongly blocks P-glycoprotein" in pair.explanation
    assert "Digoxin" in pair.explanation
    # a prodrug's activating enzyme: no sentence claiming its exposure rises (the curated text says why)
    (ppi,) = real_checker.check(["omeprazole", "clopidogrel"]).interactions
    assert "amount of Clopidogrel in the body can rise" not in ppi.explanation
    assert ppi.explanation.startswith("The product labelling describes this combination")


def test_unrecognised_names_come_first(tmp_path: Path) -> None:
    home = tmp_path / "home"
    r = run_kgr("ddi", "check", "metformin", "atorvastatin", "xyzzy", "warfrin", home=home, data=None)
    assert r.returncode == 2, r.stderr
    out = r.stdout
    assert out.index("NOT CHECKED") < out.index("checked 3 pair")
    assert "unknown drug 'xyzzy' (no close match)" in out
    assert "read 'warfrin' as Warfarin (spelling corrected" in out
    assert out.index("summary:") < out.index("Research tool")
    quiet = run_kgr("ddi", "check", "metformin", "levothyroxine", "qqqqq", home=home, data=None)
    assert quiet.returncode == 2
    # never a bare "no interaction found" while a name was not checked
    assert "no interaction found in the graph among the 2 recognised drug(s); 1 name(s) were NOT" in (
        " ".join(quiet.stdout.split())
    )


def test_min_severity_and_grouping(tmp_path: Path) -> None:
    home = tmp_path / "home"
    args = ("ddi", "check", *ISSUE_LIST, "--no-ansm")
    full = json.loads(run_kgr(*args, "--json", home=home, data=None).stdout)
    major = run_kgr(*args, "--json", "--min-severity", "major", home=home, data=None)
    assert major.returncode == 0, major.stderr
    data = json.loads(major.stdout)
    assert data["summary"] == full["summary"] and data["summary"]["major"] >= 7
    assert {i["severity"] for i in data["interactions"]} == {"major"}
    assert len(data["interactions"]) < len(full["interactions"]) and len(data["alerts"]) == 2
    table = run_kgr(*args, "--by-drug", "--min-severity", "major", home=home, data=None)
    assert "Lisinopril: nothing found" in table.stdout and "below major not shown" in table.stdout
    grouped = json.loads(run_kgr(*args, "--json", "--by-drug", home=home, data=None).stdout)["by_drug"]
    assert grouped["lisinopril"] == {"interactions": [], "alerts": []}
    assert {"with": "amiodarone", "severity": "major"} in grouped["digoxin"]["interactions"]
    assert grouped["metoprolol"]["alerts"] == ["bradycardia"]
    bad = run_kgr(*args, "--min-severity", "severe", home=home, data=None)
    assert bad.returncode == 2 and "--min-severity" in bad.stderr


@pytest.mark.neo4j
def test_alerts_same_on_neo4j(
    real_pack: DdiPack, real_checker: DdiChecker, neo4j_store_factory: Callable[[str], Any]
) -> None:
    neo = neo4j_store_factory("ddi_lists")
    real_pack.load(neo)
    on_neo = DdiChecker(neo)
    for s in read_scenarios(
        real_pack.directory / "golden_lists.tsv", real_pack.data.drugs, real_pack.data.sources
    ):
        a = real_checker.check(list(s.drugs)).to_dict()["alerts"]
        assert on_neo.check(list(s.drugs)).to_dict()["alerts"] == a, s.id


def test_issue18_pairs(real_checker: DdiChecker) -> None:
    """Pairs the issue found missing, ANSM-only or under-graded (each now with its label source)."""
    expected = {
        ("warfarin", "tramadol"): ("moderate", "bleeding_risk", "label_tramadol"),
        ("omeprazole", "warfarin"): ("moderate", "cyp2c19", "label_omeprazole"),
        ("simvastatin", "warfarin"): ("moderate", "bleeding_risk", "label_simvastatin"),
    }
    for (a, b), (severity, via, source) in expected.items():
        (pair,) = real_checker.check([a, b]).interactions
        assert (pair.severity, pair.basis) == (severity, "curated") and via in pair.via
        assert source in pair.sources[0]["references"]
    # the R-warfarin CYP2C19 pathway is a graph path too, not only a curated row
    rules = DdiChecker(real_checker.store, use_curated=False)
    (path_only,) = rules.check(["omeprazole", "warfarin"]).interactions
    assert "cyp2c19" in path_only.via and path_only.basis == "rule"


def test_prodrug_activation_is_a_graph_path(real_checker: DdiChecker) -> None:
    """A prodrug's activating enzyme: an inhibitor lowers its effect (was a misleading 'exposure rises')."""
    rules = DdiChecker(real_checker.store, use_curated=False)
    (pair,) = rules.check(["bupropion", "codeine"]).interactions
    hit = next(h for h in pair.evidence if h.rule == "prodrug_activation_inhibition")
    assert hit.to_dict()["path"] == "bupropion -[INHIBITS]-> cyp2d6 <-[ACTIVATED_BY]- codeine"
    assert hit.severity == "moderate" and "works less well" in hit.mechanism
    assert not any("exposure rises" in h.mechanism and h.via == "cyp2d6" for h in pair.evidence)
    assert "Codeine only works once" in pair.explanation


def test_time_dependent_inhibition_is_said(real_checker: DdiChecker) -> None:
    rules = DdiChecker(real_checker.store, use_curated=False)
    (pair,) = rules.check(["clarithromycin", "midazolam"]).interactions
    hit = next(h for h in pair.evidence if h.via == "cyp3a4")
    assert hit.path.edges[0].properties["time_dependent"] is True
    assert "time-dependent" in hit.mechanism and "after stopping Clarithromycin" in hit.management
    (plain,) = rules.check(["itraconazole", "midazolam"]).interactions  # reversible: no such claim
    assert not any("time-dependent" in h.mechanism for h in plain.evidence)
