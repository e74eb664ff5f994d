"""Settings, read once at the edge (CLI callback, notebook helper) and passed down explicitly.

Environment variables (all optional):

- ``KGR_HOME``: where named graphs, models, caches and the local Neo4j live (default ``~/.kgreason``).
- ``KGR_NEO4J_URI``, ``KGR_NEO4J_USER``, ``KGR_NEO4J_PASSWORD``, ``KGR_NEO4J_DATABASE``: a Neo4j to use;
  with no URI, ``--store neo4j`` uses the local instance started by ``kgr neo4j start``.
- ``KGR_LLM``: the default LLM backend name (``llamacpp``).
- ``KGR_GRAPH``, ``KGR_STORE``, ``KGR_MODEL``: the default graph, store (``memory``) and model.
- ``KGR_CONFIG``: the config file (default ``$XDG_CONFIG_HOME/kgreason/config.toml``, that is
  ``~/.config/kgreason/config.toml``), written by ``kgr config set KEY VALUE``.

The CLI reads defaults with ``Settings.from_config()``: a command-line flag wins over the environment,
which wins over the config file, which wins over the built-in default (``CONFIG_KEYS``).

Secrets (the Neo4j password, API keys) are only ever read from the environment and never printed:
``repr`` of a ``Settings`` masks them. A ``user:password@`` written into ``KGR_NEO4J_URI`` is taken out of
the URI and used as authentication (the two variables win over it), and every URI shown anywhere goes
through ``redact_uri``. Directories kgreason creates under ``KGR_HOME`` are 0700 (``private_dir``).
"""

from __future__ import annotations

import dataclasses
import errno
import os
import re
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from kgreason.errors import ConfigError, suggest

GRAPH_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,62}$")
# ``scheme://userinfo@``: everything between ``//`` and the last ``@`` before the host is userinfo, which
# may hold a password (``neo4j://user:secret@host``); a password may itself contain ``@`` or ``/``.
_USERINFO_RE = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<userinfo>[^\s'\"]*)@")


def redact_uri(uri: str) -> str:
    """``uri`` with any password masked: ``neo4j://u:secret@host:7687`` -> ``neo4j://u:***@host:7687``.

    Every place that shows a URI (messages, logs, ``repr``, ``kgr doctor``) goes through this (or
    ``redact_text`` for free text that may contain one).

    >>> redact_uri("neo4j+s://neo4j:p@ss/w:rd@db.example.com:7687")
    'neo4j+s://neo4j:***@db.example.com:7687'
    >>> redact_uri("bolt://127.0.0.1:7687")
    'bolt://127.0.0.1:7687'
    """
    return redact_text(uri)


def redact_text(text: str) -> str:
    """``text`` with the userinfo of every ``scheme://user:password@`` in it masked (user kept)."""

    def mask(m: re.Match[str]) -> str:
        user, colon, _ = m.group("userinfo").partition(":")
        # No colon: the whole userinfo may be a token, so nothing of it is shown.
        return f"{m.group('scheme')}{user}:***@" if user and colon else f"{m.group('scheme')}***@"

    return _USERINFO_RE.sub(mask, text)


def check_graph_name(name: str) -> str:
    """Validate a graph name (letters, digits, underscore; starts with a letter)."""
    if not GRAPH_NAME_RE.fullmatch(name):
        raise ConfigError(
            f"invalid graph name {name!r}",
            hint="use letters, digits and '_' (start with a letter, at most 63 characters)",
        )
    return name


def split_uri_credentials(uri: str | None) -> tuple[str | None, str | None, str | None]:
    """Split ``scheme://user:password@host...`` into the URI without userinfo, the user and the password.

    The Neo4j driver refuses userinfo in a URI (and would echo it in its error), so credentials written
    into ``KGR_NEO4J_URI`` are taken out of it here and passed as authentication instead.

    >>> split_uri_credentials("neo4j+s://bob:p%40ss@db.example.com:7687")
    ('neo4j+s://db.example.com:7687', 'bob', 'p@ss')
    """
    if uri is None:
        return None, None, None
    scheme, sep, rest = uri.partition("://")
    if not sep or "@" not in rest:
        return uri, None, None
    # Up to the last '@': a password pasted unencoded may hold '/', '?', '#' or '@' itself, which a URL
    # parser would take for the start of the path (and then print the password as a bad port).
    userinfo, _, location = rest.rpartition("@")
    user, colon, password = userinfo.partition(":")
    return f"{scheme}://{location}", unquote(user) or None, unquote(password) if colon else None


PRIVATE_DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create ``path`` and any missing parents readable by the owner only (0700); return ``path``.

    Directories that already exist keep their mode (a ``KGR_HOME`` the user made stays as it is);
    the ones kgreason creates (``KGR_HOME`` itself, ``graphs``, ``cache``, ``models``, ``neo4j``, ...)
    are private, since they hold data, models and the local Neo4j's password hash.
    """
    missing: list[Path] = []
    p = path
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    if not p.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, f"{p} is not a directory", str(p))
    for d in reversed(missing):
        try:
            d.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            if not d.is_dir():
                raise
            continue  # created meanwhile by another process
        d.chmod(PRIVATE_DIR_MODE)  # mkdir's mode is reduced by the umask; make it exactly 0700
    return path


@dataclass(frozen=True)
class Neo4jSettings:
    """How to reach Neo4j. ``uri=None`` means: the local instance from ``kgr neo4j start``."""

    uri: str | None = None
    user: str = "neo4j"
    password: str | None = field(default=None, repr=False)
    database: str = "neo4j"
    query_timeout_s: float = 30.0
    batch_size: int = 10_000

    def __repr__(self) -> str:
        uri = None if self.uri is None else redact_uri(self.uri)
        return (
            f"Neo4jSettings(uri={uri!r}, user={self.user!r}, database={self.database!r}, "
            f"query_timeout_s={self.query_timeout_s!r}, batch_size={self.batch_size!r})"
        )


@dataclass(frozen=True)
class ConfigKey:
    """A key of the config file: its environment variable, built-in default and meaning."""

    name: str
    env: str
    default: str | None
    help: str


CONFIG_KEYS: dict[str, ConfigKey] = {
    k.name: k
    for k in (
        ConfigKey("graph", "KGR_GRAPH", None, "graph used when a command has no --graph"),
        ConfigKey("store", "KGR_STORE", "memory", "store used when a command has no --store"),
        ConfigKey("llm", "KGR_LLM", "llamacpp", "LLM backend used when a command has no --llm"),
        ConfigKey("model", "KGR_MODEL", None, "model used when a command has no --model"),
    )
}
CONFIG_FILE_MODE = 0o600


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """``$KGR_CONFIG``, else ``$XDG_CONFIG_HOME/kgreason/config.toml`` (``~/.config`` when unset)."""
    e = os.environ if env is None else env
    if e.get("KGR_CONFIG"):
        return Path(e["KGR_CONFIG"]).expanduser()
    home = Path(e["HOME"]) if e.get("HOME") else Path.home()
    base = Path(e["XDG_CONFIG_HOME"]).expanduser() if e.get("XDG_CONFIG_HOME") else home / ".config"
    return base / "kgreason" / "config.toml"


def check_config_key(key: str) -> ConfigKey:
    """The ``ConfigKey`` named ``key``, or a ``ConfigError`` suggesting the closest known keys."""
    if key not in CONFIG_KEYS:
        close = suggest(key, list(CONFIG_KEYS))
        hint = f"did you mean: {', '.join(close)}?" if close else None
        known = ", ".join(CONFIG_KEYS)
        raise ConfigError(f"unknown config key {key!r} (known: {known})", hint=hint)
    return CONFIG_KEYS[key]


def check_config_value(key: str, value: str) -> str:
    """``value`` checked for ``key`` (a graph name must be valid; nothing may be empty)."""
    check_config_key(key)
    if not value.strip():
        raise ConfigError(f"empty value for config key {key!r}", hint=f"to remove it: kgr config unset {key}")
    if key == "graph":
        check_graph_name(value)
    return value


def read_config_file(path: Path) -> dict[str, str]:
    """The key/value pairs of a config file (empty when it does not exist); a bad file is a ConfigError."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot read the config file {path}: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            f"{path}: not a valid TOML config file ({exc})",
            hint="fix it, or remove it and use kgr config set",
        ) from None
    out: dict[str, str] = {}
    for key, value in data.items():
        try:
            check_config_key(key)
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc.message}", hint=exc.hint) from None
        if not isinstance(value, str):
            raise ConfigError(f"{path}: {key} must be a string, not {type(value).__name__}")
        out[key] = value
    return out


def _toml_string(value: str) -> str:
    """``value`` as a TOML basic string (every character TOML forbids unescaped is escaped)."""
    out = []
    for ch in value:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif (ord(ch) < 0x20 and ch != "\t") or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def write_config_file(path: Path, values: Mapping[str, str]) -> None:
    """Write ``values`` to ``path`` atomically (a temporary file renamed over it), readable by the owner."""
    lines = ["# kgreason settings: edit with `kgr config set|unset KEY`", ""]
    lines += [f"{key} = {_toml_string(values[key])}" for key in CONFIG_KEYS if key in values]
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    try:
        os.fchmod(fd, CONFIG_FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def config_values(env: Mapping[str, str] | None = None) -> dict[str, tuple[str | None, str]]:
    """Each config key's effective value and where it comes from: ``env``, ``file`` or ``default``."""
    e = os.environ if env is None else env
    in_file = read_config_file(config_path(e))
    out: dict[str, tuple[str | None, str]] = {}
    for key, spec in CONFIG_KEYS.items():
        if e.get(spec.env):
            out[key] = (e[spec.env], "env")
        elif key in in_file:
            out[key] = (in_file[key], "file")
        else:
            out[key] = (spec.default, "default")
    return out


@dataclass(frozen=True)
class Settings:
    """All settings kgreason reads; build with ``Settings.from_env()`` (or ``from_config()``)."""

    home: Path
    neo4j: Neo4jSettings = field(default_factory=Neo4jSettings)
    llm: str = "llamacpp"
    graph: str | None = None
    store: str = "memory"
    model: str | None = None
    configured: frozenset[str] = frozenset()
    """Config keys set by the environment or the config file (not built-in defaults)."""

    @classmethod
    def from_config(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from the environment and the config file (``config_path``), environment first."""
        values = config_values(env)
        base = cls.from_env(env)
        return dataclasses.replace(
            base,
            llm=values["llm"][0] or base.llm,
            graph=values["graph"][0],
            store=values["store"][0] or base.store,
            model=values["model"][0],
            configured=frozenset(k for k, (_, source) in values.items() if source != "default"),
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from the environment alone (no config file)."""
        e = os.environ if env is None else env
        home = Path(e.get("KGR_HOME") or Path.home() / ".kgreason").expanduser()
        uri, uri_user, uri_password = split_uri_credentials(e.get("KGR_NEO4J_URI") or None)
        neo = Neo4jSettings(
            uri=uri,
            user=e.get("KGR_NEO4J_USER") or uri_user or "neo4j",
            password=e.get("KGR_NEO4J_PASSWORD") or uri_password,
            database=e.get("KGR_NEO4J_DATABASE", "neo4j"),
        )
        return cls(
            home=home,
            neo4j=neo,
            llm=e.get("KGR_LLM", "llamacpp"),
            graph=e.get("KGR_GRAPH") or None,
            store=e.get("KGR_STORE") or "memory",
            model=e.get("KGR_MODEL") or None,
        )

    @property
    def graphs_dir(self) -> Path:
        return self.home / "graphs"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def neo4j_dir(self) -> Path:
        return self.home / "neo4j"
