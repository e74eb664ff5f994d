"""Shared fixtures: an isolated KGR_HOME per test, and one real Neo4j for the whole session.

The Neo4j is started once (``kgreason.testing.neo4j``: a local embedded Neo4j 5.26 with Bolt, about
10-20 s) the first time a test asks for ``neo4j_uri``, or taken from ``KGR_TEST_NEO4J_URI``. When it
cannot start, tests that need it fail — except outside CI, where ``KGR_SKIP_NEO4J=1`` skips them.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pytest

# The contract suites shipped in kgreason.testing assert in that package: let pytest explain failures there.
pytest.register_assert_rewrite("kgreason.testing")

from kgreason.config import Settings  # noqa: E402

if TYPE_CHECKING:
    from kgreason.graph.neo4j_store import Neo4jStore


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read a developer's ~/.config/kgreason/config.toml (nor KGR_GRAPH & co)."""
    monkeypatch.setenv("KGR_CONFIG", str(tmp_path_factory.getbasetemp() / "no-user-config.toml"))
    for name in ("KGR_GRAPH", "KGR_STORE", "KGR_LLM", "KGR_MODEL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def kgr_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "kgr-home"
    monkeypatch.setenv("KGR_HOME", str(home))
    yield home


@pytest.fixture
def settings(kgr_home: Path) -> Settings:
    return Settings.from_env()


class KgrRunner(Protocol):
    def __call__(
        self, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]: ...


@pytest.fixture
def kgr_in_process(monkeypatch: pytest.MonkeyPatch) -> KgrRunner:
    """Run ``kgr ARGS`` through the console entry point (``kgreason.cli.app.main``) in this process.

    Returns what ``subprocess.run([python, "-m", "kgreason.cli.app", *args], capture_output=True)`` would:
    the exit code, stdout and stderr (an escaping exception is printed as a traceback, exit 1). ``env``
    replaces every ``KGR_*`` variable of the test (``KGR_CONFIG`` stays: the isolated config file), as a
    subprocess given that environment would see it. For tests about the command, not the process: it saves
    an interpreter start and the imports (torch, MiniLM) that every ``kgr`` subprocess pays again.
    """

    def run(
        *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        from kgreason.cli.app import main
        from kgreason.cli.common import state

        out, err = io.StringIO(), io.StringIO()
        with monkeypatch.context() as patch:
            for name in [n for n in os.environ if n.startswith("KGR_") and n != "KGR_CONFIG"]:
                patch.delenv(name)
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            if cwd is not None:
                patch.chdir(cwd)
            state.debug = state.quiet = False  # the root callback sets them; a usage error may come first
            code: int
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    main(list(args))
                    code = 0
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
                    if isinstance(exc.code, str):
                        print(exc.code, file=sys.stderr)
                except Exception:
                    traceback.print_exc()
                    code = 1
            state.debug = state.quiet = False
        return subprocess.CompletedProcess(["kgr", *args], code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("KGR_SKIP_NEO4J") == "1" and not os.environ.get("CI"):
        pytest.skip("KGR_SKIP_NEO4J=1")
    from kgreason.testing.neo4j import session_neo4j

    yield from session_neo4j(tmp_path_factory.mktemp("neo4j-home"))


@pytest.fixture
def neo4j_auth() -> tuple[str, str] | None:
    from kgreason.testing.neo4j import auth_for_tests

    return auth_for_tests()


@pytest.fixture
def neo4j_store_factory(
    neo4j_uri: str, settings: Settings, neo4j_auth: tuple[str, str] | None
) -> Iterator[Callable[[str], Neo4jStore]]:
    """Stores on the session Neo4j; each graph name starts empty and is dropped afterwards."""
    from kgreason.graph.neo4j_store import Neo4jStore

    made: dict[str, Neo4jStore] = {}

    def factory(name: str) -> Neo4jStore:
        store = Neo4jStore(name, settings, uri=neo4j_uri, auth=neo4j_auth)
        if name not in made:
            store.drop()
        made[name] = store
        return store

    yield factory
    for store in made.values():
        store.drop()
        store.close()
