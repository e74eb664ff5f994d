"""Start, stop and find the local Neo4j that kgreason uses for development and tests.

The instance is the genuine Neo4j engine (5.26 LTS Community, embedded DBMS with the Bolt connector) run by
``neo4j-server/Launcher.java`` from the repository checkout, with the jars fetched from Maven Central by
``neo4j-server/fetch.sh``. Everything it writes lives under ``Settings.neo4j_dir`` (``KGR_HOME/neo4j``):
the store (``data/``), Neo4j's logs (``logs/``), the launcher's output (``launcher.log``) and the state file
``instance.json`` ({pid, port, uri, home, started_at, ...}) through which other processes find it.

Two modes: *detached* (``kgr neo4j start``) outlives the Python process; *attached* (tests) keeps the
JVM's stdin as a pipe, so the server shuts down when this process closes it or dies.

Start-up cost: with ``jit="quick"`` (C1 only, serial GC; what the test helper uses) the JVM spends ~6 s of
CPU until READY, with ``jit="full"`` (the default: peak query speed) ~11 s; both use a compiled
launcher jar and a class-data-sharing archive in ``neo4j-server/lib/cds/``. The first start after a fetch or
an edit of Launcher.java compiles the jar and has no archive yet (slower); its clean ``stop`` writes
one (which takes a while). ``KGR_NEO4J_CDS=0`` turns archives off; ``KGR_NEO4J_JVM_OPTS`` adds JVM flags.

Auth is off unless a password is given (``start(password=...)`` or the environment variable
``NEO4J_AUTH_PASSWORD``, at least 8 characters); it reaches the JVM through the environment only.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal

from kgreason.config import Settings, private_dir
from kgreason.errors import BackendUnavailable, ConfigError

SERVER_DIR_ENV = "KGR_NEO4J_SERVER_DIR"
PASSWORD_ENV = "NEO4J_AUTH_PASSWORD"
DEFAULT_PORT = 7687
JVM_FLAGS = (
    "-Xms1g",
    "-Xmx2g",
    # No -XX:+ExitOnOutOfMemoryError: a read whose expression outgrows the heap (a value the transaction
    # memory limits do not count) must fail alone with Neo.TransientError.General.OutOfMemoryError, not take
    # the server down with it. The guard refuses the known shapes first (cypher_bounds).
    "-XX:-UsePerfData",
    # as Neo4j's own neo4j.conf: the page cache frees direct buffers through JDK internals
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)
# "quick" (C1 only, serial GC) starts in about half the CPU time; "full" JIT is for long-lived instances and
# benchmarks, where peak query speed matters more than start-up.
JIT_FLAGS: dict[str, tuple[str, ...]] = {"quick": ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), "full": ()}
JitMode = Literal["quick", "full"]
JVM_OPTS_ENV = "KGR_NEO4J_JVM_OPTS"
CDS_ENV = "KGR_NEO4J_CDS"
STATE_FILE = "instance.json"
LAUNCHER_LOG = "launcher.log"
_JAVA_HINT = (
    "install a Java 17+ runtime (e.g. `apt-get install openjdk-17-jre-headless`) and put `java` on PATH"
)
_MVN_HINT = "install Maven 3.8+ (e.g. `apt-get install maven`) to fetch the Neo4j jars from Maven Central"


def find_server_dir() -> Path:
    """Locate ``neo4j-server/`` (pom.xml, Launcher.java, fetch.sh).

    ``KGR_NEO4J_SERVER_DIR`` wins; otherwise walk up from this file to the repository checkout.

    Raises:
        BackendUnavailable: not found (kgreason installed from a wheel, without the checkout).
    """
    env = os.environ.get(SERVER_DIR_ENV)
    if env:
        path = Path(env).expanduser()
        if not (path / "Launcher.java").is_file():
            raise BackendUnavailable(
                f"{SERVER_DIR_ENV}={env} has no Launcher.java",
                hint="point it at the neo4j-server/ folder of a kgreason checkout",
            )
        return path.resolve()
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "neo4j-server"
        if (candidate / "Launcher.java").is_file():
            return candidate
    raise BackendUnavailable(
        "cannot find neo4j-server/ (the local Neo4j launcher ships with the source checkout, not the wheel)",
        hint=f"set {SERVER_DIR_ENV} to a kgreason checkout's neo4j-server/ folder, or set KGR_NEO4J_URI",
    )


def free_port() -> int:
    """An ephemeral TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_is_free(port: int) -> bool:
    """True if Neo4j could listen on 127.0.0.1:``port`` now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # SO_REUSEADDR as the JVM sets it: a port in TIME_WAIT after a stop is free for Neo4j.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _pid_alive(pid: int) -> bool:
    """True for a live process (a zombie counts as dead); reaps it if it is our child."""
    with contextlib.suppress(ChildProcessError, OSError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no procfs (macOS): trust kill(0)
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _is_launcher(pid: int) -> bool:
    """Guard against pid reuse: the pid must still be our Launcher (when procfs can tell)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return _pid_alive(pid)
    return b"Launcher" in cmdline  # "Launcher.java" (source mode) or main class "Launcher" (compiled jar)


def _tail(path: Path, n: int = 15) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-n:])


class LocalNeo4j:
    """The local Neo4j instance under ``settings.neo4j_dir``.

    Args:
        settings: where the instance lives (``settings.neo4j_dir``).
        port: Bolt port for ``start``; default 7687 if free, else any free port.
        server_dir: the ``neo4j-server/`` folder; default: found by ``find_server_dir``.
    """

    def __init__(
        self, settings: Settings, *, port: int | None = None, server_dir: Path | None = None
    ) -> None:
        self.settings = settings
        self.home = settings.neo4j_dir
        self.port = port
        self._server_dir = server_dir
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def state_path(self) -> Path:
        return self.home / STATE_FILE

    @property
    def log_path(self) -> Path:
        return self.home / LAUNCHER_LOG

    # -- public API -------------------------------------------------------------------------------------

    def start(
        self,
        *,
        wait_s: float = 120,
        attached: bool = False,
        password: str | None = None,
        extra_settings: Mapping[str, str] | None = None,
        jit: JitMode = "full",
    ) -> str:
        """Start the instance (or find it running) and return its Bolt URI.

        If the instance under this home already runs, its URI is returned and it keeps its own mode,
        JIT, port and settings.

        Args:
            wait_s: how long to wait for Bolt to accept connections.
            attached: keep the JVM's stdin as a pipe so it stops when this process closes it or dies
                (tests); otherwise it outlives this process (``kgr neo4j start``).
            password: turn auth on with this password for user ``neo4j`` (default: env
                ``NEO4J_AUTH_PASSWORD``; no auth when neither is set).
            extra_settings: raw Neo4j settings that override the launcher's defaults.
            jit: ``"full"`` (peak query speed: benchmarks, long-lived instances) or ``"quick"`` (C1 only:
                about half the start-up CPU, slower heavy queries; what the test helper uses).

        Raises:
            BackendUnavailable: Java or Maven missing, the jars cannot be fetched, the port is taken, or the
                server did not come up within ``wait_s`` (the message carries the log tail).
        """
        password = password or os.environ.get(PASSWORD_ENV) or None
        if password is not None and len(password) < 8:
            raise ConfigError("the Neo4j password must have at least 8 characters")
        private_dir(self.home)  # 0700: it holds the database and the password hash
        with self._lock():
            state = self._read_state()
            if state is not None and self._state_alive(state):
                uri = str(state["uri"])
                self._wait_ready(uri, int(state["pid"]), wait_s, password)
                return uri
            self._clear_state()
            return self._launch(wait_s, attached, password, extra_settings or {}, jit)

    def stop(self, *, timeout_s: float = 60) -> bool:
        """Stop the instance cleanly (SIGTERM, SIGKILL after ``timeout_s``); False if it was not running."""
        state = self._read_state()
        if state is None or not self._state_alive(state):
            self._clear_state()
            self._close_pipe()
            return False
        pid = int(state["pid"])
        dump = Path(state["cds_dump"]) if state.get("cds_dump") else None
        if dump is not None:
            timeout_s = max(timeout_s, 300)  # writing the class-data archive at exit takes a while
        self._close_pipe()  # an attached JVM exits on stdin EOF; SIGTERM covers the detached one
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        if self._wait_exit(pid, timeout_s):
            if dump is not None and dump.is_file():
                # only a clean exit leaves a complete archive
                archive = dump.with_name(dump.name.split(".", 1)[0] + ".jsa")
                os.replace(dump, archive)
                for old in archive.parent.glob(archive.name.split("-", 1)[0] + "-*.jsa"):
                    if old != archive:  # made for another JVM, jar or flags: dead weight (~85 MB)
                        old.unlink(missing_ok=True)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            self._wait_exit(pid, 10)
        self._clear_state()
        return True

    def kill(self) -> bool:
        """SIGKILL the JVM, as a crash would (for crash-recovery tests). The state file is left behind."""
        state = self._read_state()
        if state is None or not self._state_alive(state):
            return False
        pid = int(state["pid"])
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        self._wait_exit(pid, 10)
        self._close_pipe()
        return True

    def status(self) -> dict[str, Any]:
        """``{running, pid, uri, port, home, log, ...}``; running means the JVM is alive and Bolt is open."""
        state = self._read_state() or {}
        alive = bool(state) and self._state_alive(state)
        running = alive and _port_open(int(state["port"]))
        return {
            "running": running,
            "pid": state.get("pid") if alive else None,
            "uri": state.get("uri") if running else None,
            "port": state.get("port") if alive else None,
            "home": str(self.home),
            "log": str(self.log_path),
            "started_at": state.get("started_at") if alive else None,
            "start_s": state.get("start_s") if alive else None,
            "auth": state.get("auth") if alive else None,
            "attached": state.get("attached") if alive else None,
            "jit": state.get("jit") if alive else None,
        }

    def uri(self) -> str | None:
        """The Bolt URI if the instance is running, else None."""
        st = self.status()
        return str(st["uri"]) if st["running"] else None

    # -- internals --------------------------------------------------------------------------------------

    def server_dir(self) -> Path:
        if self._server_dir is None:
            self._server_dir = find_server_dir()
        return self._server_dir

    def ensure_jars(self) -> Path:
        """Return ``neo4j-server/lib``, running ``fetch.sh`` first when the jars are missing."""
        server = self.server_dir()
        lib = server / "lib"
        if any(lib.glob(".complete-*")) and any(lib.glob("neo4j-5*.jar")):
            return lib
        if shutil.which("mvn") is None:
            raise BackendUnavailable(
                "Maven (mvn) not found on PATH; the Neo4j jars are missing", hint=_MVN_HINT
            )
        try:
            proc = subprocess.run(
                [shutil.which("bash") or "/bin/bash", str(server / "fetch.sh")],
                capture_output=True,
                text=True,
                timeout=1800,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BackendUnavailable(
                f"could not run {server / 'fetch.sh'}: {exc}", hint="run it by hand to see what fails"
            ) from exc
        if proc.returncode != 0:
            raise BackendUnavailable(
                f"could not fetch the Neo4j jars: {(proc.stderr or proc.stdout).strip()[-500:]}",
                hint=f"check that Maven Central is reachable and run {server / 'fetch.sh'} by hand",
            )
        return lib

    def _launch(
        self, wait_s: float, attached: bool, password: str | None, extra: Mapping[str, str], jit: JitMode
    ) -> str:
        java = shutil.which("java")
        if java is None:
            raise BackendUnavailable(
                "Java not found on PATH; the local Neo4j needs Java 17+", hint=_JAVA_HINT
            )
        lib = self.ensure_jars()
        port = self._pick_port()
        uri = f"bolt://127.0.0.1:{port}"
        cmd, cds_dump = self._jvm_command(java, lib, jit)
        cmd += [str(self.home), str(port)]
        if not attached:
            cmd.append("--detached")
        cmd += [f"{k}={v}" for k, v in extra.items()]
        env = dict(os.environ)
        env.pop(PASSWORD_ENV, None)
        if password is not None:
            env[PASSWORD_ENV] = password
        t0 = time.monotonic()
        with open(self.log_path, "ab", opener=_private_opener) as log:
            log.write(f"\n--- {datetime.now(UTC).isoformat()} starting on port {port}\n".encode())
            log.flush()
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE if attached else subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.home,
                env=env,
                start_new_session=True,  # Ctrl-C in the starting terminal must not reach the JVM
                umask=0o077,  # the database files (and the auth store) the JVM writes: owner only
            )
        self._proc = proc
        state: dict[str, Any] = {
            "pid": proc.pid,
            "port": port,
            "uri": uri,
            "home": str(self.home),
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "auth": password is not None,
            "attached": attached,
            "jit": jit,
            "start_s": None,
        }
        if cds_dump is not None:
            state["cds_dump"] = str(cds_dump)
        self._write_state(state)
        try:
            self._wait_ready(uri, proc.pid, wait_s, password)
        except BaseException:
            self._close_pipe()
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGKILL)
            self._wait_exit(proc.pid, 10)
            self._clear_state()
            raise
        state["start_s"] = round(time.monotonic() - t0, 2)
        self._write_state(state)
        return uri

    def _jvm_command(self, java: str, lib: Path, jit: JitMode) -> tuple[list[str], Path | None]:
        """The java command line up to the launcher's arguments, and the CDS archive this run will dump.

        With a compiled launcher jar (built once with javac; source mode otherwise) the whole classpath is
        jars, so a dynamic class-data-sharing archive applies: the first run without one dumps it when it
        stops (``stop`` renames it into place); later starts map it and load classes faster.
        """
        flags = [*JVM_FLAGS, *JIT_FLAGS[jit], *os.environ.get(JVM_OPTS_ENV, "").split()]
        jar = self._launcher_jar(lib)
        if jar is None:
            return [java, *flags, "-cp", f"{lib}{os.sep}*", str(self.server_dir() / "Launcher.java")], None
        dump: Path | None = None
        if os.environ.get(CDS_ENV, "1") != "0":
            cds_dir = lib / "cds"
            cds_dir.mkdir(exist_ok=True)
            # An archive only fits the JVM and the jars it was made with: key it by both.
            key = f"{os.path.realpath(java)}:{jar.stat().st_mtime_ns}:{' '.join(flags)}"
            archive = cds_dir / f"{jit}-{hashlib.sha1(key.encode()).hexdigest()[:10]}.jsa"
            flags.append("-Xlog:cds*=error")  # a stale archive is skipped; its warnings are noise
            if archive.is_file():
                flags.append(f"-XX:SharedArchiveFile={archive}")
            else:
                for old in cds_dir.glob("*.tmp"):
                    if time.time() - old.stat().st_mtime > 3600:
                        old.unlink(missing_ok=True)
                dump = archive.with_name(f"{archive.stem}.{uuid.uuid4().hex[:8]}.tmp")
                flags.append(f"-XX:ArchiveClassesAtExit={dump}")
        return [java, *flags, "-cp", f"{jar}{os.pathsep}{lib}{os.sep}*", "Launcher"], dump

    def _launcher_jar(self, lib: Path) -> Path | None:
        """``lib/launcher/kgr-launcher.jar`` compiled from Launcher.java; None without javac/jar."""
        source = self.server_dir() / "Launcher.java"
        jar = lib / "launcher" / "kgr-launcher.jar"
        if jar.is_file() and jar.stat().st_mtime >= source.stat().st_mtime:
            return jar
        javac, jar_tool = shutil.which("javac"), shutil.which("jar")
        if javac is None or jar_tool is None:
            return None
        tmp = Path(tempfile.mkdtemp(prefix=".launcher-", dir=lib))
        try:
            classes = tmp / "classes"
            subprocess.run(
                [javac, "-nowarn", "-cp", f"{lib}{os.sep}*", "-d", str(classes), str(source)],
                check=True,
                capture_output=True,
            )
            built = tmp / "kgr-launcher.jar"
            subprocess.run(
                [jar_tool, "cf", str(built), "-C", str(classes), "."], check=True, capture_output=True
            )
            jar.parent.mkdir(exist_ok=True)
            os.replace(built, jar)
        except (subprocess.CalledProcessError, OSError):
            return None
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        for old in (lib / "cds").glob("*.jsa"):  # an archive is only valid for the classpath it was made on
            old.unlink(missing_ok=True)
        return jar

    def _pick_port(self) -> int:
        if self.port is not None:
            if not port_is_free(self.port):
                raise BackendUnavailable(
                    f"port {self.port} is already in use on 127.0.0.1",
                    hint="pick another port (--port) or stop whatever listens there",
                )
            return self.port
        return DEFAULT_PORT if port_is_free(DEFAULT_PORT) else free_port()

    def _wait_ready(self, uri: str, pid: int, wait_s: float, password: str | None) -> None:
        import neo4j
        from neo4j.exceptions import AuthError, ServiceUnavailable

        auth = ("neo4j", password) if password else None
        deadline = time.monotonic() + wait_s
        port = int(uri.rsplit(":", 1)[1])
        while True:
            if not _pid_alive(pid):
                raise BackendUnavailable(
                    f"the local Neo4j exited during start-up; log {self.log_path}:\n{_tail(self.log_path)}",
                    hint="see the log above; `kgr neo4j status` shows the paths",
                )
            # The launcher prints READY once the database is available and our password is set; polling
            # Bolt before that with a password would trip the failed-login rate limit.
            if self._log_says_ready() and _port_open(port):
                driver = neo4j.GraphDatabase.driver(uri, auth=auth, connection_timeout=5)
                try:
                    driver.verify_connectivity()
                    return
                except AuthError:
                    return  # the server is up; credentials are the caller's business
                except (ServiceUnavailable, OSError):
                    pass
                finally:
                    driver.close()
            if time.monotonic() > deadline:
                raise BackendUnavailable(
                    f"the local Neo4j did not accept Bolt connections within {wait_s:.0f} s; "
                    f"log {self.log_path}:\n{_tail(self.log_path)}",
                    hint="the machine may be overloaded: retry with a longer wait (--wait)",
                )
            time.sleep(0.25)

    def _log_says_ready(self) -> bool:
        """True if the launcher's latest run (after the last ``---`` marker) printed READY."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return False
        return "\nREADY " in text[text.rfind("\n--- ") :]

    def _wait_exit(self, pid: int, timeout_s: float) -> bool:
        if self._proc is not None and self._proc.pid == pid:
            try:
                self._proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                return False
            self._proc = None
            return True
        deadline = time.monotonic() + timeout_s
        while _pid_alive(pid):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True

    def _close_pipe(self) -> None:
        if self._proc is not None and self._proc.stdin is not None:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()

    def _state_alive(self, state: Mapping[str, Any]) -> bool:
        try:
            pid = int(state["pid"])
        except (KeyError, TypeError, ValueError):
            return False
        return _pid_alive(pid) and _is_launcher(pid)

    def _read_state(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.state_path.read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and "pid" in data and "port" in data else None

    def _write_state(self, state: Mapping[str, Any]) -> None:
        tmp = self.state_path.with_suffix(".json.tmp")
        with open(tmp, "w", opener=_private_opener) as fh:
            fh.write(json.dumps(state, indent=2) + "\n")
        tmp.replace(self.state_path)

    def _clear_state(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.state_path.unlink()

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """Serialise concurrent ``start`` calls on the same home (two shells, parallel test workers)."""
        fh: IO[str]
        with open(self.home / ".start.lock", "w", opener=_private_opener) as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def _private_opener(path: str, flags: int) -> int:
    """``open(..., opener=)`` that creates files readable by the owner only (0600)."""
    return os.open(path, flags, 0o600)


def resolve_uri(settings: Settings) -> str:
    """The Neo4j to use: ``settings.neo4j.uri`` if set, else the running local instance.

    Raises:
        BackendUnavailable: no URI configured and the local instance is not running.
    """
    if settings.neo4j.uri:
        return settings.neo4j.uri
    uri = LocalNeo4j(settings).uri()
    if uri is None:
        raise BackendUnavailable(
            "no Neo4j configured and the local instance is not running",
            hint="run `kgr neo4j start` or set KGR_NEO4J_URI",
        )
    return uri
