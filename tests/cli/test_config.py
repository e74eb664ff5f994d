"""`kgr config`: defaults for --graph, --store, --llm and --model in an XDG TOML file.

Precedence: a flag on the command line, then the environment (KGR_GRAPH, KGR_STORE, KGR_LLM, KGR_MODEL),
then the config file, then the built-in default. Runs through the real entry point, on real files and the
session's real Neo4j for the store default.
"""

from __future__ import annotations

import json
import stat
import subprocess
import tomllib
from pathlib import Path

import pytest
from kgr_cli import run_kgr

from kgreason.config import (
    Settings,
    config_path,
    config_values,
    read_config_file,
    write_config_file,
)
from kgreason.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
FAMILY = ROOT / "examples" / "data" / "family.tsv"
QUESTION = "Where is the company alice works at located?"


def kgr(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``kgr ARGS`` through the entry point, in this process (see kgr_cli), with HOME at ``home``."""
    base = {"KGR_HOME": str(home / "kgr"), "HOME": str(home), "KGR_NEO4J_URI": ""}
    return run_kgr(*args, env={**base, **env})


def test_set_get_unset_list_in_the_xdg_file(tmp_path: Path) -> None:
    xdg = tmp_path / "xdg"
    env = {"XDG_CONFIG_HOME": str(xdg)}
    r = kgr("config", "set", "graph", "family", home=tmp_path, **env)
    assert r.returncode == 0, r.stderr
    path = xdg / "kgreason" / "config.toml"
    assert tomllib.loads(path.read_text()) == {"graph": "family"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert kgr("config", "set", "model", 'my "model".gguf', home=tmp_path, **env).returncode == 0
    assert kgr("config", "get", "graph", home=tmp_path, **env).stdout == "family\n"
    assert kgr("config", "get", "model", home=tmp_path, **env).stdout == 'my "model".gguf\n'
    listed = json.loads(kgr("config", "list", "--json", home=tmp_path, **env).stdout)
    assert listed["file"] == str(path)
    assert listed["values"] == {
        "graph": {"value": "family", "source": "file"},
        "store": {"value": "memory", "source": "default"},
        "llm": {"value": "llamacpp", "source": "default"},
        "model": {"value": 'my "model".gguf', "source": "file"},
    }
    r = kgr("config", "list", "--json", home=tmp_path, KGR_GRAPH="other", **env)
    assert json.loads(r.stdout)["values"]["graph"] == {"value": "other", "source": "env"}
    assert kgr("config", "unset", "graph", home=tmp_path, **env).returncode == 0
    assert tomllib.loads(path.read_text()) == {"model": 'my "model".gguf'}
    r = kgr("config", "get", "graph", "--json", home=tmp_path, **env)
    assert json.loads(r.stdout) == {"key": "graph", "value": None, "source": "default"}
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]  # no temporary file left behind


def test_the_file_is_kgr_config_else_under_home(tmp_path: Path) -> None:
    assert config_path({"HOME": str(tmp_path)}) == tmp_path / ".config" / "kgreason" / "config.toml"
    assert config_path({"HOME": "/x", "XDG_CONFIG_HOME": "/y"}) == Path("/y/kgreason/config.toml")
    own = tmp_path / "elsewhere.toml"
    assert config_path({"HOME": "/x", "XDG_CONFIG_HOME": "/y", "KGR_CONFIG": str(own)}) == own
    assert kgr("config", "set", "store", "neo4j", home=tmp_path, KGR_CONFIG=str(own)).returncode == 0
    assert read_config_file(own) == {"store": "neo4j"}
    assert not (tmp_path / ".config").exists()


def test_unknown_keys_and_bad_values_are_errors_with_suggestions(tmp_path: Path) -> None:
    for args in (("set", "grpah", "family"), ("get", "grpah"), ("unset", "grpah")):
        r = kgr("config", *args, home=tmp_path)
        assert r.returncode == 2, (args, r.stderr)
        assert r.stderr.splitlines() == [
            "error: unknown config key 'grpah' (known: graph, store, llm, model)",
            "hint: did you mean: graph?",
        ]
    r = kgr("config", "set", "grpah", "family", "--json", home=tmp_path)
    assert r.returncode == 2
    assert json.loads(r.stdout)["error"] == {
        "type": "ConfigError",
        "message": "unknown config key 'grpah' (known: graph, store, llm, model)",
        "hint": "did you mean: graph?",
    }
    r = kgr("config", "set", "store", "neo5j", home=tmp_path)
    assert r.returncode == 2 and "unknown store 'neo5j'" in r.stderr and "neo4j" in r.stderr
    r = kgr("config", "set", "graph", "bad name!", home=tmp_path)
    assert r.returncode == 2 and "invalid graph name" in r.stderr
    assert not (tmp_path / ".config").exists()  # nothing written by a refused value


def test_a_bad_file_is_reported_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('graph = "family"\ncolour = "blue"\n')
    r = kgr("graph", "list", home=tmp_path, KGR_CONFIG=str(path))
    assert r.returncode == 2 and f"{path}: unknown config key 'colour'" in r.stderr
    path.write_text("graph = [1]\n")
    with pytest.raises(ConfigError, match="graph must be a string"):
        read_config_file(path)
    path.write_text("graph = \n")
    r = kgr("graph", "list", home=tmp_path, KGR_CONFIG=str(path))
    assert r.returncode == 2 and "not a valid TOML config file" in r.stderr and "Traceback" not in r.stderr


def test_values_round_trip_through_toml(tmp_path: Path) -> None:
    path = tmp_path / "c" / "config.toml"
    odd = 'a"b\\c\x7f\n\té😀'
    write_config_file(path, {"model": odd, "graph": "family"})
    assert read_config_file(path) == {"graph": "family", "model": odd}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_precedence_env_over_file_over_default(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    write_config_file(path, {"graph": "family", "store": "neo4j"})
    env = {"KGR_CONFIG": str(path), "KGR_STORE": "memory", "KGR_MODEL": "m.gguf", "HOME": str(tmp_path)}
    assert config_values(env) == {
        "graph": ("family", "file"),
        "store": ("memory", "env"),
        "llm": ("llamacpp", "default"),
        "model": ("m.gguf", "env"),
    }
    settings = Settings.from_config(env)
    assert (settings.graph, settings.store, settings.llm, settings.model) == (
        "family",
        "memory",
        "llamacpp",
        "m.gguf",
    )
    assert settings.configured == {"graph", "store", "model"}
    assert Settings.from_env(env).graph is None  # the library's reader takes no file


def test_commands_without_graph_use_the_configured_one(tmp_path: Path) -> None:
    for name in ("family", "other"):
        assert kgr("graph", "load", str(FAMILY), "-g", name, home=tmp_path).returncode == 0
    r = kgr("eval", "make-qa", "--n", "2", home=tmp_path)
    assert r.returncode == 2 and "no graph given" in r.stderr and "kgr config set graph" in r.stderr
    assert kgr("config", "set", "graph", "family", home=tmp_path).returncode == 0
    assert json.loads(kgr("graph", "stats", "--json", home=tmp_path).stdout) == {"nodes": 6, "edges": 10}
    # the flag wins over the file, the environment too; an unknown graph is named
    r = kgr("graph", "stats", "-g", "nope", home=tmp_path)
    assert r.returncode == 2 and "unknown graph 'nope'" in r.stderr
    r = kgr("graph", "stats", home=tmp_path, KGR_GRAPH="nope")
    assert r.returncode == 2 and "unknown graph 'nope'" in r.stderr
    r = kgr("eval", "make-qa", "--n", "2", home=tmp_path)
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 2
    r = kgr("ask", QUESTION, "--llm", "none", "--json", home=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "paris" in json.loads(r.stdout)["entities"][:1]


def test_the_configured_llm_reaches_ask_and_the_flag_wins(tmp_path: Path) -> None:
    assert kgr("graph", "load", str(FAMILY), "-g", "family", home=tmp_path).returncode == 0
    path = tmp_path / "config.toml"
    write_config_file(path, {"graph": "family", "llm": "no-such-backend"})
    r = kgr("ask", QUESTION, home=tmp_path, KGR_CONFIG=str(path))
    assert r.returncode == 2 and "no-such-backend" in r.stderr  # the file's llm was used
    r = kgr("ask", QUESTION, home=tmp_path, KGR_CONFIG=str(path), KGR_LLM="none")
    assert r.returncode == 0 and "paris" in r.stdout.lower()  # the environment wins over the file
    r = kgr("ask", QUESTION, "--llm", "none", home=tmp_path, KGR_CONFIG=str(path), KGR_LLM="other-missing")
    assert r.returncode == 0 and "paris" in r.stdout.lower()  # the flag wins over both


def test_defaults_apply_only_to_options_that_mean_the_same() -> None:
    import typer.main

    from kgreason.cli.app import app
    from kgreason.cli.common import config_default_map

    config = Settings(
        home=Path("/unused"),
        graph="family",
        store="neo4j",
        llm="none",
        model="m.gguf",
        configured=frozenset({"graph", "store", "llm", "model"}),
    )
    tree = config_default_map(typer.main.get_command(app), config)
    assert tree["graph"]["stats"] == {"graph": "family", "store": "neo4j"}
    assert tree["graph"]["query"] == {"graph": "family"}  # its store is the one that runs Cypher
    assert tree["graph"]["list"] == {"store": "neo4j"}
    assert tree["ask"] == {"store": "neo4j", "llm": "none", "model": "m.gguf"}  # --pack owns ask's graph
    assert tree["eval"]["qa"] == {"graph": "family", "store": "neo4j", "llm": "none", "model": "m.gguf"}
    assert "graph" not in tree["packs"]["load"] and "graph" not in tree["ddi"]["check"]
    assert tree["llm"]["info"] == {"llm": "none", "model": "m.gguf"}
    unset = Settings(home=Path("/unused"))
    assert config_default_map(typer.main.get_command(app), unset) == {}


def test_the_configured_store_is_used(
    tmp_path: Path, neo4j_uri: str, neo4j_auth: tuple[str, str] | None
) -> None:
    env = {"KGR_NEO4J_URI": neo4j_uri}
    if neo4j_auth is not None:
        env["KGR_NEO4J_PASSWORD"] = neo4j_auth[1]
    assert kgr("config", "set", "store", "neo4j", home=tmp_path).returncode == 0
    assert kgr("config", "set", "graph", "cfgstore", home=tmp_path).returncode == 0
    try:
        r = kgr("graph", "load", str(FAMILY), "--json", home=tmp_path, **env)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["store"] == "neo4j"
        assert "cfgstore" in json.loads(kgr("graph", "list", "--json", home=tmp_path, **env).stdout)
        r = kgr("graph", "list", "--store", "memory", "--json", home=tmp_path, **env)
        assert json.loads(r.stdout) == []  # nothing went to the embedded store
        r = kgr("graph", "stats", "--json", home=tmp_path, **env)
        assert json.loads(r.stdout) == {"nodes": 6, "edges": 10}
    finally:
        assert kgr("graph", "drop", "--yes", home=tmp_path, **env).returncode == 0
    assert "cfgstore" not in json.loads(kgr("graph", "list", "--json", home=tmp_path, **env).stdout)


def test_doctor_shows_the_config_file_and_reports_a_broken_one(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    write_config_file(path, {"graph": "family"})
    r = kgr("doctor", "--json", home=tmp_path, KGR_CONFIG=str(path), KGR_STORE="memory")
    check = next(c for c in json.loads(r.stdout)["checks"] if c["name"] == "config file")
    assert check["level"] == "ok" and check["detail"] == f"{path}; graph=family (file), store=memory (env)"
    path.write_text("graph = \n")
    r = kgr("doctor", "--json", home=tmp_path, KGR_CONFIG=str(path))
    assert r.returncode == 1 and "Traceback" not in r.stderr  # the rest of the report still runs
    check = next(c for c in json.loads(r.stdout)["checks"] if c["name"] == "config file")
    assert check["level"] == "error" and "not a valid TOML config file" in check["detail"]


def test_a_graph_name_with_a_trailing_newline_is_refused() -> None:
    from kgreason.config import check_graph_name
    from kgreason.errors import ConfigError

    with pytest.raises(ConfigError, match="invalid graph name"):
        check_graph_name("family\n")
    assert check_graph_name("family") == "family"
