"""Closing a Neo4j store ends its queries (the real Neo4j of the test session).

- After ``close()`` every use fails at once with ``StoreClosed`` (it used to reconnect silently).
- ``close()`` while a guarded query runs answers its caller at once; the worker does not run the query
  again when the driver's retry reconnects.
- ``close()`` cancels guarded queries still waiting for a worker: they never reach the server.
- A process exiting while a guarded query runs does not wait for it (the workers were joined at exit).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kgreason.config import Settings
from kgreason.errors import GraphError
from kgreason.graph import neo4j_store
from kgreason.graph.neo4j_store import Neo4jStore, StoreClosed

pytestmark = pytest.mark.neo4j

# 9M regex matches, within the guard's cost bounds: about 50 s on a busy 2-core machine, so it is still
# running when each test stops it (or the server's timeout, the timeout_s each test gives, does).
MARK = ".*7.*3.*1.*"
HEAVY = (
    "UNWIND range(1, 3000) AS a UNWIND range(1, 3000) AS b "
    f"WITH toString(a * b) AS c WHERE c =~ '{MARK}' RETURN count(c) AS n"
)


@pytest.fixture(autouse=True)
def _stop_heavy_queries(neo4j_uri: str, neo4j_auth: tuple[str, str] | None) -> Iterator[None]:
    """The server may keep computing an abandoned count until its timeout: stop it after each test."""
    yield
    import neo4j

    with neo4j.GraphDatabase.driver(neo4j_uri, auth=neo4j_auth) as driver:
        records, _, _ = driver.execute_query(
            "SHOW TRANSACTIONS YIELD transactionId, currentQuery "
            "WHERE currentQuery CONTAINS $mark RETURN transactionId",
            mark=MARK,
        )
        ids = [r["transactionId"] for r in records]
        if ids:
            driver.execute_query("TERMINATE TRANSACTIONS $ids", ids=ids)


@pytest.fixture
def store(neo4j_uri: str, settings: Settings, neo4j_auth: tuple[str, str] | None) -> Iterator[Neo4jStore]:
    store = Neo4jStore("closing", settings, uri=neo4j_uri, auth=neo4j_auth)
    yield store
    store.close()


class Spy:
    """Records each real ``run_guarded`` call of the store: when it returned and what it raised."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[dict[str, Any]] = []
        real = neo4j_store.run_guarded  # type: ignore[attr-defined]

        def spy(*args: Any, **kwargs: Any) -> Any:
            call: dict[str, Any] = {"query": args[2], "started": time.monotonic()}
            self.calls.append(call)
            try:
                return real(*args, **kwargs)
            except BaseException as exc:
                call["error"] = exc
                raise
            finally:
                call["ended"] = time.monotonic()

        monkeypatch.setattr(neo4j_store, "run_guarded", spy)


def in_thread(fn: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = fn()
        except BaseException as exc:
            box["error"], box["at"] = exc, time.monotonic()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def worker_gives_up(spy: Spy) -> None:
    """The worker of the abandoned query ends with an error, never a result: when the driver's retry
    reconnects, the query is not run again. (It ends when its socket read returns: at once when the
    server drops the closed connection, at the latest at the server's timeout of 15 s.)"""
    wait_for(lambda: "ended" in spy.calls[0], seconds=30)
    assert isinstance(spy.calls[0].get("error"), GraphError), spy.calls[0]


def test_a_closed_store_fails_fast_with_a_clear_error(store: Neo4jStore) -> None:
    assert store.run_cypher("RETURN 1 AS one").rows == ({"one": 1},)
    store.close()
    assert store.closed
    started = time.monotonic()
    with pytest.raises(StoreClosed) as info:
        store.run_cypher("RETURN 1 AS one")
    assert time.monotonic() - started < 0.5
    assert "'closing' was closed" in info.value.message and "open the graph again" in (info.value.hint or "")
    with pytest.raises(StoreClosed):
        store.stats()  # every use, not only Cypher: no silent reconnect
    store.close()  # idempotent


def test_close_while_a_query_runs_answers_its_caller_at_once(
    store: Neo4jStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = Spy(monkeypatch)
    thread, box = in_thread(lambda: store.run_cypher(HEAVY, timeout_s=15))
    wait_for(lambda: bool(spy.calls))
    time.sleep(1.0)  # the server is working on it
    closed_at = time.monotonic()
    store.close()
    thread.join(5)
    assert isinstance(box.get("error"), StoreClosed), box
    assert "closed while the query ran" in box["error"].message
    assert box["at"] - closed_at < 1.0  # not the query's deadline (20 s) nor the driver's retries
    assert "result" not in box
    worker_gives_up(spy)


def test_close_cancels_queries_waiting_for_a_worker(
    store: Neo4jStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(neo4j_store, "_WORKERS", neo4j_store._Workers(max_workers=1))
    spy = Spy(monkeypatch)
    first, first_box = in_thread(lambda: store.run_cypher(HEAVY, timeout_s=15))
    wait_for(lambda: bool(spy.calls))
    queued, queued_box = in_thread(lambda: store.run_cypher("RETURN 2 AS two"))
    wait_for(lambda: len(store._inflight) == 2)
    store.close()
    first.join(5)
    queued.join(5)
    assert "closed before the query ran" in queued_box["error"].message
    assert "closed while the query ran" in first_box["error"].message
    worker_gives_up(spy)
    time.sleep(0.5)  # the one worker is free again: the cancelled query must not start now
    assert [c["query"] for c in spy.calls] == [HEAVY]


def test_exit_does_not_wait_for_a_running_query(
    neo4j_uri: str, neo4j_auth: tuple[str, str] | None, tmp_path: Path
) -> None:  # with the session's Neo4j, from a process of its own
    script = textwrap.dedent(
        f"""
        import sys, threading, time
        from kgreason.config import Settings
        from kgreason.graph.neo4j_store import Neo4jStore

        auth = tuple(sys.argv[3:5]) or None
        store = Neo4jStore("exiting", Settings(home=sys.argv[1]), uri=sys.argv[2], auth=auth)
        threading.Thread(target=store.run_cypher, args=({HEAVY!r},), kwargs={{"timeout_s": 45}},
                         daemon=True).start()
        time.sleep(2)  # the query is running on the server
        print("exiting at", time.time(), flush=True)
        """
    )
    args = [str(tmp_path / "home"), neo4j_uri, *(neo4j_auth or ())]
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120, check=False
    )
    ended = time.time()
    assert done.returncode == 0 and "exiting at" in done.stdout, done.stderr
    exit_s = ended - float(done.stdout.split("exiting at")[1])
    assert exit_s < 5, exit_s  # was: the interpreter joined the worker until the query ended (up to 45 s)
