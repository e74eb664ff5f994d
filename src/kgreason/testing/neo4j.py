"""A real Neo4j for test suites: one local instance per test session, or an existing one.

Starting the JVM costs seconds of CPU even with the quick JIT and the class-data archive (more on a
busy machine); the first start on a checkout (launcher compile, no archive yet) takes longer, and its stop
writes the archive. So a suite starts ONE instance (attached: it
stops when the session ends, or when the test process dies) and isolates tests by
clearing data (``clear_database``) rather than restarting. Set ``KGR_TEST_NEO4J_URI`` (and
``KGR_TEST_NEO4J_PASSWORD`` if it needs auth) to reuse a running Neo4j instead, e.g. one from
``kgr neo4j start``: then nothing is started and its data is the tests' to clear.

In a ``conftest.py``::

    @pytest.fixture(scope="session")
    def neo4j_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
        try:
            yield from session_neo4j(tmp_path_factory.mktemp("neo4j-home"))
        except BackendUnavailable as exc:  # no Java here: skip, do not fail
            pytest.skip(f"{exc.message} ({exc.hint})")
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from kgreason.config import Settings
from kgreason.graph.neo4j_local import LocalNeo4j, free_port

TEST_URI_ENV = "KGR_TEST_NEO4J_URI"
TEST_PASSWORD_ENV = "KGR_TEST_NEO4J_PASSWORD"


class Neo4jForTests:
    """One Neo4j for a test session: ``KGR_TEST_NEO4J_URI`` if set, else a fresh attached local instance.

    Args:
        tmp_home: a temporary KGR_HOME; the store goes to ``tmp_home/neo4j``.
        wait_s: start-up ceiling (generous: CI machines are often busy).

    Use as a context manager; ``uri`` is set inside the block.
    """

    def __init__(self, tmp_home: Path, *, wait_s: float = 180) -> None:
        self.tmp_home = tmp_home
        self.wait_s = wait_s
        self.uri: str | None = None
        self.local: LocalNeo4j | None = None

    def start(self) -> str:
        """Return the URI to test against, starting a local instance unless ``KGR_TEST_NEO4J_URI`` is set."""
        external = os.environ.get(TEST_URI_ENV)
        if external:
            self.uri = external
            return external
        self.local = LocalNeo4j(Settings(home=self.tmp_home), port=free_port())
        # quick JIT: half the start-up CPU; test queries are small, so C2's peak speed is not missed
        self.uri = self.local.start(wait_s=self.wait_s, attached=True, jit="quick")
        return self.uri

    def stop(self) -> None:
        """Stop the instance this object started (never an external one)."""
        if self.local is not None:
            self.local.stop()
            self.local = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def session_neo4j(tmp_home: Path, *, wait_s: float = 180) -> Iterator[str]:
    """Yield the URI of a Neo4j for the whole test session and stop it afterwards (``yield from`` it)."""
    with Neo4jForTests(tmp_home, wait_s=wait_s) as uri:
        yield uri


def auth_for_tests() -> tuple[str, str] | None:
    """Driver auth for the test Neo4j: ``("neo4j", KGR_TEST_NEO4J_PASSWORD)`` if set, else None."""
    password = os.environ.get(TEST_PASSWORD_ENV)
    return ("neo4j", password) if password else None


def clear_database(uri: str, *, auth: tuple[str, str] | None = None, database: str = "neo4j") -> None:
    """Delete every node, relationship, constraint and index (Community has one database: reuse it)."""
    import neo4j

    with neo4j.GraphDatabase.driver(uri, auth=auth if auth is not None else auth_for_tests()) as driver:
        # CALL ... IN TRANSACTIONS needs an auto-commit transaction (session.run), not execute_query.
        with driver.session(database=database) as session:
            session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        names, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name", database_=database)
        for rec in names:
            driver.execute_query(f"DROP CONSTRAINT `{rec['name']}` IF EXISTS", database_=database)
        names, _, _ = driver.execute_query(
            "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name", database_=database
        )
        for rec in names:
            driver.execute_query(f"DROP INDEX `{rec['name']}` IF EXISTS", database_=database)
