"""Shared fixtures: an isolated KGR_HOME per test, and one real Neo4j for the whole session.

The Neo4j is started once (``kgreason.testing.neo4j``: a local embedded Neo4j 5.26 with Bolt, about
10-20 s) the first time a test asks for ``neo4j_uri``, or taken from ``KGR_TEST_NEO4J_URI``. When it
cannot start, tests that need it fail — except outside CI, where ``KGR_SKIP_NEO4J=1`` skips them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

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
