"""The text a node is known by: its name (or its id made readable) and its description.

Entity linking embeds this text for its embedding tier, and the GNN strategies embed the same text as node
features, so both layers read it from here.
"""

from __future__ import annotations

import re
import unicodedata

from kgreason.types import Node

DESCRIPTION_PROPERTY = "description"
CAMEL_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def strip_accents(text: str) -> str:
    """``text`` without its accents ("protégé" -> "protege"), as people type names and words either way."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def humanize(identifier: str) -> str:
    """``"The_Godfather"`` -> ``"The Godfather"``, ``"starWars"`` -> ``"star Wars"``."""
    spaced = CAMEL_RE.sub(" ", identifier.replace("_", " ").replace("/", " "))
    return " ".join(spaced.split())


def node_text(node: Node) -> str:
    """The text embedded for ``node``: its name (or humanised id) and its description when present."""
    name = node.name if "name" in node.properties else humanize(node.id)
    description = node.properties.get(DESCRIPTION_PROPERTY)
    if isinstance(description, str) and description.strip():
        return f"{name}: {description.strip()}"
    return name
