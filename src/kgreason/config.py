"""Settings, read once at the edge (CLI callback, notebook helper) and passed down explicitly.

Environment variables (all optional):

- ``KGR_HOME``: where named graphs, models, caches and the local Neo4j live (default ``~/.kgreason``).
- ``KGR_NEO4J_URI``, ``KGR_NEO4J_USER``, ``KGR_NEO4J_PASSWORD``, ``KGR_NEO4J_DATABASE``: a Neo4j to use;
  with no URI, ``--store neo4j`` uses the local instance started by ``kgr neo4j start``.
- ``KGR_LLM``: the default LLM backend name (``llamacpp``).

Secrets (the Neo4j password, API keys) are only ever read from the environment and never printed:
``repr`` of a ``Settings`` masks them. A ``user:password@`` written into ``KGR_NEO4J_URI`` is taken out of
the URI and used as authentication (the two variables win over it), and every URI shown anywhere goes
through ``redact_uri``. Directories kgreason creates under ``KGR_HOME`` are 0700 (``private_dir``).
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from kgreason.errors import ConfigError

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
    if not GRAPH_NAME_RE.match(name):
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
class Settings:
    """All settings kgreason reads; build with ``Settings.from_env()``."""

    home: Path
    neo4j: Neo4jSettings = field(default_factory=Neo4jSettings)
    llm: str = "llamacpp"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        e = os.environ if env is None else env
        home = Path(e.get("KGR_HOME") or Path.home() / ".kgreason").expanduser()
        uri, uri_user, uri_password = split_uri_credentials(e.get("KGR_NEO4J_URI") or None)
        neo = Neo4jSettings(
            uri=uri,
            user=e.get("KGR_NEO4J_USER") or uri_user or "neo4j",
            password=e.get("KGR_NEO4J_PASSWORD") or uri_password,
            database=e.get("KGR_NEO4J_DATABASE", "neo4j"),
        )
        return cls(home=home, neo4j=neo, llm=e.get("KGR_LLM", "llamacpp"))

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
