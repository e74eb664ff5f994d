"""How people say a graph's relations, as the graph's owner states it.

A graph may name its relations in its makers' jargon: ``registered_by`` where people say "bred by",
``title_held_by`` where they say "owned by". The path strategies read a relation by its words, so a
question names such a relation by none of them. A *wording* is a small table the graph's owner writes
once, one line per relation that people call otherwise::

    # relation <TAB> how people say it, read from head to tail like a relation name
    registered_by	bred by
    brigade_under	head chef

The strategies then read each such relation by its phrase instead of its name (scoring, direction,
answer types: "bred by" walked forwards reaches whoever bred it). The phrase replaces the name's words
for every question that does not say them (``Wording.heard_in``), so it should be the words people use
most. Relation names are one word without spaces in the file (what follows is the phrase). Path
queries and cited facts keep the stored names: a ``Wording`` maps stored relations to *spoken* ones on
the way in (``steps``, ``say``) and back on the way out (``stored``).

``kgr graph words`` saves a wording beside a graph (``saved_path``); the option ``words=FILE`` of
``retrieve`` and ``multihop`` uses a file for one run instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from kgreason.config import Settings
from kgreason.errors import InputError, suggest
from kgreason.fusion.relation_words import humanize
from kgreason.graph.store import GraphStore

_WORD = re.compile(r"[^\W_]+")
V = TypeVar("V")
MAX_WORDS = 8
"""The longest phrase a wording may give a relation."""


class Wording:
    """Stored relation -> how people say it, and back (see the module docstring).

    A relation read by its phrase has the spoken name ``relation/phrase``: ``humanize`` reads only what
    follows the last "/", so every rule that reads a relation's words reads the phrase, and two
    relations people say alike stay two relations.

    Args:
        phrases: relation -> phrase (its words are lower-cased and read as a relation name's).
        by_name: relations read by their stored names all the same (``heard_in``).
    """

    def __init__(self, phrases: Mapping[str, str] | None = None, by_name: Collection[str] = ()) -> None:
        self.phrases = {rel: " ".join(_WORD.findall(p.lower())) for rel, p in (phrases or {}).items()}
        self._spoken = {rel: f"{rel}/{p}" for rel, p in self.phrases.items() if rel not in by_name}
        self._stored = {key: rel for rel, key in self._spoken.items()}

    def __bool__(self) -> bool:
        return bool(self.phrases)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Wording) and (self.phrases, self._spoken) == (other.phrases, other._spoken)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._spoken.items())))

    def __repr__(self) -> str:
        return f"Wording({self.phrases!r})"

    def heard_in(self, question: str, coverage: Callable[[str, Sequence[str]], list[float]]) -> Wording:
        """This wording for one question: a relation whose own name the question says better than its
        phrase (``coverage``: how well the question covers each text, ``relation_paths.CoverageScorer``)
        is read by its name. The owner's phrase says how people *mostly* call a relation; "Who checked
        out X as a pilot?" still says ``checked_out_by``, whose phrase is "trained by"."""
        if not self.phrases:
            return self
        named = [
            rel
            for rel, phrase in self.phrases.items()
            if (c := coverage(question, [humanize(rel), phrase]))[0] > c[1]
        ]
        return Wording(self.phrases, named) if named else self

    def say(self, relation: str) -> str:
        """The spoken name of a stored relation (itself when it is read by its name)."""
        return self._spoken.get(relation, relation)

    def stored(self, relation: str) -> str:
        """The stored name of a spoken relation (itself when it is read by its name)."""
        return self._stored.get(relation, relation)

    def steps(self, steps: Mapping[tuple[str, str], V]) -> dict[tuple[str, str], V]:
        """A table keyed by (relation, direction) with its relations spoken (``relation_paths.StepLabels``,
        the first steps out of an anchor)."""
        return {(self.say(rel), d): value for (rel, d), value in steps.items()}

    def lines(self) -> list[str]:
        """The wording as the lines of its file, sorted by relation."""
        return [f"{rel}\t{phrase}" for rel, phrase in sorted(self.phrases.items())]


NONE = Wording()
"""The wording of a graph whose owner has stated none: every relation is read by its name."""


def parse(lines: Iterable[str], *, path: str, relations: Collection[str] | None = None) -> Wording:
    """A wording from the lines of its file: ``relation<TAB>phrase`` (or spaces after the relation),
    ``#`` comments and blank lines skipped.

    Raises:
        InputError: naming the file and line, for a line without a phrase, a phrase of no words or of
            more than ``MAX_WORDS``, a relation given twice, or (with ``relations``, the graph's) a
            relation the graph lacks, with the closest names.
    """
    phrases: dict[str, str] = {}
    known = frozenset(relations) if relations is not None else None
    for n, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 1)
        if len(parts) < 2:
            raise InputError(
                f"no phrase after the relation {parts[0]!r}",
                path=path,
                line=n,
                hint="write the relation, a tab, then how people say it (e.g. 'registered_by<TAB>bred by')",
            )
        relation, phrase = parts[0], parts[1].strip()
        words = _WORD.findall(phrase.lower())
        if not words or len(words) > MAX_WORDS:
            raise InputError(
                f"the phrase for {relation!r} has {len(words)} words",
                path=path,
                line=n,
                hint=f"give 1 to {MAX_WORDS} words, the ones people use most",
            )
        if relation in phrases:
            raise InputError(f"{relation!r} is given twice", path=path, line=n, hint="keep one phrase")
        if known is not None and relation not in known:
            close = suggest(relation, sorted(known))
            raise InputError(
                f"the graph has no relation {relation!r}",
                path=path,
                line=n,
                hint=f"did you mean: {', '.join(close)}?" if close else "see `kgr graph schema`",
            )
        phrases[relation] = phrase
    return Wording(phrases)


def read(file: Path, relations: Collection[str] | None = None) -> Wording:
    """``parse`` a wording file (UTF-8)."""
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the wording: {exc.strerror or exc}", path=str(file)) from exc
    except UnicodeDecodeError as exc:
        raise InputError("the wording is not UTF-8 text", path=str(file)) from exc
    return parse(text.splitlines(), path=str(file), relations=relations)


def saved_path(settings: Settings, backend: str, graph: str) -> Path:
    """Where ``kgr graph words`` keeps the wording of one graph (under the kgreason home)."""
    return settings.home / "words" / f"{backend}-{graph}.tsv"


def for_graph(
    store: GraphStore, relations: Collection[str], file: str | None = None, settings: Settings | None = None
) -> Wording:
    """The wording a strategy reads the graph of ``store`` with (``relations``: the graph's): ``file``
    when given, else the saved one, else ``NONE``. Relations the graph no longer has are an error in
    ``file`` and ignored in the saved one (it was checked when saved; a reload may have dropped one)."""
    if file:
        return read(Path(file).expanduser(), relations)
    path = saved_path(settings or Settings.from_env(), store.backend, store.graph)
    if not path.is_file():
        return NONE
    saved = read(path)
    return Wording({rel: p for rel, p in saved.phrases.items() if rel in relations})
