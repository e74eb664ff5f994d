"""The docs cannot drift from the CLI: every `kgr ...` line in a fenced code block of docs/*.md must parse.

Each command line is resolved through the real typer app down to its subcommand and parsed with click
(unknown commands, unknown options, missing required options and bad option values all fail), without
running the command. Relative links between the docs must point at files that exist.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer

from kgreason.cli.app import app

try:  # typer >= 0.24 vendors click as typer._click
    from typer._click.exceptions import UsageError
except ImportError:  # pragma: no cover - older typer on real click
    from click.exceptions import UsageError  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted((ROOT / "docs").glob("*.md"))
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
SHELL_BREAKS = {"|", "||", "&&", ";", ">", ">>", "<", "2>", "&"}


def command_lines(text: str) -> list[str]:
    """``kgr`` command lines in fenced code blocks (continuations joined, ``$ `` prompts dropped)."""
    found = []
    for block in FENCE.findall(text):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.strip().removeprefix("$ ")
            if line.startswith("kgr ") or line == "kgr":
                found.append(line)
    return found


def kgr_args(line: str) -> list[str]:
    """The arguments of the ``kgr`` invocation on ``line`` (comments, pipes and redirections cut off)."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars="|&;<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    args = []
    for token in lexer:
        if token in SHELL_BREAKS or set(token) <= set("|&;<>"):
            break
        args.append(token)
    assert args[0] == "kgr"
    return args[1:]


def parse(args: list[str]) -> None:
    """Resolve ``args`` to a command and parse its options, without invoking it."""
    command = typer.main.get_command(app)
    ctx = command.make_context("kgr", list(args), resilient_parsing=False)
    while hasattr(command, "resolve_command"):  # a group: descend into the subcommand
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
        if not rest:
            return
        name, sub, rest = command.resolve_command(ctx, rest)
        assert sub is not None, f"unknown command {name!r}"
        command = sub
        ctx = command.make_context(name or "", rest, parent=ctx, resilient_parsing=False)


CASES = [(doc.name, line) for doc in DOCS for line in command_lines(doc.read_text(encoding="utf-8"))]


def test_docs_exist_and_mention_commands() -> None:
    names = {d.name for d in DOCS}
    assert {
        "concepts.md",
        "strategies.md",
        "domain-packs.md",
        "neo4j-and-scale-out.md",
        "python-api.md",
    } <= names
    assert len(CASES) >= 20


@pytest.mark.parametrize(("doc", "line"), CASES, ids=[f"{d}:{i}" for i, (d, _) in enumerate(CASES)])
def test_command_line_parses(doc: str, line: str) -> None:
    try:
        parse(kgr_args(line))
    except UsageError as exc:
        pytest.fail(f"{doc}: `{line}` does not parse: {exc.format_message()}")


def test_the_checker_rejects_drift() -> None:
    with pytest.raises(UsageError):
        parse(kgr_args("kgr graph lod data.tsv --graph g"))
    with pytest.raises(UsageError):
        parse(kgr_args("kgr ask 'Who?' --graph g --strategy-option x=1"))
    with pytest.raises(UsageError):
        parse(kgr_args("kgr graph stats"))  # --graph is required
    parse(kgr_args("kgr graph stats --graph g --json | jq .nodes  # comment"))


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_relative_links_resolve(doc: Path) -> None:
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
        if "://" in target:
            continue
        assert (doc.parent / target).exists(), f"{doc.name}: broken link {target}"


def _example_pack_source() -> str:
    text = (ROOT / "docs" / "domain-packs.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    return next(b for b in blocks if "class CitiesPack(DomainPack)" in b)


def _example_pack() -> Any:
    namespace: dict[str, Any] = {}
    exec(compile(_example_pack_source(), "docs/domain-packs.md", "exec"), namespace)
    return namespace["CitiesPack"]


def test_example_domain_pack_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kgreason.domains import DomainPack, get_pack
    from kgreason.graph.memory import MemoryStore
    from kgreason.testing.plugins import declare_entry_points

    cls = _example_pack()
    pack = cls()
    assert isinstance(pack, DomainPack) and pack.graph_name() == "cities"
    store = MemoryStore(pack.graph_name(), directory=tmp_path)
    report = pack.load(store)
    assert (report.edges, report.skipped) == (5, False)
    assert pack.load(store).skipped and pack.is_loaded(store)
    assert store.get_node("paris") is not None and store.get_node("paris").name == "Paris"  # type: ignore[union-attr]
    assert pack.rules()[0].pattern == "(a)-[:on_river]->(m:River)<-[:on_river]-(b)"
    assert pack.entity_hints("Which river flows through Paris?") == ["paris"]
    from kgreason.domains import check_pack

    assert check_pack(cls(), MemoryStore("cities", directory=tmp_path / "contract")) == []
    info = pack.info()
    assert info["golden_cases"] == 1 and set(info["schema"]["relationship_types"]) == {
        "capital_of",
        "on_river",
    }
    # declared as an entry point, as the docs show, it is found and instantiated
    target = {"cities_doc_example": f"{__name__}:_example_pack_factory"}
    monkeypatch.syspath_prepend(str(declare_entry_points(tmp_path / "site", {"kgreason.domains": target})))
    assert isinstance(get_pack("cities_doc_example"), DomainPack)


def _example_pack_factory() -> Any:  # what an entry point may name: a zero-argument factory
    return _example_pack()()


@pytest.mark.neo4j
def test_example_pack_cypher_template_runs_guarded(
    tmp_path: Path, neo4j_uri: str, neo4j_auth: tuple[str, str] | None
) -> None:
    from kgreason.config import Settings
    from kgreason.graph.neo4j_store import Neo4jStore

    pack = _example_pack()()
    store = Neo4jStore(
        "docscities", Settings.from_env({"KGR_HOME": str(tmp_path)}), uri=neo4j_uri, auth=neo4j_auth
    )
    store.drop()
    try:
        pack.load(store)
        query = pack.cypher_templates()["capital"].format(graph_label=store.graph_label)
        result = store.run_cypher(query, {"country": "france"})  # through the read-only guard
        assert [r["city"] for r in result.rows] == ["paris"]
    finally:
        store.drop()
        store.close()


def _documented_options(section: str) -> set[str]:
    """Option names in the first table under the ``## `NAME`...`` heading of docs/strategies.md."""
    text = (ROOT / "docs" / "strategies.md").read_text(encoding="utf-8")
    body = re.split(rf"^## `{section}`.*$", text, maxsplit=1, flags=re.MULTILINE)[1]
    body = re.split(r"^## ", body, maxsplit=1, flags=re.MULTILINE)[0]
    table = re.search(r"^\| option \|.*?(?=^\s*$)", body, re.MULTILINE | re.DOTALL)
    assert table is not None, f"no options table for {section}"
    return set(re.findall(r"^\| `([a-z_]+)` \|", table.group(0), re.MULTILINE))


@pytest.mark.parametrize("strategy", ["retrieve", "multihop", "gnn"])
def test_strategy_options_tables_match_the_code(strategy: str) -> None:
    from kgreason import registry

    cls = registry.load("kgreason.strategies", strategy)
    assert _documented_options(strategy) == set(cls.Options.model_fields)
