"""The registry reads entry points only: kgreason's own (its pyproject.toml) are the built-ins, any other
distribution's are plugins; names are listed without importing anything."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from kgreason import registry
from kgreason.errors import NotFoundError, PluginError
from kgreason.testing.plugins import declare_entry_points

ROOT = Path(__file__).resolve().parents[1]


def test_every_builtin_is_an_entry_point_of_the_installed_package() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["entry-points"]
    assert set(declared) == set(registry.GROUPS)
    for group in registry.GROUPS:
        found = {n: p.target for n, p in registry.available(group).items() if p.builtin}
        # a mismatch means the installed metadata is stale: pip install -e . again
        assert found == declared[group], group
    assert {"retrieve", "multihop", "gnn"} <= set(declared["kgreason.strategies"])
    llms = set(declared["kgreason.llm_backends"])
    assert llms == {"llamacpp", "openai", "vllm", "transformers", "langchain"}


def test_a_third_party_entry_point_is_found_loaded_and_not_builtin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "kgr_third_party_strategy.py"
    package.write_text("class Strategy:\n    name = 'thirdparty'\n", encoding="utf-8")
    site = declare_entry_points(
        tmp_path,
        {"kgreason.strategies": {"thirdparty": "kgr_third_party_strategy:Strategy"}},
        distribution="kgr-third-party",
    )
    monkeypatch.syspath_prepend(str(site))
    try:
        info = registry.available("kgreason.strategies")["thirdparty"]
        assert info.target == "kgr_third_party_strategy:Strategy" and info.builtin is False
        assert "kgr_third_party_strategy" not in sys.modules  # listing imported nothing
        assert registry.load("kgreason.strategies", "thirdparty").name == "thirdparty"
    finally:
        sys.modules.pop("kgr_third_party_strategy", None)
    # off the path, it is gone
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(site)])
    assert "thirdparty" not in registry.available("kgreason.strategies")


def test_a_plugin_cannot_replace_a_builtin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = declare_entry_points(tmp_path, {"kgreason.graph_backends": {"memory": "kgreason.types:Triple"}})
    monkeypatch.syspath_prepend(str(site))
    memory = registry.available("kgreason.graph_backends")["memory"]
    assert memory.builtin and memory.target == "kgreason.graph.memory:MemoryStore"


def test_unknown_and_broken_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(NotFoundError) as err:
        registry.load("kgreason.strategies", "multihob")
    assert err.value.kind == "strategy" and err.value.suggestions == ["multihop"]
    with pytest.raises(NotFoundError) as err:
        registry.load("kgreason.graph_backends", "neo5j")
    assert err.value.kind == "graph backend" and "neo4j" in err.value.suggestions
    site = declare_entry_points(tmp_path, {"kgreason.llm_backends": {"gone": "kgr_no_such_module:Chat"}})
    monkeypatch.syspath_prepend(str(site))
    assert registry.available("kgreason.llm_backends")["gone"].builtin is False
    with pytest.raises(PluginError, match=r"'gone' .*kgr_no_such_module.* failed to load"):
        registry.load("kgreason.llm_backends", "gone")


def test_declare_entry_points_rejects_what_entry_points_txt_cannot_hold(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a 'module:attribute'"):
        declare_entry_points(tmp_path, {"kgreason.strategies": {"x": "has space:Thing"}})


def test_a_checkout_that_was_never_installed_is_told_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "entry_points", lambda group: [])  # what importlib finds without metadata
    with pytest.raises(NotFoundError) as err:
        registry.load("kgreason.strategies", "retrieve")
    assert err.value.hint is not None and "pip install -e ." in err.value.hint
