"""The CLI's finish: getting-started text, help with examples, --json everywhere it reads, shell
completion, `kgr plugins list` without importing plugins, one-line errors with hints, --debug tracebacks,
progress bars on a terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from kgr_cli import run_kgr, run_kgr_on_terminal

ROOT = Path(__file__).resolve().parents[2]
FAMILY = ROOT / "examples" / "data" / "family.tsv"
WRITERS = {"graph export", "graph drop", "llm models install", "eval make-qa", "packs run"}
"""Commands with no report of their own, so no --json: they write data (a file, stdout records, a
deletion) or hand their arguments to another CLI (``packs run NAME -- ARGS``, whose sub-app has its own)."""


def kgr(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``kgr ARGS`` through the entry point, in this process (see kgr_cli): exit code, stdout, stderr."""
    return run_kgr(*args, env={"KGR_HOME": str(home), "HOME": str(home), **env})


def kgr_process(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m kgreason.cli.app ARGS`` in a fresh interpreter with only this environment."""
    base = {"KGR_HOME": str(home), "HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    return subprocess.run(
        [sys.executable, "-m", "kgreason.cli.app", *args],
        capture_output=True,
        text=True,
        env={**base, **env},
        timeout=300,
    )


def test_no_arguments_prints_getting_started_and_exits_0(tmp_path: Path) -> None:
    r = kgr(home=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Get started:" in r.stdout and "kgr graph load examples/data/family.tsv" in r.stdout
    assert len(r.stdout.splitlines()) <= 15  # short: not the full help


def test_root_help_has_examples_and_every_group(tmp_path: Path) -> None:
    r = kgr("--help", home=tmp_path, COLUMNS="120")
    assert r.returncode == 0
    assert "Examples:" in r.stdout and "$ kgr graph load examples/data/family.tsv --graph family" in r.stdout
    for group in ("graph", "ask", "eval", "neo4j", "llm", "doctor", "plugins"):
        assert f" {group} " in r.stdout


def leaf_commands() -> dict[str, Any]:
    import typer.main

    from kgreason.cli.app import app

    found: dict[str, Any] = {}

    def walk(cmd: Any, prefix: list[str]) -> None:
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                walk(sub, [*prefix, name])
        else:
            found[" ".join(prefix)] = cmd

    walk(typer.main.get_command(app), [])
    return found


def test_every_reading_command_has_json() -> None:
    commands = leaf_commands()
    assert {"graph stats", "doctor", "plugins list", "ask", "eval qa"} <= set(commands)
    missing = [
        name
        for name, cmd in commands.items()
        if name not in WRITERS and "--json" not in [o for p in cmd.params for o in p.opts]
    ]
    assert missing == []


def test_json_outputs_parse(tmp_path: Path) -> None:
    assert kgr("graph", "load", str(FAMILY), "-g", "family", "--json", home=tmp_path).returncode == 0
    for args in (
        ("graph", "stats", "-g", "family"),
        ("graph", "schema", "-g", "family"),
        ("graph", "neighbors", "alice", "-g", "family"),
        ("graph", "paths", "alice", "paris", "-g", "family"),
        ("graph", "list"),
        ("neo4j", "status"),
        ("llm", "models", "list"),
        ("plugins", "list"),
    ):
        r = kgr(*args, "--json", home=tmp_path)
        assert r.returncode == 0, (args, r.stderr)
        json.loads(r.stdout)  # one JSON document, nothing else on stdout


def kgr_script(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed ``kgr`` console script (completion is keyed on the program name)."""
    script = Path(sys.executable).parent / "kgr"
    assert script.exists(), f"the kgr console script is not installed next to {sys.executable}"
    base = {"KGR_HOME": str(home), "HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    return subprocess.run(
        [str(script), *args], capture_output=True, text=True, env={**base, **env}, timeout=120
    )


def test_shell_completion_shows_installs_and_completes(tmp_path: Path) -> None:
    # typer detects the user's shell from the parent processes (none under a test runner); this
    # switch makes the shell an explicit argument instead, as typer's own tests do
    explicit = {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    r = kgr_script("--show-completion", "bash", home=tmp_path, **explicit)
    assert r.returncode == 0 and "_kgr_completion" in r.stdout and "complete " in r.stdout
    r = kgr_script("--install-completion", "bash", home=tmp_path, **explicit)
    assert r.returncode == 0, r.stderr
    script = tmp_path / ".bash_completions" / "kgr.sh"
    assert script.is_file() and "_KGR_COMPLETE" in script.read_text()
    assert (
        str(script) in (tmp_path / ".bashrc").read_text()
        or ".bash_completions/kgr.sh" in (tmp_path / ".bashrc").read_text()
    )
    for words, cword, expect in (("kgr gr", "1", "graph"), ("kgr graph st", "2", "stats")):
        r = kgr_script(home=tmp_path, _KGR_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=cword)
        assert r.returncode == 0 and expect in r.stdout.split(), (words, r.stdout, r.stderr)


def test_plugins_list_imports_no_plugin(tmp_path: Path) -> None:
    from kgreason import registry

    targets = {info.target.split(":")[0] for g in registry.GROUPS for info in registry.available(g).values()}
    probe = (
        "import sys, json\nfrom kgreason.cli.app import main\nbefore = set(sys.modules)\n"
        "try:\n    main(['plugins', 'list', '--json'])\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))"
    )
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    listing, loaded = r.stdout.rsplit("\n", 2)[0], json.loads(r.stdout.strip().splitlines()[-1])
    groups = json.loads(listing)
    assert list(groups) == list(registry.GROUPS)
    assert "retrieve" in {p["name"] for p in groups["kgreason.strategies"]}
    assert {"memory", "neo4j"} <= {p["name"] for p in groups["kgreason.graph_backends"]}
    assert {"llamacpp", "openai"} <= {p["name"] for p in groups["kgreason.llm_backends"]}
    assert not targets & set(loaded), targets & set(loaded)


def test_a_broken_plugin_is_listed_and_fails_only_when_used(tmp_path: Path) -> None:
    site = tmp_path / "site"
    dist = site / "kgr_broken_plugin-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: kgr-broken-plugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[kgreason.strategies]\nbroken = kgr_no_such_module:Strategy\n")
    env = {"PYTHONPATH": str(site)}  # entry points on another path: a fresh interpreter finds them
    r = kgr_process("plugins", "list", "--group", "strategies", "--json", home=tmp_path, **env)
    assert r.returncode == 0, r.stderr
    broken = next(p for p in json.loads(r.stdout)["kgreason.strategies"] if p["name"] == "broken")
    assert broken == {"name": "broken", "target": "kgr_no_such_module:Strategy", "builtin": False}
    assert kgr("graph", "load", str(FAMILY), "-g", "family", home=tmp_path).returncode == 0
    r = kgr_process(
        "ask", "who?", "-g", "family", "--strategy", "broken", "--llm", "none", home=tmp_path, **env
    )
    assert r.returncode != 0 and "kgr_no_such_module" in r.stderr and "Traceback" not in r.stderr
    r = kgr("plugins", "list", "--group", "strategy", home=tmp_path)
    assert r.returncode == 2 and "did you mean" in r.stderr


def test_errors_are_one_line_with_a_hint_and_debug_shows_the_traceback(tmp_path: Path) -> None:
    assert kgr("graph", "load", str(FAMILY), "-g", "family", home=tmp_path).returncode == 0
    args = ("graph", "query", "MATCH (n) RETURN n", "-g", "family", "--store", "memory")
    r = kgr(*args, home=tmp_path)
    assert r.returncode == 2
    assert r.stderr.splitlines() == ["error: the memory store does not run Cypher", "hint: use --store neo4j"]
    r = kgr("--debug", *args, home=tmp_path)
    assert r.returncode != 0
    assert "Traceback (most recent call last)" in r.stderr and "ConfigError" in r.stderr
    assert "does not run Cypher" in r.stderr


def run_on_terminal(args: list[str], home: Path, **extra: str) -> tuple[int, str]:
    """Run kgr with stderr on a pseudo-terminal (so progress bars show); return (code, what it drew).

    In this process, through the entry point (see kgr_cli): the terminal is a real pty either way."""
    return run_kgr_on_terminal(args, {"KGR_HOME": str(home), "COLUMNS": "100", "TERM": "xterm", **extra})


@pytest.mark.slow
def test_load_and_eval_show_progress_bars_on_a_terminal(tmp_path: Path) -> None:
    rc, drawn = run_on_terminal(["graph", "load", str(FAMILY), "-g", "family"], tmp_path)
    assert rc == 0 and "loading family.tsv" in drawn and "10/10" in drawn
    qa = ROOT / "examples" / "qa" / "family_handwritten.jsonl"
    n = sum(1 for line in qa.read_text().splitlines() if line.strip())
    rc, drawn = run_on_terminal(["eval", "qa", "-g", "family", "-q", str(qa), "--llm", "none"], tmp_path)
    assert rc == 0 and "eval retrieve" in drawn and f"{n}/{n}" in drawn
    rc, drawn = run_on_terminal(["graph", "load", str(FAMILY), "-g", "fam2", "--json"], tmp_path)
    assert rc == 0 and "loading" not in drawn  # --json output stays clean of progress


def test_usage_errors_are_one_line_with_a_hint_and_exit_2(tmp_path: Path) -> None:
    for args, message, hint in (
        (
            ("graph", "stats"),
            "error: no graph given",  # and no default graph configured
            "hint: use --graph NAME, or set a default: kgr config set graph NAME",
        ),
        (
            ("graph", "statz"),
            "error: No such command 'statz'. Did you mean 'stats'?",
            "hint: see `kgr graph --help`",
        ),
        (("graph", "stats", "-g", "x", "--limit", "3"), "error: No such option: --limit", None),
    ):
        r = kgr_script(*args, home=tmp_path)
        assert r.returncode == 2, (args, r.stderr)
        lines = r.stderr.splitlines()
        assert lines[0] == message and "Traceback" not in r.stderr, (args, r.stderr)
        assert len(lines) == 2 and (hint is None or lines[1] == hint), (args, r.stderr)
    r = kgr_script("--debug", "graph", "statz", home=tmp_path)
    assert r.returncode != 0 and "Traceback" in r.stderr and "No such command 'statz'" in r.stderr


@pytest.mark.slow
def test_every_getting_started_command_works(tmp_path: Path) -> None:
    import shlex

    from kgreason.cli.app import GETTING_STARTED

    commands = [line.strip() for line in GETTING_STARTED.splitlines() if line.startswith("  kgr ")]
    assert len(commands) >= 5
    for line in commands:
        args = shlex.split(line)
        # the text pads a description after the command: keep the arguments up to the first gap
        if "    " in line.strip():
            args = shlex.split(line.strip().split("    ")[0])
        env = {
            "KGR_HOME": str(tmp_path),
            "KGR_NEO4J_URI": "",
            "KGR_CONFIG": str(tmp_path / "config.toml"),  # `kgr config set` writes here
        }
        r = run_kgr(*args[1:], env=env, cwd=ROOT)
        assert r.returncode == 0, (line, r.stderr[-2000:])
        if args[1] == "ask":
            assert "paris" in r.stdout.lower(), r.stdout


# -- conventions: --version, -h, JSON errors, messages, --quiet, completion, spinners ------------------
def test_version_and_short_help_everywhere() -> None:
    from typer.testing import CliRunner

    from kgreason import __version__
    from kgreason.cli.app import app

    runner = CliRunner()
    r = runner.invoke(app, ["--version"], prog_name="kgr")
    assert r.exit_code == 0 and r.output == f"kgr (kgreason) {__version__}\n"
    groups = {" ".join(name.split()[:-1]) for name in leaf_commands()} - {""}
    for path in sorted(set(leaf_commands()) | groups | {""}):
        r = runner.invoke(app, [*path.split(), "-h"], prog_name="kgr")
        assert r.exit_code == 0 and "Usage: kgr" in r.output, (path, r.output)


def test_errors_under_json_are_json_on_stdout(tmp_path: Path) -> None:
    assert kgr("graph", "load", str(FAMILY), "-g", "family", home=tmp_path).returncode == 0
    r = kgr("graph", "stats", "-g", "famly", "--json", home=tmp_path)
    assert r.returncode == 2
    assert json.loads(r.stdout) == {
        "error": {
            "type": "NotFoundError",
            "message": "unknown graph 'famly'",
            "hint": "did you mean: family?",
        }
    }
    assert r.stderr.startswith("error: unknown graph 'famly'")  # people still read it on stderr
    r = kgr("graph", "stats", "-g", "family", "--json", "--limit", "3", home=tmp_path)
    assert r.returncode == 2  # a usage error, from click
    assert json.loads(r.stdout)["error"]["type"] == "NoSuchOption"
    assert json.loads(r.stdout)["error"]["message"] == "No such option: --limit"
    r = kgr("graph", "query", "RETURN 1", "-g", "family", "--store", "memory", "--json", home=tmp_path)
    assert r.returncode == 2 and json.loads(r.stdout)["error"]["hint"] == "use --store neo4j"
    # a runtime failure: exit 1, still JSON
    uri = "bolt://127.0.0.1:1"
    r = kgr("graph", "stats", "-g", "family", "--store", "neo4j", "--json", home=tmp_path, KGR_NEO4J_URI=uri)
    assert r.returncode == 1 and json.loads(r.stdout)["error"]["type"] == "BackendUnavailable", r.stdout
    r = kgr("packs", "run", "ddi", "--", "check", "--json", home=tmp_path)  # the pack's sub-app's --json
    assert r.returncode == 2 and json.loads(r.stdout)["error"]["type"] == "MissingParameter", r.stdout


def test_an_unknown_strategy_is_named_in_the_singular(tmp_path: Path) -> None:
    assert kgr("graph", "load", str(FAMILY), "-g", "family", home=tmp_path).returncode == 0
    r = kgr("ask", "who?", "-g", "family", "--strategy", "retreive", "--llm", "none", home=tmp_path)
    assert r.returncode == 2
    assert r.stderr.splitlines() == ["error: unknown strategy 'retreive'", "hint: did you mean: retrieve?"]
    r = kgr("ask", "who?", "-g", "family", "--strategy", "zzz", "--llm", "none", home=tmp_path)
    assert r.returncode == 2  # nothing close: every known name
    assert r.stderr.splitlines() == ["error: unknown strategy 'zzz'", "hint: known: gnn, multihop, retrieve"]


def test_make_qa_says_why_it_wrote_fewer_questions(tmp_path: Path) -> None:
    assert kgr("graph", "load", str(FAMILY), "-g", "family", home=tmp_path).returncode == 0
    out = tmp_path / "qa.jsonl"
    r = kgr("eval", "make-qa", "-g", "family", "--n", "50", "-o", str(out), home=tmp_path)
    written = len(out.read_text().splitlines())
    assert r.returncode == 0 and 0 < written < 50
    assert f"note: {written} of the 50 questions asked: graph 'family' has no more distinct questions" in (
        r.stderr
    )
    r = kgr("eval", "make-qa", "-g", "family", "--n", "3", home=tmp_path)
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 3 and "note:" not in r.stderr


def test_quiet_silences_notes(tmp_path: Path) -> None:
    assert kgr("graph", "load", str(FAMILY), "-g", "family", home=tmp_path).returncode == 0
    out = tmp_path / "family.jsonl"
    r = kgr("graph", "export", "-g", "family", "-o", str(out), home=tmp_path)
    assert r.returncode == 0 and r.stderr == f"wrote 16 records to {out}\n"
    r = kgr("--quiet", "graph", "export", "-g", "family", "-o", str(out), home=tmp_path)
    assert r.returncode == 0 and r.stderr == "" and out.is_file()
    r = kgr("-q", "graph", "stats", "-g", "nope", home=tmp_path)
    assert r.returncode == 2 and r.stderr.startswith("error: unknown graph")  # errors still show


def test_completion_of_graph_names_strategies_and_config_keys(tmp_path: Path) -> None:
    assert kgr("graph", "load", str(FAMILY), "-g", "family", home=tmp_path).returncode == 0
    assert kgr("graph", "load", str(FAMILY), "-g", "fam2", home=tmp_path).returncode == 0
    for words, expect in (
        ("kgr graph stats -g fa", {"family", "fam2"}),
        ("kgr graph stats --graph fam2", {"fam2"}),
        ("kgr eval qa --strategy ", {"retrieve", "multihop", "gnn"}),
        ("kgr eval qa --strategy mu", {"multihop"}),
        ("kgr ask who --strategy mu", {"multihop"}),
        ("kgr ask who -g fam", {"family", "fam2"}),
        ("kgr config set gr", {"graph"}),
        ("kgr config set store ", {"memory", "neo4j"}),
    ):
        cword = str(len(words.split()) - (0 if words.endswith(" ") else 1))
        r = kgr_script(home=tmp_path, _KGR_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=cword)
        assert r.returncode == 0 and set(r.stdout.split()) == expect, (words, r.stdout, r.stderr)


def test_dropping_a_neo4j_graph_shows_a_spinner_on_a_terminal(
    tmp_path: Path, neo4j_uri: str, neo4j_auth: tuple[str, str] | None
) -> None:
    env = {"KGR_NEO4J_URI": neo4j_uri}
    if neo4j_auth is not None:
        env["KGR_NEO4J_PASSWORD"] = neo4j_auth[1]
    args = ["graph", "load", str(FAMILY), "-g", "spinme", "--store", "neo4j"]
    rc, drawn = run_on_terminal(args, tmp_path, **env)
    assert rc == 0 and "validating 1 file(s)" in drawn
    rc, drawn = run_on_terminal(["graph", "drop", "-g", "spinme", "--store", "neo4j", "-y"], tmp_path, **env)
    assert rc == 0 and "dropping graph 'spinme' on neo4j" in drawn
    rc, drawn = run_on_terminal(
        ["-q", "graph", "load", str(FAMILY), "-g", "spinme", "--store", "neo4j"], tmp_path, **env
    )
    assert rc == 0 and "validating" not in drawn  # --quiet: no spinner
    rc, drawn = run_on_terminal(
        ["-q", "graph", "drop", "-g", "spinme", "--store", "neo4j", "-y"], tmp_path, **env
    )
    assert rc == 0 and "dropping" not in drawn.replace("dropped", "")


def test_neo4j_stop_shows_a_spinner_on_a_terminal_and_not_under_json(tmp_path: Path) -> None:
    rc, drawn = run_on_terminal(["neo4j", "stop"], tmp_path)
    assert rc == 0 and "stopping Neo4j" in drawn
    rc, drawn = run_on_terminal(["neo4j", "stop", "--json"], tmp_path)
    assert rc == 0 and "stopping" not in drawn


@pytest.mark.slow
def test_eval_linkpred_shows_a_spinner_on_a_terminal(tmp_path: Path) -> None:
    rc, drawn = run_on_terminal(["eval", "linkpred", "-d", "nations", "-o", "epochs=1"], tmp_path)
    assert rc == 0 and "training and scoring link prediction on nations" in drawn


def test_every_json_command_reports_a_usage_error_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    from kgreason.cli.app import main

    for name, cmd in leaf_commands().items():
        if "--json" not in [o for p in cmd.params for o in p.opts]:
            continue
        with pytest.raises(SystemExit) as exited:
            main([*name.split(), "--json", "--zzz"])
        out, err = capsys.readouterr()
        assert exited.value.code == 2, name
        assert json.loads(out)["error"]["message"] == "No such option: --zzz", (name, out)
        assert err.startswith("error: No such option"), (name, err)


def test_a_tsv_header_row_is_refused_with_file_and_line_and_nothing_loaded(tmp_path: Path) -> None:
    data = tmp_path / "with_header.tsv"
    data.write_text("head\trelation\ttail\nalice\tknows\tbob\n", encoding="utf-8")
    r = kgr("graph", "load", str(data), "-g", "hdr", home=tmp_path)
    assert r.returncode == 2, r.stderr
    assert r.stderr.splitlines()[0] == (
        f"error: {data}:1: this looks like a header row (head, relation, tail), not a triple"
    )
    assert "delete the header line" in r.stderr
    assert kgr("graph", "list", "--json", home=tmp_path).stdout.strip() == "[]"
    data.write_text("alice\tknows\tbob\n", encoding="utf-8")  # without it, the same file loads
    assert kgr("graph", "load", str(data), "-g", "hdr", home=tmp_path).returncode == 0


@pytest.mark.slow
def test_ask_shows_a_spinner_on_a_terminal_and_verbose_shows_the_relation_path(tmp_path: Path) -> None:
    assert kgr("graph", "load", str(FAMILY), "-g", "family", home=tmp_path).returncode == 0
    question = "Where is the company alice works at located?"
    rc, drawn = run_on_terminal(["ask", question, "-g", "family", "--llm", "none"], tmp_path)
    assert rc == 0 and "answering with retrieve on graph 'family'" in drawn
    rc, drawn = run_on_terminal(["ask", question, "-g", "family", "--llm", "none", "--json"], tmp_path)
    assert rc == 0 and "answering" not in drawn
    r = kgr("ask", question, "-g", "family", "--llm", "none", "--verbose", home=tmp_path, COLUMNS="200")
    assert r.returncode == 0, r.stderr
    # the chosen relation path, best first, and each step of the reasoning
    assert "rank_relation_paths from alice: X works at, then located in" in r.stdout
    assert "resolve: form=single, answers=['paris']" in r.stdout


@pytest.mark.slow
def test_ddi_check_shows_a_spinner_while_it_loads_the_pack(tmp_path: Path) -> None:
    rc, drawn = run_on_terminal(["ddi", "check", "warfarin", "aspirin"], tmp_path)
    assert rc == 0 and "checking the ddi pack in graph 'ddi' on memory" in drawn
    rc, drawn = run_on_terminal(["-q", "ddi", "check", "warfarin", "aspirin"], tmp_path)
    assert rc == 0 and "checking the ddi pack" not in drawn  # kgr -q: no spinner
