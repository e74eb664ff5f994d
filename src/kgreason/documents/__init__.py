"""Documents to knowledge graph: read, chunk, extract under a schema, resolve entities, keep provenance.

``extract_documents(store, paths, extractor)`` is the entry point; ``kgr graph extract`` runs it. See
``docs/documents.md``.
"""

from kgreason.documents.chunk_search import ChunkHit, ChunkIndex
from kgreason.documents.chunking import Chunk, chunk_text, split_sentences
from kgreason.documents.extract import (
    PROMPT_VERSION,
    Dropped,
    Extractor,
    KeptTriple,
    LLMExtractor,
    RawTriple,
    extract_text,
    find_mention,
    validate,
)
from kgreason.documents.lexical import evidence_of
from kgreason.documents.pipeline import (
    ChunkOptions,
    ExtractReport,
    extract_documents,
    list_merges,
    undo_merge,
)
from kgreason.documents.resolve import Mention, Merge, Resolution, normalize_name, resolve_mentions
from kgreason.documents.retraction import retract
from kgreason.documents.rules import RuleExtractor
from kgreason.documents.schema import (
    EntityType,
    ExtractionSchema,
    RelationType,
    load_schema,
    schema_from_dict,
    schema_from_graph,
)
from kgreason.documents.sources import SourceDocument, SourceProblem, read_sources
from kgreason.documents.sync import ResolveOptions

__all__ = [
    "PROMPT_VERSION",
    "Chunk",
    "ChunkHit",
    "ChunkIndex",
    "ChunkOptions",
    "Dropped",
    "EntityType",
    "ExtractReport",
    "ExtractionSchema",
    "Extractor",
    "KeptTriple",
    "LLMExtractor",
    "Mention",
    "Merge",
    "RawTriple",
    "RelationType",
    "Resolution",
    "ResolveOptions",
    "RuleExtractor",
    "SourceDocument",
    "SourceProblem",
    "chunk_text",
    "evidence_of",
    "extract_documents",
    "extract_text",
    "find_mention",
    "list_merges",
    "load_schema",
    "normalize_name",
    "read_sources",
    "resolve_mentions",
    "retract",
    "schema_from_dict",
    "schema_from_graph",
    "split_sentences",
    "undo_merge",
    "validate",
]
