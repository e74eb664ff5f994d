"""The DomainPack API: discovery through the registry, errors for unknown and broken packs, `kgr packs`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ddi_helpers import run_kgr

from kgreason.domains import DomainPack, available_packs, get_pack
from kgreason.domains.ddi import DdiPack
from kgreason.errors import NotFoundError, PluginError
from kgreason.testing.plugins import declare_entry_points


def test_ddi_is_discovered_without_import() -> None:
    packs = available_packs()
    assert packs["ddi"].target == "kgreason.domains.ddi:DdiPack"
    pack = get_pack("ddi")
    assert isinstance(pack, DdiPack) and isinstance(pack, DomainPack)
    assert pack.graph_name() == "ddi" and pack.cli_app() is not None


def test_unknown_pack_suggests() -> None:
    with pytest.raises(NotFoundError) as err:
        get_pack("dd1")
    assert err.value.suggestions == ["ddi"] and err.value.exit_code == 2


def test_broken_packs_are_reported_when_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = {"nomodule": "kgreason_no_such_mod:Pack", "notapack": "kgreason.types:Triple"}
    monkeypatch.syspath_prepend(str(declare_entry_points(tmp_path, {"kgreason.domains": broken})))
    assert {"nomodule", "notapack"} <= set(available_packs())  # listing imports nothing
    with pytest.raises(PluginError, match="failed to load"):
        get_pack("nomodule")
    with pytest.raises(PluginError):
        get_pack("notapack")


def test_pack_info_on_fixtures(fixture_pack: DdiPack) -> None:
    info = fixture_pack.info()
    assert set(info["schema"]["labels"]) == {"Drug", "Enzyme", "Transporter", "Effect", "ListAlert"}
    assert set(info["schema"]["relationship_types"]) == {
        "INHIBITS", "INDUCES", "SUBSTRATE_OF", "ACTIVATED_BY", "HAS_EFFECT", "INTERACTS_WITH",
        "CONTRIBUTES_TO", "COUNTS",
    }  # fmt: skip
    patterns = {r["name"]: r["pattern"] for r in info["rules"]}
    assert patterns["enzyme_inhibition"] == "(a)-[:INHIBITS]->(m:Enzyme)<-[:SUBSTRATE_OF]-(b)"
    assert "system" in info["prompts"] and info["golden_cases"] == 7 and info["data_problems"] == []
    assert fixture_pack.entity_hints("Can I take Zocor with biaxin and rifampin?") == [
        "simvastatin", "clarithromycin", "rifampicin",
    ]  # fmt: skip


def test_packs_cli_list_info_load(tmp_path: Path) -> None:
    home = tmp_path / "home"
    listed = run_kgr("packs", "list", "--json", home=home)
    assert listed.returncode == 0, listed.stderr
    ddi = {"name": "ddi", "target": "kgreason.domains.ddi:DdiPack", "builtin": True}
    assert ddi in json.loads(listed.stdout)
    unknown = run_kgr("packs", "info", "ddx", home=home)
    assert unknown.returncode == 2 and "ddi" in unknown.stderr
    loaded = run_kgr("packs", "load", "ddi", "--graph", "ddifx", "--json", home=home, data=None)
    report = json.loads(loaded.stdout)
    assert loaded.returncode == 0 and report["graph"] == "ddifx" and report["edges_created"] > 0
    again = json.loads(run_kgr("packs", "load", "ddi", "-g", "ddifx", "--json", home=home, data=None).stdout)
    assert again["skipped"] and again["edges"] == report["edges"] and again["nodes"] == report["nodes"]
