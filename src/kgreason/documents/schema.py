"""The extraction schema: entity types, relation types with domain, range and direction, optional properties.

Given as a YAML or JSON file, or read from an existing graph (labels become entity types, relationship
patterns become relation types), so text can extend a graph loaded from triples. The file format::

    entities:
      - name: Drug
        description: a medicine, by generic or brand name
      - Enzyme                      # a bare name is enough
    relations:
      - name: INHIBITS
        domain: Drug                # the head's type
        range: Enzyme               # the tail's type
        phrases: [inhibits, is an inhibitor of]   # optional: what the rule extractor looks for

Relation phrases default to the name in words (``IS_METABOLISED_BY`` -> "is metabolised by").
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from kgreason.documents.lexical import LEXICAL_LABELS
from kgreason.documents.lexical import LEXICAL_TYPES as LEXICAL_RELATIONS
from kgreason.errors import InputError
from kgreason.graph.store import GraphStore
from kgreason.types import DEFAULT_LABEL


def relation_words(name: str) -> str:
    """``IS_METABOLISED_BY`` / ``isMetabolisedBy`` / ``is-metabolised-by`` -> ``is metabolised by``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return " ".join(re.split(r"[\s_\-]+", spaced)).strip().lower()


@dataclass(frozen=True)
class EntityType:
    name: str
    description: str = ""
    properties: tuple[str, ...] = ()


@dataclass(frozen=True)
class RelationType:
    """``(domain)-[name]->(range)``; ``phrases`` are surface forms the rule extractor matches."""

    name: str
    domain: str
    range: str
    description: str = ""
    phrases: tuple[str, ...] = field(default=())

    @property
    def surface_phrases(self) -> tuple[str, ...]:
        return self.phrases or (relation_words(self.name),)


@dataclass(frozen=True)
class ExtractionSchema:
    entities: tuple[EntityType, ...]
    relations: tuple[RelationType, ...]

    def __post_init__(self) -> None:
        names = {e.name for e in self.entities}
        for r in self.relations:
            for end in (r.domain, r.range):
                if end not in names:
                    raise InputError(f"relation {r.name!r}: type {end!r} is not an entity type of the schema")

    @property
    def entity_names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.entities)

    def relation(self, name: str) -> RelationType | None:
        """The relation called ``name`` (case, spaces, ``-`` and ``_`` ignored), or None."""
        key = relation_words(name).replace(" ", "")
        for r in self.relations:
            if relation_words(r.name).replace(" ", "") == key:
                return r
        return None

    def entity_type(self, name: str) -> str | None:
        key = name.strip().lower()
        for e in self.entities:
            if e.name.lower() == key:
                return e.name
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "entities": [
                {"name": e.name, "description": e.description, "properties": list(e.properties)}
                for e in self.entities
            ],
            "relations": [
                {
                    "name": r.name,
                    "domain": r.domain,
                    "range": r.range,
                    "description": r.description,
                    "phrases": list(r.phrases),
                }
                for r in self.relations
            ],
        }

    def digest(self) -> str:
        """A stable hash of the schema: part of every chunk's cache key."""
        raw = json.dumps(self.to_dict(), sort_keys=True).encode()
        return hashlib.blake2b(raw, digest_size=8).hexdigest()


class _EntitySpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = ""
    properties: list[str] = []


class _RelationSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    domain: str
    range: str
    description: str = ""
    phrases: list[str] = []


class _SchemaSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    entities: list[_EntitySpec | str]
    relations: list[_RelationSpec]


def schema_from_dict(data: Mapping[str, Any], *, where: str = "schema") -> ExtractionSchema:
    """An ``ExtractionSchema`` from its dict form; ``InputError`` naming ``where`` when it is malformed."""
    try:
        spec = _SchemaSpec.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{where}: {loc}: {first['msg']}") from exc
    entities = tuple(
        EntityType(e) if isinstance(e, str) else EntityType(e.name, e.description, tuple(e.properties))
        for e in spec.entities
    )
    relations = tuple(
        RelationType(r.name, r.domain, r.range, r.description, tuple(r.phrases)) for r in spec.relations
    )
    try:
        return ExtractionSchema(entities, relations)
    except InputError as exc:
        raise InputError(f"{where}: {exc.reason}") from exc


def load_schema(path: str | os.PathLike[str]) -> ExtractionSchema:
    """Read a schema file (``.yaml``/``.yml`` or ``.json``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read schema file: {exc.strerror or exc}", path=str(path)) from exc
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml  # type: ignore[import-untyped]
        except ImportError as exc:  # pragma: no cover - depends on the install
            from kgreason.errors import MissingExtra

            raise MissingExtra("docs", "yaml") from exc
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            raise InputError(f"invalid YAML: {exc}", path=str(path), line=line) from exc
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", path=str(path), line=exc.lineno) from exc
    if not isinstance(data, dict):
        raise InputError("a schema file holds an object with 'entities' and 'relations'", path=str(path))
    return schema_from_dict(data, where=str(path))


def schema_from_graph(store: GraphStore) -> ExtractionSchema:
    """The schema of the facts already in ``store``: its labels and its (label)-[type]->(label) patterns.

    Nodes with only the default label make the type ``Entity``; lexical-graph labels are left out.
    """
    graph = store.schema()
    names = [lab for lab in graph.labels if lab not in LEXICAL_LABELS]
    relations: list[RelationType] = []
    seen: set[str] = set()
    for p in sorted(graph.patterns, key=lambda p: -p.count):
        if p.type in LEXICAL_RELATIONS or p.type in seen:
            continue
        if p.source in LEXICAL_LABELS or p.target in LEXICAL_LABELS:
            continue
        seen.add(p.type)  # the most frequent pattern of a type gives its domain and range
        relations.append(RelationType(p.type, p.source or DEFAULT_LABEL, p.target or DEFAULT_LABEL))
    for r in relations:
        for end in (r.domain, r.range):
            if end not in names:
                names.append(end)
    if not relations:
        raise InputError(
            f"graph {store.graph!r} has no relationships to take a schema from",
            hint="give one with --schema FILE",
        )
    return ExtractionSchema(tuple(EntityType(n) for n in sorted(names)), tuple(relations))
