"""Resolving what people type to drug ids: ids, names, brand names and synonyms, in any case.

Tiers, first match wins: the exact id; the id, name, a brand or a synonym compared case- and
accent-insensitively with ``_``/``-`` read as spaces; the same after dropping a trailing salt or form
word (``metformin hydrochloride``, ``warfarin sodium``). A typo is never resolved silently: an
unambiguous one (one edit away from exactly one drug's name, and no other drug within two edits; names of
five letters or more) is corrected and marked ``corrected`` so that the caller shows it; any other unknown
name gets up to three suggestions (close ids, names, brands or synonyms by edit similarity). A name that
two drugs share resolves to neither: it is ``ambiguous``, with both drugs as suggestions.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_SALTS = frozenset(
    "hydrochloride hcl sodium potassium calcium magnesium sulfate sulphate maleate mesylate besylate "
    "tartrate succinate citrate phosphate acetate bromide fumarate hyclate monohydrate dihydrate "
    "trihydrate er xr sr cr la xl tablets tablet capsules capsule".split()
)


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, accents removed, ``_``/``-``/punctuation as single spaces."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = text.replace("'", "").replace("’", "")
    return " ".join(re.sub(r"[^a-z0-9+]+", " ", text).split())


def strip_salt(folded: str) -> str:
    words = folded.split()
    while len(words) > 1 and words[-1] in _SALTS:
        words.pop()
    return " ".join(words)


@dataclass(frozen=True)
class Resolved:
    """What one input resolved to: ``id`` is ``None`` when unknown (see ``suggestions``)."""

    input: str
    id: str | None
    name: str = ""
    method: str = ""
    """``id``, ``name``, ``salt``, ``corrected`` (a typo one edit from one drug), ``ambiguous`` or ``""``."""
    suggestions: tuple[str, ...] = ()

    @property
    def corrected(self) -> bool:
        return self.method == "corrected"

    @property
    def reason(self) -> str:
        """Why an unresolved input is unresolved: ``ambiguous`` or ``unknown``."""
        return "ambiguous" if self.method == "ambiguous" else "unknown"


class DrugNames:
    """An index of drug names.

    Args:
        entries: ``(id, name, aliases)`` per drug; aliases are brands and synonyms.
    """

    def __init__(self, entries: Iterable[tuple[str, str, Iterable[str]]]) -> None:
        self.names: dict[str, str] = {}
        self._keys: dict[str, str] = {}
        self._ambiguous: dict[str, tuple[str, ...]] = {}
        owners: dict[str, set[str]] = {}
        ambiguous: set[str] = set()
        for drug_id, name, aliases in entries:
            self.names[drug_id] = name
            for text in (drug_id, name, *aliases):
                key = fold(text)
                if not key:
                    continue
                owner = self._keys.setdefault(key, drug_id)
                owners.setdefault(key, set()).add(drug_id)
                if owner != drug_id and fold(drug_id) != key and fold(name) != key:
                    ambiguous.add(key)
        # an alias shared by two drugs resolves to neither (unless it is one drug's own id or name)
        for key in ambiguous:
            own = [d for d, n in self.names.items() if key in (fold(d), fold(n))]
            if own:
                self._keys[key] = own[0]
            else:
                del self._keys[key]
                self._ambiguous[key] = tuple(sorted(owners[key]))

    def __len__(self) -> int:
        return len(self.names)

    def lookup(self, text: str) -> tuple[str, str] | None:
        """``(id, method)`` for ``text`` or ``None``."""
        if text in self.names:
            return text, "id"
        key = fold(text)
        if key in self._keys:
            return self._keys[key], "name"
        bare = strip_salt(key)
        if bare != key and bare in self._keys:
            return self._keys[bare], "salt"
        return None

    def resolve(self, text: str, *, correct: bool = True) -> Resolved:
        """What ``text`` names; with ``correct``, an unambiguous typo is corrected (method ``corrected``)."""
        found = self.lookup(text.strip())
        if found is not None:
            drug_id, method = found
            return Resolved(text, drug_id, self.names[drug_id], method)
        key = strip_salt(fold(text))
        if key in self._ambiguous:
            return Resolved(text, None, method="ambiguous", suggestions=self._ambiguous[key])
        if correct:
            fixed = self.correction(text)
            if fixed is not None:
                return Resolved(text, fixed, self.names[fixed], "corrected", (fixed,))
        return Resolved(text, None, suggestions=tuple(self.suggest(text)))

    def correction(self, text: str) -> str | None:
        """The one drug ``text`` is an unambiguous misspelling of, else ``None``.

        Unambiguous: the folded input has five characters or more, is one edit (insertion, deletion,
        substitution or adjacent transposition) from a name of exactly one drug, and no other drug has a
        name within two edits. Stereoisomer pairs (escitalopram/citalopram, eszopiclone/zopiclone) are
        two edits apart, so a missing drug is never "corrected" into its relative.
        """
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        key = strip_salt(fold(text))
        if len(key) < 5:
            return None
        near = process.extract(key, self._long_keys, scorer=OSA.distance, score_cutoff=2, limit=None)
        close = {self._keys[m] for m, d, _ in near if d <= 1}
        if len(close) != 1 or len({self._keys[m] for m, _d, _ in near}) != 1:
            return None
        return close.pop()

    @functools.cached_property
    def _long_keys(self) -> list[str]:
        return [k for k in self._keys if len(k) >= 5]

    def suggest(self, text: str, n: int = 3) -> list[str]:
        """Up to ``n`` drug ids whose id, name or alias is close to ``text``."""
        from rapidfuzz import fuzz, process

        key = strip_salt(fold(text))
        if not key:
            return []
        hits = process.extract(key, list(self._keys), scorer=fuzz.ratio, limit=20, score_cutoff=70)
        out: list[str] = []
        for match, _score, _ in hits:
            drug_id = self._keys[match]
            if drug_id not in out:
                out.append(drug_id)
        return out[:n]
