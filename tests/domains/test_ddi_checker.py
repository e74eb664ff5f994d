"""The ddi checker on the fixture data: rule paths in both directions, curated overrides, PD effects,
name resolution, the JSON contract, and the severity grid."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgreason.domains.ddi import DdiPack
from kgreason.domains.ddi.checker import DdiChecker
from kgreason.domains.ddi.dataset import load_dataset
from kgreason.domains.ddi.golden import evaluate
from kgreason.domains.ddi.names import DrugNames
from kgreason.domains.ddi.rules import pd_severity, pk_severity
from kgreason.errors import InputError
from kgreason.graph.memory import MemoryStore

SEVERITY_ORDER = ["contraindicated", "major", "moderate", "minor"]


def _pair(checker: DdiChecker, a: str, b: str) -> dict[str, object] | None:
    result = checker.check([a, b]).to_dict()
    assert not result["unresolved"]
    return result["interactions"][0] if result["interactions"] else None


def test_severity_grid() -> None:
    assert pk_severity("strong", "sensitive", narrow_ti=False) == "major"
    assert pk_severity("strong", "moderate", narrow_ti=False) == "moderate"
    assert pk_severity("moderate", "sensitive", narrow_ti=False) == "moderate"
    assert pk_severity("moderate", "moderate", narrow_ti=False) == "minor"
    assert pk_severity("weak", "sensitive", narrow_ti=False) == "minor"
    assert pk_severity("strong", "minor", narrow_ti=True) == "minor"  # minor substrates stay minor
    assert pk_severity("moderate", "moderate", narrow_ti=True) == "moderate"  # narrow TI: one up
    assert pk_severity("strong", "sensitive", narrow_ti=True) == "major"  # never above major
    assert pd_severity("major", "known", "known") == "major"
    assert pd_severity("major", "known", "possible") == "moderate"
    assert pd_severity("minor", "possible", "possible") == "minor"


def test_inhibitor_path_both_directions(fixture_checker: DdiChecker) -> None:
    # digoxin is the substrate, clarithromycin the inhibitor: found whichever order they come in
    for a, b in (("digoxin", "clarithromycin"), ("clarithromycin", "digoxin")):
        hit = _pair(fixture_checker, a, b)
        assert hit is not None
        assert hit["severity"] == "major"  # strong P-gp inhibitor + sensitive substrate (narrow TI capped)
        assert hit["via"] == ["pgp"] and hit["basis"] == "rule"
        path = hit["evidence"][0]
        assert path["path"] == "clarithromycin -[INHIBITS]-> pgp <-[SUBSTRATE_OF]- digoxin"
        assert path["sources"] == ["fda_ddi_table"]
        assert [e["type"] for e in path["edges"]] == ["INHIBITS", "SUBSTRATE_OF"]


def test_inducer_and_narrow_ti(fixture_checker: DdiChecker) -> None:
    hit = _pair(fixture_checker, "simvastatin", "rifampin")
    assert hit is not None and hit["severity"] == "major" and "falls" in hit["mechanism"]
    assert hit["evidence"][0]["rule"] == "enzyme_induction"
    warfarin = _pair(fixture_checker, "warfarin", "fluconazole")
    # moderate inhibitor + moderate substrate is minor, narrow therapeutic index lifts it to moderate
    assert warfarin is not None and warfarin["severity"] == "moderate" and warfarin["via"] == ["cyp2c9"]
    assert "levels" in warfarin["management"]


def test_curated_overrides_rule_and_keeps_rule_paths(fixture_checker: DdiChecker) -> None:
    hit = _pair(fixture_checker, "clarithromycin", "Zocor")
    assert hit is not None
    assert hit["severity"] == "contraindicated" and hit["basis"] == "curated"
    rules = [e["rule"] for e in hit["evidence"]]
    assert rules == ["curated", "enzyme_inhibition"]  # the rule path is still shown
    assert hit["evidence"][1]["severity"] == "major"
    assert {"fda_ddi_table", "label_simvastatin"} <= set(hit["sources"][0]["references"])


def test_pd_effects(fixture_checker: DdiChecker) -> None:
    hit = _pair(fixture_checker, "sertraline", "tramadol")
    assert hit is not None and hit["severity"] == "major"
    assert hit["via"][0] == "serotonergic" and "cyp2d6" in hit["via"]  # weak 2D6 inhibition: minor path too
    possible = _pair(fixture_checker, "clarithromycin", "fluconazole")
    # QT known + possible: one level below the effect's pair severity
    assert possible is not None and possible["via"][0] == "qt_prolongation"
    assert _pair(fixture_checker, "paracetamol", "amoxicillin") is None


def test_list_sorted_by_severity_and_every_pair_checked(fixture_checker: DdiChecker) -> None:
    names = ["Zocor", "Biaxin", "rifampin", "Lanoxin", "Cordarone", "Coumadin", "Diflucan", "aspirin"]
    result = fixture_checker.check(names)
    assert result.pairs == 28 and len(result.drugs) == 8
    ranks = [SEVERITY_ORDER.index(i.severity) for i in result.interactions]
    assert ranks == sorted(ranks)
    assert result.interactions[0].severity == "contraindicated"


def test_name_resolution(fixture_checker: DdiChecker) -> None:
    result = fixture_checker.check(
        ["ZOCOR", "acetaminophen", "Warfarin Sodium", "glyceryl-trinitrate", "clarithromycn", "xyzzy"]
    )
    got = {r.input: (r.id, r.method) for r in result.drugs}
    assert got["ZOCOR"] == ("simvastatin", "name")
    assert got["acetaminophen"][0] == "paracetamol"
    assert got["Warfarin Sodium"] == ("warfarin", "salt")
    assert got["glyceryl-trinitrate"][0] == "nitroglycerin"
    # one edit from one drug and no other drug near: corrected, and marked so that it is shown
    assert got["clarithromycn"] == ("clarithromycin", "corrected")
    unresolved = {r.input: list(r.suggestions) for r in result.unresolved}
    assert unresolved == {"xyzzy": []}
    # the known ones are still checked: zocor + warfarin etc.
    assert result.pairs == 10


def test_duplicate_names_checked_once(fixture_checker: DdiChecker) -> None:
    result = fixture_checker.check(["Zocor", "simvastatin", "Biaxin"])
    assert [r.id for r in result.drugs] == ["simvastatin", "clarithromycin"] and result.pairs == 1


def test_ambiguous_alias_resolves_to_neither() -> None:
    names = DrugNames([("a", "Alpha", ["Shared"]), ("b", "Beta", ["shared"])])
    assert names.lookup("shared") is None
    assert names.lookup("ALPHA") == ("a", "name")
    r = names.resolve("Shared")
    assert r.id is None and r.reason == "ambiguous" and r.suggestions == ("a", "b")


def test_json_contract(fixture_checker: DdiChecker) -> None:
    data = fixture_checker.check(["simvastatin", "clarithromycin", "nope"]).to_dict()
    assert set(data) >= {"drugs", "unresolved", "interactions", "alerts", "summary", "complete"}
    drug = {"input": "simvastatin", "id": "simvastatin", "name": "Simvastatin"}
    assert data["drugs"][0].items() >= drug.items() and data["drugs"][0]["corrected"] is False
    assert data["unresolved"] == [{"input": "nope", "suggestions": [], "reason": "unknown"}]
    assert data["complete"] is False and data["alerts"] == []
    assert data["summary"] == {"contraindicated": 1, "major": 0, "moderate": 0, "minor": 0}
    (item,) = data["interactions"]
    contract = {"drugs", "severity", "mechanism", "via", "evidence", "management", "basis", "sources"}
    assert set(item) >= contract
    assert item["drugs"] == ["simvastatin", "clarithromycin"]
    assert item["severity"] in SEVERITY_ORDER and item["basis"] in ("curated", "rule", "predicted")
    assert all(ev["sources"] for ev in item["evidence"])


def test_golden_on_fixtures(fixture_checker: DdiChecker, fixture_pack: DdiPack) -> None:
    report = evaluate(fixture_checker, fixture_pack.golden_set())
    assert report.interactions == 5 and report.nones == 2
    assert report.recall == 1.0 and report.false_alarms == 0, report.to_dict()


def test_bad_data_is_reported_with_file_and_line(tmp_path: Path, fixture_pack: DdiPack) -> None:
    for f in fixture_pack.directory.glob("*.tsv"):
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    pk = tmp_path / "pk.tsv"
    pk.write_text(pk.read_text() + "simvastatin\tINHIBITS\tcyp9z9\tstrong\tfda_ddi_table\t\n")
    data = load_dataset(tmp_path)
    assert any("pk.tsv:17: unknown target id 'cyp9z9'" in p for p in data.problems), data.problems
    with pytest.raises(InputError) as err:
        load_dataset(tmp_path, strict=True)
    assert err.value.line == 17 and err.value.path is not None and err.value.path.endswith("pk.tsv")


def test_reload_after_data_change_drops_stale_facts(tmp_path: Path, fixture_pack: DdiPack) -> None:
    for f in fixture_pack.directory.glob("*.tsv"):
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    store = MemoryStore("ddi_reload", directory=tmp_path / "graphs")
    first = DdiPack(tmp_path).load(store)
    assert not first.skipped and first.edges_created > 0
    assert DdiPack(tmp_path).load(store).skipped  # same data: nothing written
    pk = tmp_path / "pk.tsv"
    pk.write_text("\n".join(line for line in pk.read_text().splitlines() if "amoxicillin" not in line) + "\n")
    again = DdiPack(tmp_path).load(store)
    assert again.reloaded and again.edges == first.edges - 1
    assert not [e for e in store.iter_edges() if e.source == "amoxicillin"]


def test_tsv_errors_name_file_and_line(tmp_path: Path) -> None:
    from kgreason.domains.tsv import read_tsv

    f = tmp_path / "x.tsv"
    f.write_text("# comment\nid\tname\na\tA\n", encoding="utf-8")
    rows = list(read_tsv(f, ("id", "name")))
    assert [(r.line, r.get("id"), r.items("name")) for r in rows] == [(3, "a", ("A",))]
    with pytest.raises(InputError, match=r"x.tsv:2: missing column\(s\) \['kind'\]"):
        list(read_tsv(f, ("id", "kind")))
    f.write_text("id\tname\na\tA\textra\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x.tsv:2: 3 cells but the header has 2 columns"):
        list(read_tsv(f, ("id",)))
    with pytest.raises(InputError, match="no such file"):
        list(read_tsv(tmp_path / "missing.tsv", ("id",)))
    f.write_bytes(b"id\n\xff\n")
    with pytest.raises(InputError, match="not UTF-8"):
        list(read_tsv(f, ("id",)))


def test_link_prediction_hook_is_labelled_and_never_overrides(fixture_checker: DdiChecker) -> None:
    from kgreason.types import PredictedEdge

    calls: list[list[str]] = []

    def predictor(store: object, ids: object) -> list[PredictedEdge]:
        calls.append(list(ids))  # type: ignore[call-overload]
        return [
            PredictedEdge("paracetamol", "INTERACTS_WITH", "amoxicillin", 0.81, model="rotate"),
            PredictedEdge("simvastatin", "INTERACTS_WITH", "clarithromycin", 0.99, model="rotate"),  # known
            PredictedEdge("paracetamol", "INTERACTS_WITH", "digoxin", 0.9, model="rotate"),  # not in the list
        ]

    names = ["Zocor", "Biaxin", "Tylenol", "amoxicillin"]
    result = fixture_checker.check(names, predictor=predictor).to_dict()
    assert calls == [["simvastatin", "clarithromycin", "paracetamol", "amoxicillin"]]
    predicted = [i for i in result["interactions"] if i["basis"] == "predicted"]
    assert len(predicted) == 1
    (p,) = predicted
    assert p["drugs"] == ["paracetamol", "amoxicillin"] and p["score"] == 0.81 and p["evidence"] == []
    curated = [i for i in result["interactions"] if i["drugs"] == ["simvastatin", "clarithromycin"]]
    assert curated[0]["basis"] == "curated"  # a prediction never replaces an established interaction
    assert fixture_checker.check(names).to_dict()["interactions"] == [
        i for i in result["interactions"] if i["basis"] != "predicted"
    ]
