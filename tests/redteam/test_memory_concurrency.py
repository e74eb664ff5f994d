"""Concurrent writers to one memory-store graph: no load is lost (issue 20, item 5).

Before the write lock, two ``kgr graph load`` into one graph at once both exited 0 and the graph held only
the file saved last. These tests run real processes on real files.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kgreason.errors import GraphError
from kgreason.graph.loaders import load_file
from kgreason.graph.memory import MemoryStore
from kgreason.types import Edge

EDGES_PER_FILE = 60_000


def _write_tsv(path: Path, prefix: str, n: int) -> set[tuple[str, str, str]]:
    triples = {(f"{prefix}{i}", "r", f"{prefix}{i + 1}") for i in range(n)}
    path.write_text("".join(f"{s}\t{r}\t{t}\n" for s, r, t in sorted(triples)), encoding="utf-8")
    return triples


def _kgr(home: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "KGR_HOME": str(home)}
    return subprocess.Popen(
        [sys.executable, "-m", "kgreason.cli.app", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _triples(home: Path, graph: str) -> set[tuple[str, str, str]]:
    store = MemoryStore(graph, directory=home / "graphs")
    return {(e.source, e.type, e.target) for e in store.iter_edges()}


def test_two_cli_loads_into_one_graph_keep_both_files(tmp_path: Path) -> None:
    home = tmp_path / "home"
    a = _write_tsv(tmp_path / "a.tsv", "a", EDGES_PER_FILE)
    b = _write_tsv(tmp_path / "b.tsv", "b", EDGES_PER_FILE)
    procs = [
        _kgr(home, "graph", "load", str(tmp_path / f), "-g", "shared", "--json") for f in ("a.tsv", "b.tsv")
    ]
    for p in procs:
        _out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    got = _triples(home, "shared")
    assert len(got) == 2 * EDGES_PER_FILE
    assert got == a | b


def _read_then_load(graphs: str, data: str, barrier: mp.synchronize.Barrier) -> None:  # pragma: no cover
    store = MemoryStore("raced", directory=Path(graphs))
    store.stats()  # read the graph as it is now (empty) ...
    barrier.wait(timeout=60)  # ... and only then let both write: the lost-update interleaving
    load_file(store, data)
    store.close()


def test_interleaved_read_then_write_merges_instead_of_overwriting(tmp_path: Path) -> None:
    """Both processes read the graph before either writes: the exact interleaving that lost a file."""
    graphs = tmp_path / "graphs"
    a = _write_tsv(tmp_path / "a.tsv", "a", 5_000)
    b = _write_tsv(tmp_path / "b.tsv", "b", 5_000)
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(2)
    procs = [
        ctx.Process(target=_read_then_load, args=(str(graphs), str(tmp_path / f), barrier))
        for f in ("a.tsv", "b.tsv")
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    assert _triples(tmp_path, "raced") == a | b


def test_a_stale_copy_is_refreshed_before_writing(tmp_path: Path) -> None:
    """A store object that read the graph earlier applies its write to the newest saved copy."""
    first = MemoryStore("g", directory=tmp_path)
    first.upsert_edges([Edge("x", "r", "y")])
    first.flush()
    stale = MemoryStore("g", directory=tmp_path)
    assert stale.stats().edges == 1  # read now
    other = MemoryStore("g", directory=tmp_path)
    other.upsert_edges([Edge("y", "r", "z")])
    other.flush()  # saved after `stale` read the file
    stale.upsert_edges([Edge("z", "r", "w")])
    stale.flush()
    fresh = MemoryStore("g", directory=tmp_path)
    assert {(e.source, e.target) for e in fresh.iter_edges()} == {("x", "y"), ("y", "z"), ("z", "w")}


def _hold_lock(
    graphs: str, ready: mp.synchronize.Event, release: mp.synchronize.Event
) -> None:  # pragma: no cover
    store = MemoryStore("held", directory=Path(graphs))
    store.upsert_edges([Edge("a", "r", "b")])  # takes the lock, holds it until flush
    ready.set()
    release.wait(timeout=60)
    store.close()


def test_a_writer_waits_for_the_lock_and_says_so_when_it_times_out(tmp_path: Path) -> None:
    ctx = mp.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(tmp_path), ready, release))
    holder.start()
    try:
        assert ready.wait(timeout=60)
        waiter = MemoryStore("held", directory=tmp_path, lock_timeout_s=0.5)
        started = time.monotonic()
        with pytest.raises(GraphError, match="being written by another process"):
            waiter.upsert_edges([Edge("c", "r", "d")])
        assert 0.4 < time.monotonic() - started < 5
        release.set()
        holder.join(timeout=60)
        assert holder.exitcode == 0
        waiter.upsert_edges([Edge("c", "r", "d")])  # the lock is free now
        waiter.close()
    finally:
        release.set()
        holder.join(timeout=60)
    fresh = MemoryStore("held", directory=tmp_path)
    assert fresh.stats().edges == 2


def test_two_store_objects_in_one_thread_are_refused_not_deadlocked(tmp_path: Path) -> None:
    one = MemoryStore("g", directory=tmp_path, lock_timeout_s=30)
    two = MemoryStore("g", directory=tmp_path, lock_timeout_s=30)
    one.upsert_edges([Edge("a", "r", "b")])
    started = time.monotonic()
    with pytest.raises(GraphError, match="unsaved writes in another store object"):
        two.upsert_edges([Edge("b", "r", "c")])
    assert time.monotonic() - started < 1
    one.flush()
    two.upsert_edges([Edge("b", "r", "c")])
    two.flush()
    assert MemoryStore("g", directory=tmp_path).stats().edges == 2
