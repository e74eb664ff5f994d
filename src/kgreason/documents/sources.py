"""Read documents from files and folders: ``.txt``, ``.md``, ``.html``, ``.pdf`` (text layer) and ``.jsonl``.

Every document gets a stable id: a file's resolved path, or for a ``.jsonl`` record its ``id`` field. Each
document also records its *collection*: the path the user named (a folder, or the file itself). A later
run over the same collection that no longer finds a document retracts it. One bad file (binary, empty,
undecodable, no text layer) becomes a ``SourceProblem`` with its reason; the others are still read.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".pdf", ".jsonl"}
"""The file kinds ``read_sources`` reads; other files inside a folder are skipped (not problems)."""


@dataclass(frozen=True)
class SourceDocument:
    """One document's text with its id, the file it came from and the collection it belongs to."""

    id: str
    text: str
    path: str
    collection: str
    metadata: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def digest(self) -> str:
        """Hash of the text: a changed document has a new digest."""
        return hashlib.blake2b(self.text.encode(), digest_size=10).hexdigest()


@dataclass(frozen=True)
class SourceProblem:
    """A file (or a ``.jsonl`` line) that could not be read, and why."""

    path: str
    reason: str
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "reason": self.reason}


@dataclass
class SourceSet:
    """What ``read_sources`` found: documents, problems, and the collections it read completely."""

    documents: list[SourceDocument] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)


class _TextOfHtml(HTMLParser):
    """Visible text of an HTML page: scripts and styles dropped, block elements end a paragraph."""

    BLOCKS = frozenset(
        {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table"}
    )
    SKIP = frozenset({"script", "style", "head", "noscript", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(markup: str) -> str:
    """The visible text of ``markup``, one paragraph per block element."""
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    raw = html.unescape("".join(parser.parts))
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", raw))
    return "\n\n".join(p for p in paragraphs if p)


def pdf_text(path: Path) -> str:
    """The text layer of a PDF (``pdfminer.six``, the ``docs`` extra)."""
    from kgreason.errors import MissingExtra

    try:
        from pdfminer.high_level import extract_text
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise MissingExtra("docs", "pdfminer") from exc
    text: str = extract_text(str(path))
    return text


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise ValueError("binary file (NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (byte {exc.start})") from exc


def _file_text(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from kgreason.errors import MissingExtra

        try:
            text = pdf_text(path)
        except MissingExtra:
            raise
        except Exception as exc:
            raise ValueError(f"unreadable PDF: {type(exc).__name__}: {exc}") from exc
        if not text.strip():
            raise ValueError("no text layer (a scanned PDF?)")
        return text
    text = _decode(path.read_bytes())
    if suffix in HTML_SUFFIXES:
        text = html_text(text)
    return text


def _jsonl_documents(path: Path, collection: str, out: SourceSet) -> None:
    try:
        lines = _decode(path.read_bytes()).splitlines()
    except (OSError, ValueError) as exc:
        out.problems.append(SourceProblem(str(path), str(exc)))
        return
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            out.problems.append(SourceProblem(str(path), f"invalid JSON: {exc.msg}", number))
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            out.problems.append(SourceProblem(str(path), "a record needs a string 'text'", number))
            continue
        doc_id = obj.get("id")
        if not isinstance(doc_id, str | int) or isinstance(doc_id, bool) or str(doc_id) == "":
            out.problems.append(
                SourceProblem(str(path), "a record needs an 'id' (string or integer)", number)
            )
            continue
        metadata = obj.get("metadata") or {}
        if not isinstance(metadata, dict):
            out.problems.append(SourceProblem(str(path), "'metadata' must be an object", number))
            continue
        if not obj["text"].strip():
            out.problems.append(SourceProblem(str(path), f"record {doc_id!r} has empty text", number))
            continue
        out.documents.append(SourceDocument(str(doc_id), obj["text"], str(path), collection, metadata))


def _files(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and Path(name).suffix.lower() in SUFFIXES:
                yield Path(dirpath) / name


def read_sources(paths: Iterable[str | os.PathLike[str]]) -> SourceSet:
    """Read every document under ``paths`` (files, or folders searched recursively).

    A path that does not exist is a problem and its collection is not marked read (so nothing it held
    before is retracted). Documents with the same id are kept once (the first) and the rest reported.
    """
    out = SourceSet()
    for given in paths:
        root = Path(given).expanduser().resolve()
        collection = str(root)
        if not root.exists():
            out.problems.append(SourceProblem(str(given), "no such file or directory"))
            continue
        files: Sequence[Path] = list(_files(root)) if root.is_dir() else [root]
        out.collections.append(collection)
        for path in files:
            if path.suffix.lower() == ".jsonl":
                _jsonl_documents(path, collection, out)
                continue
            if root.is_file() and path.suffix.lower() not in SUFFIXES:
                out.problems.append(SourceProblem(str(path), f"unsupported file type {path.suffix!r}"))
                continue
            try:
                text = _file_text(path)
            except (OSError, ValueError) as exc:
                out.problems.append(SourceProblem(str(path), str(exc)))
                continue
            if not text.strip():
                out.problems.append(SourceProblem(str(path), "empty file"))
                continue
            out.documents.append(SourceDocument(str(path), text, str(path), collection))
    seen: set[str] = set()
    unique: list[SourceDocument] = []
    for doc in out.documents:
        if doc.id in seen:
            out.problems.append(SourceProblem(doc.path, f"duplicate document id {doc.id!r} (kept the first)"))
            continue
        seen.add(doc.id)
        unique.append(doc)
    out.documents = unique
    return out
