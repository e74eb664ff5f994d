"""Every `kgr` command on an install without the gnn extra (torch, torch-geometric, transformers hidden).

A command that needs the extra says so in one line with the pip command and exits 2; every other command
works or fails with its own one-line error. None may end in a traceback. The modules are hidden by a
path finder that reports them absent (``import torch`` raises ``ModuleNotFoundError`` and
``importlib.util.find_spec("torch")`` is ``None``), as on a core install.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FAMILY = ROOT / "examples" / "data" / "family.tsv"
QA = ROOT / "examples" / "qa" / "family_handwritten.jsonl"
HIDDEN = ("torch", "torch_geometric", "transformers")
HINT = "pip install 'kgreason[gnn]'"

RUNNER = f"""
import importlib.machinery, sys

HIDDEN = {set(HIDDEN)!r}


class WithoutGnnExtra(importlib.machinery.PathFinder):
    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        if fullname.split(".")[0] in HIDDEN:
            return None
        return super().find_spec(fullname, path, target)


sys.meta_path[:] = [
    WithoutGnnExtra if f is importlib.machinery.PathFinder else f for f in sys.meta_path
]
from kgreason.cli.app import main

main(sys.argv[1:])
"""

# Commands that need the gnn extra: the hint, exit 2.
NEEDS_GNN: dict[str, tuple[str, ...]] = {
    "train qa": ("train", "qa", "-g", "family", "--train", str(QA)),
    "train linkpred": ("train", "linkpred", "-g", "family"),
    "eval linkpred": ("eval", "linkpred", "-d", "nations"),
    "ask --strategy gnn": ("ask", "who is alice?", "-g", "family", "--strategy", "gnn", "--llm", "none"),
    "eval qa --strategy gnn": (
        *("eval", "qa", "-g", "family", "-q", str(QA), "--strategy", "gnn", "--llm", "none"),
    ),
}
# Every other command, run for real (in this order: the graph is loaded first and dropped last), with the
# exit code it must end with.
WORKS: dict[str, tuple[tuple[str, ...], int]] = {
    "graph load": (("graph", "load", str(FAMILY), "-g", "family"), 0),
    "graph stats": (("graph", "stats", "-g", "family"), 0),
    "graph schema": (("graph", "schema", "-g", "family"), 0),
    "graph query": (("graph", "query", "MATCH (n) RETURN n", "-g", "family", "--store", "memory"), 2),
    "graph neighbors": (("graph", "neighbors", "alice", "-g", "family"), 0),
    "graph paths": (("graph", "paths", "alice", "paris", "-g", "family"), 0),
    "graph export": (("graph", "export", "-g", "family", "--format", "tsv"), 0),
    "graph list": (("graph", "list"), 0),
    "graph words": (("graph", "words", "-g", "family"), 0),
    "graph extract": (
        (
            "graph",
            "extract",
            str(ROOT / "docs" / "documents.md"),
            "-g",
            "family",
            "--llm",
            "none",
            "--dry-run",
        ),
        0,
    ),
    "graph merges": (("graph", "merges", "-g", "family"), 0),
    "graph retract": (("graph", "retract", "no-such-source", "-g", "family"), 2),
    "ask": (("ask", "Where is the company alice works at located?", "-g", "family", "--llm", "none"), 0),
    "doctor": (("doctor", "--json"), 0),
    "neo4j status": (("neo4j", "status", "--json"), 0),
    "neo4j stop": (("neo4j", "stop", "--json"), 0),
    "llm info": (
        ("llm", "info", "--llm", "openai", "--model", "m", "--opt", "base_url=http://127.0.0.1:9"),
        0,
    ),
    "llm chat": (("llm", "chat", "hi", "--llm", "no-such-backend"), 2),
    "llm models list": (("llm", "models", "list", "--json"), 0),
    "llm models install": (("llm", "models", "install", "no-such-model"), 2),
    "eval qa": (("eval", "qa", "-g", "family", "-q", str(QA), "--llm", "none", "--limit", "1"), 0),
    "eval make-qa": (("eval", "make-qa", "-g", "family", "--n", "3"), 0),
    "plugins list": (("plugins", "list", "--json"), 0),
    "packs list": (("packs", "list", "--json"), 0),
    "packs info": (("packs", "info", "ddi", "--json"), 0),
    "packs load": (("packs", "load", "ddi", "--json"), 0),
    "packs run": (("packs", "run", "ddi", "--", "check", "warfarin", "aspirin", "--json"), 0),
    "ddi check": (("ddi", "check", "warfarin", "aspirin", "--json"), 0),
    "ddi golden": (("ddi", "golden", "--json"), 0),
    "ddi agreement": (("ddi", "agreement", "warfarin", "aspirin", "--json"), 0),
    "config set": (("config", "set", "graph", "family"), 0),
    "config get": (("config", "get", "graph"), 0),
    "config list": (("config", "list", "--json"), 0),
    "config unset": (("config", "unset", "graph"), 0),
    # Fits without torch; the family graph is too small to fit on, which it says in one line (exit 2).
    "train ranker": (("train", "ranker", "-g", "family", "--n", "12"), 2),
    "graph drop": (("graph", "drop", "-g", "family", "--yes"), 0),
}
HELP_ONLY = {"neo4j start": "starts a JVM; nothing in it imports torch (its --help is run)"}


def kgr(*args: str, home: Path, runner: str = RUNNER) -> subprocess.CompletedProcess[str]:
    env = {
        "KGR_HOME": str(home / "kgr"),
        "HOME": str(home),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "KGR_NEO4J_URI": "",
        "COLUMNS": "100",
    }
    return subprocess.run(
        [sys.executable, "-c", runner, *args], capture_output=True, text=True, env=env, timeout=600
    )


def leaf_commands() -> set[str]:
    import typer.main

    from kgreason.cli.app import app

    found: set[str] = set()

    def walk(cmd: object, prefix: list[str]) -> None:
        subs = getattr(cmd, "commands", None)
        if subs is None:
            found.add(" ".join(prefix))
            return
        for name, sub in subs.items():
            walk(sub, [*prefix, name])

    walk(typer.main.get_command(app), [])
    return found


def test_the_runner_really_hides_the_gnn_extra(tmp_path: Path) -> None:
    probe = RUNNER.replace("main(sys.argv[1:])", "") + (
        "import importlib.util\n"
        "print([importlib.util.find_spec(m) for m in HIDDEN])\n"
        "try:\n    import torch\nexcept ModuleNotFoundError as e:\n    print('absent', e.name)\n"
    )
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert r.stdout.split("\n")[:2] == ["[None, None, None]", "absent torch"], r.stderr


def test_every_command_is_covered() -> None:
    covered = {name.split(" --")[0] for name in NEEDS_GNN} | set(WORKS) | set(HELP_ONLY)
    assert covered == leaf_commands()


@pytest.fixture(scope="module")
def family_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("no-torch")
    assert kgr("graph", "load", str(FAMILY), "-g", "family", home=home).returncode == 0
    return home


@pytest.mark.parametrize("name", sorted(NEEDS_GNN))
def test_commands_that_need_the_gnn_extra_say_how_to_install_it(name: str, family_home: Path) -> None:
    r = kgr(*NEEDS_GNN[name], home=family_home)
    assert r.returncode == 2, (name, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr, r.stderr
    assert r.stderr.splitlines() == [
        "error: this command needs the gnn extra (torch is not installed)",
        f"hint: {HINT}",
    ], r.stderr
    r = kgr(*NEEDS_GNN[name], "--json", home=family_home)
    assert r.returncode == 2 and '"type": "MissingExtra"' in r.stdout and HINT in r.stdout, r.stdout


# Runs many commands, one after the other, in ONE interpreter with the extra hidden: each through the entry
# point with its own stdout/stderr; an exception escaping main is printed as the interpreter would print it.
BATCH_RUNNER = RUNNER.replace(
    "main(sys.argv[1:])",
    """import contextlib, io, json, traceback
from kgreason.cli.common import state

results = []
for args in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    state.debug = state.quiet = False
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except Exception:
            traceback.print_exc()
            code = 1
    results.append([code, err.getvalue()])
print(json.dumps(results))
""",
)


def test_every_other_command_runs_without_a_traceback(tmp_path: Path) -> None:
    # one interpreter for all of them (each paid its own start and imports before): the extra is hidden
    # for the whole process, so no command can import it unguarded without failing here
    runs = [*(list(args) for args, _ in WORKS.values()), *([*n.split(), "--help"] for n in HELP_ONLY)]
    codes = [code for _, code in WORKS.values()] + [0] * len(HELP_ONLY)
    r = kgr(json.dumps(runs), home=tmp_path, runner=BATCH_RUNNER)
    assert r.returncode == 0, r.stderr
    results = json.loads(r.stdout.strip().splitlines()[-1])
    assert len(results) == len(runs)
    failures = []
    for name, code, (rc, stderr) in zip([*WORKS, *HELP_ONLY], codes, results, strict=True):
        if rc != code or "Traceback" in stderr:
            failures.append((name, rc, stderr[-600:]))
        elif code != 0:  # a failing command still says why in one line, with no traceback
            assert stderr.startswith("error: "), (name, stderr)
    assert failures == []
