"""A third-party pack (examples/example_pack, its own distribution) is found through its entry point.

The example is pip-installed (non-editable, no dependencies) into a temporary directory that is put on
``PYTHONPATH`` of the ``kgr`` runs: the shared .venv is left untouched.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from ddi_helpers import ROOT, run_kgr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    work = tmp_path_factory.mktemp("example-pack")
    source = work / "src"
    shutil.copytree(ROOT / "examples" / "example_pack", source)  # pip writes build/ next to the sources
    target = work / "site"
    command = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target)]
    if _setuptools_builds_wheels():
        command.append("--no-build-isolation")  # build with the installed setuptools: no download
    subprocess.run([*command, str(source)], check=True, capture_output=True, text=True)
    yield target


def _setuptools_builds_wheels() -> bool:
    """setuptools >= 70.1 builds wheels by itself (older ones also need the `wheel` package)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        major, minor = (int(p) for p in version("setuptools").split(".")[:2])
    except (PackageNotFoundError, ValueError):
        return False
    return (major, minor) >= (70, 1)


def test_third_party_pack_lists_loads_and_answers(installed: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"PYTHONPATH": str(installed)}
    listed = run_kgr("packs", "list", "--json", home=home, extra_env=env)
    assert listed.returncode == 0, listed.stderr
    packs = {p["name"]: p for p in json.loads(listed.stdout)}
    assert packs["geo"] == {"name": "geo", "target": "kgr_example_pack:GeoPack", "builtin": False}
    assert packs["ddi"]["builtin"] is True
    info = run_kgr("packs", "info", "geo", "--json", home=home, extra_env=env)
    assert info.returncode == 0, info.stderr
    data = json.loads(info.stdout)
    assert data["version"] == "0.1.0" and set(data["schema"]["labels"]) == {"Country", "City"}
    assert data["rules"][0]["pattern"] == "(a)-[:BORDERS]->(m:Country)<-[:BORDERS]-(b)"
    loaded = run_kgr("packs", "load", "geo", "--json", home=home, extra_env=env)
    assert loaded.returncode == 0, loaded.stderr
    report = json.loads(loaded.stdout)
    assert report["graph"] == "geo" and report["edges_created"] == 8 and report["nodes"] == 9  # + marker
    stats = run_kgr("graph", "stats", "-g", "geo", "--json", home=home, extra_env=env)
    assert json.loads(stats.stdout) == {"nodes": 9, "edges": 8}
    asked = run_kgr(
        "ask", "--pack", "geo", "Which country is Paris the capital of?", "--llm", "none", "--json",
        home=home, extra_env=env,
    )  # fmt: skip
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["entities"][0] == "france"
    # the pack's own CLI sub-app
    ran = run_kgr("packs", "run", "geo", "--", "capital", "france", home=home, extra_env=env)
    assert ran.returncode == 0 and ran.stdout.strip() == "paris", ran.stderr
    bad = run_kgr("packs", "run", "geo", "--", "capital", "atlantis", home=home, extra_env=env)
    assert bad.returncode == 2 and "unknown country" in bad.stderr
    # without the distribution on the path the pack is simply not there
    missing = run_kgr("packs", "info", "geo", home=home)
    assert missing.returncode == 2 and "unknown domain pack 'geo'" in missing.stderr


def test_third_party_pack_meets_the_contract(
    installed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kgreason.domains.contract import check_pack
    from kgreason.graph.memory import MemoryStore

    monkeypatch.syspath_prepend(str(installed))
    import kgr_example_pack  # type: ignore[import-not-found]

    try:
        assert check_pack(kgr_example_pack.GeoPack(), MemoryStore("geo", directory=tmp_path)) == []
    finally:
        sys.modules.pop("kgr_example_pack", None)
