"""The local Neo4j control (start/status/stop/kill, the CLI) against a real JVM, plus the failure paths."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgreason.cli.neo4j_cmd import app
from kgreason.config import Settings
from kgreason.errors import BackendUnavailable
from kgreason.graph.neo4j_local import LocalNeo4j, find_server_dir, free_port, resolve_uri
from kgreason.testing.neo4j import Neo4jForTests, clear_database

needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="no java on PATH")


def test_java_missing_raises_with_install_hint(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(BackendUnavailable) as info:
        LocalNeo4j(settings).start(wait_s=1)
    assert "Java" in info.value.message
    assert info.value.hint is not None and "install" in info.value.hint


def test_maven_missing_when_jars_are_missing(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    java = shutil.which("java")
    if java is None:
        pytest.skip("no java on PATH")
    server = tmp_path / "neo4j-server"  # a checkout whose jars were never fetched
    server.mkdir()
    for name in ("pom.xml", "Launcher.java", "fetch.sh"):
        shutil.copy(find_server_dir() / name, server / name)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "java").symlink_to(java)
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(BackendUnavailable) as info:
        LocalNeo4j(settings, server_dir=server).start(wait_s=1)
    assert "mvn" in info.value.message
    assert info.value.hint is not None and "Maven" in info.value.hint


def test_init_does_no_io(tmp_path: Path) -> None:
    LocalNeo4j(Settings(home=tmp_path / "nowhere"), server_dir=tmp_path / "missing")
    assert not (tmp_path / "nowhere").exists()


def test_status_when_never_started(settings: Settings) -> None:
    st = LocalNeo4j(settings).status()
    assert st["running"] is False and st["uri"] is None and st["pid"] is None
    assert st["home"] == str(settings.neo4j_dir)
    assert LocalNeo4j(settings).uri() is None
    assert LocalNeo4j(settings).stop() is False


def test_stale_state_file_is_not_running(settings: Settings) -> None:
    settings.neo4j_dir.mkdir(parents=True)
    (settings.neo4j_dir / "instance.json").write_text(
        json.dumps({"pid": 2**22 + 12345, "port": 1, "uri": "bolt://127.0.0.1:1"})
    )
    assert LocalNeo4j(settings).status()["running"] is False


def test_resolve_uri_prefers_configured_uri(tmp_path: Path) -> None:
    s = Settings.from_env({"KGR_HOME": str(tmp_path), "KGR_NEO4J_URI": "neo4j+s://example.invalid"})
    assert resolve_uri(s) == "neo4j+s://example.invalid"


def test_resolve_uri_without_instance_says_what_to_do(settings: Settings) -> None:
    with pytest.raises(BackendUnavailable) as info:
        resolve_uri(settings)
    assert info.value.hint is not None and "kgr neo4j start" in info.value.hint


def test_server_dir_env_must_point_at_launcher(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KGR_NEO4J_SERVER_DIR", str(tmp_path))
    with pytest.raises(BackendUnavailable):
        find_server_dir()
    monkeypatch.delenv("KGR_NEO4J_SERVER_DIR")
    assert (find_server_dir() / "pom.xml").is_file()


def test_busy_port_is_refused(settings: Settings) -> None:
    import socket

    if shutil.which("java") is None:
        pytest.skip("no java on PATH")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        with pytest.raises(BackendUnavailable, match="in use"):
            LocalNeo4j(settings, port=port).start(wait_s=1)


def test_cli_status_json_not_running(kgr_home: Path) -> None:
    result = CliRunner().invoke(app, ["status", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["running"] is False
    assert data["home"] == str(kgr_home / "neo4j")


@pytest.mark.neo4j
@pytest.mark.slow
@needs_java
def test_round_trip_with_crash_and_cli(kgr_home: Path, settings: Settings) -> None:
    """start (detached) -> reuse -> data -> CLI status -> SIGKILL -> restart recovers the data -> stop."""
    import neo4j

    local = LocalNeo4j(settings, port=free_port())
    uri = local.start(wait_s=240, jit="quick")
    try:
        assert uri.startswith("bolt://127.0.0.1:")
        st = local.status()
        assert st["running"] is True and st["uri"] == uri and st["pid"] > 0
        assert (settings.neo4j_dir / "instance.json").is_file()
        # a second start finds the running one instead of starting another
        assert LocalNeo4j(settings).start(wait_s=5) == uri
        assert resolve_uri(settings) == uri

        with neo4j.GraphDatabase.driver(uri) as driver:
            driver.execute_query("CREATE (:Probe {k: 1})")
            records, _, _ = driver.execute_query("RETURN apoc.version() AS v")
            assert records[0]["v"].startswith("5.26")
            # the allow-list keeps APOC procedures that run arbitrary Cypher out
            with pytest.raises(neo4j.exceptions.ClientError):
                driver.execute_query("CALL apoc.cypher.run('RETURN 1 AS x', {})")

        result = CliRunner().invoke(app, ["status", "--json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        assert data["running"] is True and data["uri"] == uri

        assert local.kill() is True
        assert local.status()["running"] is False
        uri2 = local.start(wait_s=240, jit="quick")  # recovers the store after the crash
        with neo4j.GraphDatabase.driver(uri2) as driver:
            records, _, _ = driver.execute_query("MATCH (p:Probe) RETURN count(p) AS n")
            assert records[0]["n"] == 1
    finally:
        local.stop()
    assert local.status()["running"] is False
    assert not (settings.neo4j_dir / "instance.json").exists()
    assert CliRunner().invoke(app, ["stop"]).output.strip() == "not running"


@pytest.mark.neo4j
@pytest.mark.slow
@needs_java
def test_attached_instance_for_tests_with_auth(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test helper starts an attached instance; a password turns auth on; stop() takes it down."""
    import neo4j

    monkeypatch.delenv("KGR_TEST_NEO4J_URI", raising=False)
    monkeypatch.setenv("NEO4J_AUTH_PASSWORD", "test-password-1")
    helper = Neo4jForTests(tmp_path / "home", wait_s=240)
    with helper as uri:
        assert helper.local is not None
        pid = helper.local.status()["pid"]
        wrong = ("neo4j", "not-the-password")
        with pytest.raises(neo4j.exceptions.AuthError), neo4j.GraphDatabase.driver(uri, auth=wrong) as d:
            d.verify_connectivity()
        auth = ("neo4j", "test-password-1")
        with neo4j.GraphDatabase.driver(uri, auth=auth) as driver:
            driver.execute_query("CREATE CONSTRAINT c IF NOT EXISTS FOR (n:T) REQUIRE n.k IS UNIQUE")
            driver.execute_query("CREATE (:T {k: 1})")
        clear_database(uri, auth=auth)
        with neo4j.GraphDatabase.driver(uri, auth=auth) as driver:
            records, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS n")
            assert records[0]["n"] == 0
            records, _, _ = driver.execute_query("SHOW CONSTRAINTS")
            assert records == []
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


@pytest.mark.neo4j
@pytest.mark.slow
@needs_java
def test_attached_instance_dies_with_its_parent(tmp_path: Path) -> None:
    code = f"""
import os
from pathlib import Path
from kgreason.config import Settings
from kgreason.graph.neo4j_local import LocalNeo4j, free_port
local = LocalNeo4j(Settings(home=Path({str(tmp_path)!r})), port=free_port())
local.start(attached=True, wait_s=240, jit="quick")
print(local.status()["pid"], flush=True)
os._exit(0)  # no cleanup at all: the JVM must notice its closed stdin by itself
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True
    )
    pid = int(out.stdout.split()[-1])
    local = LocalNeo4j(Settings(home=tmp_path))
    deadline = time.monotonic() + 60
    while local.status()["running"] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert local.status()["running"] is False, f"JVM {pid} outlived its parent"


def test_external_uri_is_used_without_starting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KGR_TEST_NEO4J_URI", "bolt://example.invalid:7687")
    with Neo4jForTests(tmp_path) as uri:
        assert uri == "bolt://example.invalid:7687"
    assert not (tmp_path / "neo4j").exists()
