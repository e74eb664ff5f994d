"""Hygiene (issue 20, items 8 and minor): secrets never printed, private files, early errors, no left-overs.

Everything runs the real CLI in a subprocess, on real files (and the real Neo4j where one is needed).
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kgreason.config import Settings, private_dir, redact_text, redact_uri, split_uri_credentials
from kgreason.errors import GraphError
from kgreason.graph.memory import MemoryStore
from kgreason.types import Edge

PASSWORD = "Pw-s3cret/at@home"  # holds '/' and '@': the masking must not stop at the first one


def kgr(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("KGR_NEO4J")}
    return subprocess.run(
        [sys.executable, "-m", "kgreason.cli.app", *args],
        capture_output=True,
        text=True,
        env={**base, "KGR_HOME": str(home), **env},
        timeout=180,
    )


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- secrets --------------------------------------------------------------------------------------------
def test_redact_masks_the_password_and_keeps_the_rest() -> None:
    uri = f"neo4j+s://alice:{PASSWORD}@db.example.com:7687/x"
    assert redact_uri(uri) == "neo4j+s://alice:***@db.example.com:7687/x"
    assert redact_uri("bolt://127.0.0.1:7687") == "bolt://127.0.0.1:7687"
    assert redact_uri("bolt://token@h:1") == "bolt://***@h:1"  # no colon: the whole userinfo may be secret
    text = f"at 'bolt://a:{PASSWORD}@h:1' and neo4j://b:x@k"
    assert redact_text(text) == "at 'bolt://a:***@h:1' and neo4j://b:***@k"


def test_uri_credentials_become_auth_and_never_reach_a_repr() -> None:
    from urllib.parse import quote

    from kgreason.graph.neo4j_store import Neo4jStore

    raw = f"bolt://alice:{quote(PASSWORD, safe='')}@127.0.0.1:7687"
    s = Settings.from_env({"KGR_NEO4J_URI": raw, "KGR_HOME": "/tmp/x"})
    assert (s.neo4j.uri, s.neo4j.user, s.neo4j.password) == ("bolt://127.0.0.1:7687", "alice", PASSWORD)
    explicit = Settings.from_env({"KGR_NEO4J_URI": raw, "KGR_NEO4J_USER": "bob", "KGR_NEO4J_PASSWORD": "pw2"})
    assert (explicit.neo4j.user, explicit.neo4j.password) == ("bob", "pw2")  # the variables win
    assert split_uri_credentials("bolt://h:1") == ("bolt://h:1", None, None)
    store = Neo4jStore("g", s, uri=f"bolt://alice:{PASSWORD}@127.0.0.1:7687")
    store.uri  # noqa: B018 - resolve it, so repr shows it
    for shown in (repr(s), repr(s.neo4j), repr(store)):
        assert PASSWORD not in shown and "s3cret" not in shown


def test_password_in_the_uri_is_never_printed(tmp_path: Path) -> None:
    uri = f"bolt://alice:{PASSWORD}@127.0.0.1:{closed_port()}"
    commands = {
        "doctor": ["doctor"],
        "doctor --json": ["doctor", "--json"],
        "graph stats": ["graph", "stats", "-g", "g", "--store", "neo4j"],
        "graph stats --json": ["graph", "stats", "-g", "g", "--store", "neo4j", "--json"],
        "--debug graph stats": ["--debug", "graph", "stats", "-g", "g", "--store", "neo4j"],
        "graph query": ["graph", "query", "-g", "g", "RETURN 1", "--json"],
        "neo4j status": ["neo4j", "status"],
        "neo4j status --json": ["neo4j", "status", "--json"],
    }
    runs = {name: kgr(tmp_path, *args, KGR_NEO4J_URI=uri) for name, args in commands.items()}
    for name, r in runs.items():
        for stream in (r.stdout, r.stderr):
            assert "s3cret" not in stream, f"{name} printed the password:\n{stream}"
    failed = runs["graph stats"]
    assert failed.returncode == 1 and "cannot reach Neo4j at bolt://127.0.0.1:" in failed.stderr
    doctor = json.loads(runs["doctor --json"].stdout)
    shown = {c["name"]: c for c in doctor["checks"]}["KGR_NEO4J_URI"]["detail"]
    assert shown.startswith("bolt://127.0.0.1:") and "not reachable" in shown


def test_credentials_in_the_uri_reach_a_real_neo4j(tmp_path: Path, neo4j_uri: str) -> None:
    from kgreason.testing.neo4j import auth_for_tests

    auth = auth_for_tests()
    user, password = auth if auth is not None else ("neo4j", "any-password-1")  # auth off: any accepted
    uri = neo4j_uri.replace("://", f"://{user}:{password}@", 1)
    data = tmp_path / "t.tsv"
    data.write_text("a\tr\tb\n", encoding="utf-8")
    r = kgr(
        tmp_path / "home",
        "graph",
        "load",
        str(data),
        "-g",
        "cred_uri",
        "--store",
        "neo4j",
        "--json",
        KGR_NEO4J_URI=uri,
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["edges"] == 1
    assert password not in r.stdout + r.stderr
    kgr(tmp_path / "home", "graph", "drop", "-g", "cred_uri", "--store", "neo4j", "-y", KGR_NEO4J_URI=uri)


# -- permissions ----------------------------------------------------------------------------------------
def test_a_home_kgreason_creates_is_private(tmp_path: Path) -> None:
    home = tmp_path / "new" / "home"
    data = tmp_path / "t.tsv"
    data.write_text("a\tr\tb\n", encoding="utf-8")
    old = os.umask(0o022)  # the usual umask, which made 0755/0644 before
    try:
        r = kgr(home, "graph", "load", str(data), "-g", "g")
    finally:
        os.umask(old)
    assert r.returncode == 0, r.stderr
    assert mode(home) == 0o700 and mode(home / "graphs") == 0o700
    assert mode(home / "graphs" / "g.kgr") == 0o600 and mode(home / "graphs" / "g.kgr.lock") == 0o600
    assert mode(tmp_path / "new") == 0o700  # every level kgreason created


def test_a_user_made_home_keeps_its_mode_and_kgreason_dirs_are_private(tmp_path: Path) -> None:
    from kgreason.llm.cache import ResponseCache

    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    data = tmp_path / "t.tsv"
    data.write_text("a\tr\tb\n", encoding="utf-8")
    assert kgr(home, "graph", "load", str(data), "-g", "g").returncode == 0
    assert mode(home) == 0o755
    assert mode(home / "graphs") == 0o700 and mode(home / "graphs" / "g.kgr") == 0o600
    cache = ResponseCache.for_settings(Settings(home=home))
    cache.put("ab" * 32, {"x": 1})
    assert mode(home / "cache") == 0o700 and mode(home / "cache" / "llm") == 0o700
    for f in (home / "cache").rglob("*.json"):
        assert mode(f) == 0o600


def test_private_dir_is_0700_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        private_dir(tmp_path / "a" / "b")
    finally:
        os.umask(old)
    assert mode(tmp_path / "a") == 0o700 and mode(tmp_path / "a" / "b") == 0o700
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError):
        private_dir(tmp_path / "file" / "sub")


def test_the_local_neo4j_home_and_its_auth_store_are_owner_only(
    neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    if os.environ.get("KGR_TEST_NEO4J_URI"):
        pytest.skip("the test Neo4j was not started by kgreason")
    homes = list(tmp_path_factory.getbasetemp().glob("neo4j-home*/neo4j"))
    assert homes, "the session Neo4j home was not found"
    home = homes[0]
    assert mode(home) == 0o700
    files = [p for p in home.rglob("*") if not p.is_symlink()]
    assert any("system" in p.parts for p in files)  # the system database, which holds the password hash
    loose = [f"{p} {oct(mode(p))}" for p in files if mode(p) & 0o077]
    assert not loose, loose[:10]


# -- an unwritable KGR_HOME ------------------------------------------------------------------------------
def test_an_unwritable_home_is_reported_before_parsing_and_by_doctor(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    home = blocker / "home"
    data = tmp_path / "big.tsv"
    # A bad row at the very end: parsing first would report it (exit 2); the home check comes first.
    data.write_text("".join(f"n{i}\tr\tn{i + 1}\n" for i in range(50_000)) + "bad row\n", encoding="utf-8")
    r = kgr(home, "graph", "load", str(data), "-g", "g")
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert f"cannot write graph 'g' under {home / 'graphs'}" in r.stderr and "not a directory" in r.stderr
    d = kgr(home, "doctor", "--json")
    report = json.loads(d.stdout)
    check = {c["name"]: c for c in report["checks"]}["KGR_HOME"]
    assert check["level"] == "error" and "not a directory" in check["detail"]
    assert report["ok"] is False


def test_a_failed_save_is_a_graph_error_and_keeps_the_changes(tmp_path: Path) -> None:
    store = MemoryStore("g", directory=tmp_path / "graphs")
    store.upsert_edges([Edge("a", "r", "b")])
    (tmp_path / "graphs" / "g.kgr").mkdir()  # a directory where the file goes: the rename fails
    with pytest.raises(GraphError, match="cannot save graph 'g'"):
        store.flush()
    (tmp_path / "graphs" / "g.kgr").rmdir()
    store.flush()  # retried: still holds the lock and the change
    assert MemoryStore("g", directory=tmp_path / "graphs").stats().edges == 1


# -- temp files of killed saves --------------------------------------------------------------------------
def test_stale_temp_files_of_killed_saves_are_cleaned_on_the_next_write(tmp_path: Path) -> None:
    graphs = tmp_path / "graphs"
    graphs.mkdir()
    old = time.time() - 3600
    stale_own = graphs / ".g.kgr.k1ll3d.tmp"
    stale_other = graphs / ".other.kgr.d34d.tmp"
    fresh = graphs / ".g.kgr.runn1ng.tmp"  # younger than a minute: may be a save in progress
    unrelated = graphs / "notes.tmp"
    for p in (stale_own, stale_other, fresh, unrelated):
        p.write_bytes(b"\x80partial pickle")
    for p in (stale_own, stale_other, unrelated):
        os.utime(p, (old, old))
    store = MemoryStore("g", directory=graphs)
    store.upsert_edges([Edge("a", "r", "b")])
    store.close()
    assert not stale_own.exists() and not stale_other.exists()
    assert fresh.exists() and unrelated.exists()


def test_a_temp_file_of_a_running_save_is_kept(tmp_path: Path) -> None:
    import fcntl

    graphs = tmp_path / "graphs"
    graphs.mkdir()
    busy = graphs / ".busy.kgr.s4v1ng.tmp"
    busy.write_bytes(b"...")
    old = time.time() - 3600
    os.utime(busy, (old, old))
    with (graphs / "busy.kgr.lock").open("wb") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # another process's save holds its graph's lock
        code = (
            "import sys; from pathlib import Path; from kgreason.graph.memory import MemoryStore;"
            "from kgreason.types import Edge; s = MemoryStore('g', directory=Path(sys.argv[1]));"
            "s.upsert_edges([Edge('a', 'r', 'b')]); s.close()"
        )
        subprocess.run([sys.executable, "-c", code, str(graphs)], check=True, timeout=60)
        assert busy.exists()
    assert MemoryStore("g", directory=graphs).clean_stale_temp_files() == [busy]  # its save is over now


def test_credentials_in_a_store_uri_never_reach_an_error(tmp_path: Path) -> None:
    """``Neo4jStore(uri="bolt://user:pw@host")`` called directly: the password goes to auth, and neither
    the error, its chained causes nor the store's repr show it."""
    from kgreason.config import Settings
    from kgreason.errors import KgrError
    from kgreason.graph.neo4j_store import Neo4jStore

    store = Neo4jStore("g", Settings(home=tmp_path), uri="bolt://neo4j:Sup3r/Secret@127.0.0.1:1")
    assert "Sup3r" not in repr(store)
    with pytest.raises(KgrError) as info:
        store.stats()
    seen, exc = [], info.value
    while exc is not None:
        seen.append(f"{exc!s} {exc!r}")
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    assert not any("Sup3r" in s for s in seen), seen
