"""One error root for everything kgreason raises on purpose.

The tree::

    KgrError                     anything kgreason raises deliberately
    ├── ConfigError              bad or missing settings (unknown backend, bad graph name, ...)
    │   └── MissingExtra         an optional dependency is not installed; names the pip extra
    ├── InputError               bad user data: carries file, line and reason
    ├── NotFoundError            an unknown name (graph, node, model, plugin); carries suggestions
    ├── PluginError              a plugin that cannot be loaded or is broken
    ├── GraphError               a store operation failed
    │   ├── QueryRefused         the read-only guard refused a query (carries the reason)
    │   └── BackendUnavailable   the store cannot be reached or started (Neo4j down, Java missing)
    └── LLMError                 a model failed, or returned output that stays invalid after repair

The CLI alone maps these to exit codes: ``InputError``, ``NotFoundError``, ``ConfigError`` (with
``MissingExtra``: the install is not configured for the command) and ``QueryRefused`` are exit 2 (bad usage
or input), everything else exit 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class KgrError(Exception):
    """Root of every error kgreason raises on purpose.

    Args:
        message: one line saying what went wrong.
        hint: optional one line saying what to do about it.
    """

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class ConfigError(KgrError):
    """Settings are missing, malformed or contradict each other."""

    exit_code = 2


OPTIONAL_MODULES: dict[str, str] = {
    "torch": "gnn",
    "torch_geometric": "gnn",
    "transformers": "gnn",
    "xllamacpp": "llm",
    "vllm": "vllm",
    "langchain_core": "langchain",
    "pandas": "notebook",
    "IPython": "notebook",
    "nbclient": "notebook",
    "nbformat": "notebook",
}
"""Top-level module of each optional dependency -> the ``kgreason[...]`` extra that installs it."""


class MissingExtra(ConfigError):
    """A command needs an optional dependency that is not installed: says which extra to install."""

    def __init__(self, extra: str, module: str | None = None) -> None:
        missing = f" ({module} is not installed)" if module else ""
        super().__init__(
            f"this command needs the {extra} extra{missing}", hint=f"pip install 'kgreason[{extra}]'"
        )
        self.extra = extra
        self.module = module


def missing_extra(exc: BaseException) -> MissingExtra | None:
    """The ``MissingExtra`` behind ``exc`` when it was caused by importing an absent optional module.

    Follows the ``__cause__`` chain (a plugin that failed to load wraps the import error it met).
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, MissingExtra):
            return current
        if isinstance(current, ModuleNotFoundError) and current.name:
            top = current.name.split(".", 1)[0]
            if top in OPTIONAL_MODULES:
                return MissingExtra(OPTIONAL_MODULES[top], top)
        current = current.__cause__
    return None


class InputError(KgrError):
    """Malformed user input; names the file and line when there is one."""

    exit_code = 2

    def __init__(
        self,
        reason: str,
        *,
        path: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{reason}", hint=hint)
        self.path = path
        self.line = line
        self.reason = reason


class NotFoundError(KgrError):
    """An unknown name; ``suggestions`` lists close known names (may be empty)."""

    exit_code = 2

    def __init__(self, kind: str, name: str, suggestions: Sequence[str] = ()) -> None:
        self.kind = kind
        self.name = name
        self.suggestions = list(suggestions)
        hint = f"did you mean: {', '.join(self.suggestions)}?" if self.suggestions else None
        super().__init__(f"unknown {kind} {name!r}", hint=hint)


class PluginError(KgrError):
    """A plugin (entry point) failed to load or does not provide what it should."""


class GraphError(KgrError):
    """A graph-store operation failed."""


class QueryRefused(GraphError):
    """The read-only guard refused a query; ``reason`` says which rule."""

    exit_code = 2

    def __init__(self, reason: str, *, query: str | None = None) -> None:
        super().__init__(f"query refused: {reason}", hint="generated and user queries must be read-only")
        self.reason = reason
        self.query = query


class BackendUnavailable(GraphError):
    """The store (or a tool it needs, such as Java) cannot be reached."""


class LLMError(KgrError):
    """A language-model call failed or returned invalid output after repair.

    ``partial``: from ``chat_many``, the results in request order with ``None`` where a request stayed
    invalid after its repair (so a caller keeps the good replies without asking again); ``None`` when
    the whole call failed.
    """

    partial: list[Any] | None = None


def suggest(name: str, known: Sequence[str], n: int = 3) -> list[str]:
    """Return up to ``n`` known names close to ``name`` (case-insensitive)."""
    import difflib

    lowered = {k.lower(): k for k in known}
    hits = difflib.get_close_matches(name.lower(), list(lowered), n=n, cutoff=0.6)
    return [lowered[h] for h in hits]
