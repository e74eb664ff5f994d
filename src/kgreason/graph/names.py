"""Graph names: the one check every store applies before a name reaches a file name, label or constraint.

A graph name becomes a file name (memory store: ``NAME.kgr``), a label (Neo4j: ``KG_NAME``) and a
constraint name (``kgr_graph_NAME``). So it is held to ASCII letters, digits and ``_``, starting with a
letter, at most ``MAX_GRAPH_NAME`` characters. The whole string must match: a trailing newline (which a
``$``-anchored pattern lets through) or any other control character is refused, since such a graph could
not be named again to drop it.

``-`` is not allowed on purpose: the read-only guard and generated Cypher find graph labels as
``KG_`` followed by word characters, so ``KG_a-b`` would read as graph ``a``'s label.
"""

from __future__ import annotations

import re

from kgreason.errors import ConfigError

MAX_GRAPH_NAME = 63
_NAME = re.compile(rf"[A-Za-z][A-Za-z0-9_]{{0,{MAX_GRAPH_NAME - 1}}}", re.ASCII)


def validate_graph_name(name: object) -> str:
    """Return ``name`` if it is a valid graph name, else raise ``ConfigError`` saying why.

    >>> validate_graph_name("movies_2")
    'movies_2'
    >>> validate_graph_name("movies\\n")
    Traceback (most recent call last):
    ...
    kgreason.errors.ConfigError: invalid graph name 'movies\\n': it contains a control character
    """
    if not isinstance(name, str):
        raise ConfigError(f"invalid graph name {name!r}: not a string")
    if _NAME.fullmatch(name):
        return name
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        why = "it contains a control character"
    elif not name:
        why = "it is empty"
    elif len(name) > MAX_GRAPH_NAME:
        why = f"it is longer than {MAX_GRAPH_NAME} characters"
    elif not ("A" <= name[0] <= "Z" or "a" <= name[0] <= "z"):
        why = "it must start with a letter"
    else:
        why = "use only letters, digits and '_'"
    raise ConfigError(
        f"invalid graph name {name!r}: {why}",
        hint=f"use ASCII letters, digits and '_', start with a letter, at most {MAX_GRAPH_NAME} characters",
    )
