"""Link-prediction data sets: the Nations/Kinships/UMLS benchmarks, a directory of splits, or a store.

A ``KGDataset`` holds integer triples (``[n, 3]`` arrays of head, relation, tail indexes) for the
``train``, ``valid`` and ``test`` splits, with the entity and relation names behind the indexes. The three
small benchmarks are read from the files inside the ``pykeen`` wheel (``pykeen/datasets/<name>/*.txt``),
located without importing pykeen (its dependencies are not needed). A directory with ``train.txt``,
``valid.txt`` and ``test.txt`` (tab-separated head, relation, tail) works the same way. A graph store is
split at random (seeded) into the three parts, for ``kgr train linkpred``.
"""

from __future__ import annotations

import importlib.util
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from kgreason.errors import InputError, NotFoundError

BENCHMARKS = ("nations", "kinships", "umls")
SPLITS = ("train", "valid", "test")

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class KGDataset:
    """Integer triples per split, and the names behind the indexes."""

    name: str
    entities: tuple[str, ...]
    relations: tuple[str, ...]
    train: IntArray
    valid: IntArray
    test: IntArray

    @property
    def num_entities(self) -> int:
        return len(self.entities)

    @property
    def num_relations(self) -> int:
        return len(self.relations)

    def split(self, name: str) -> IntArray:
        if name not in SPLITS:
            raise ValueError(f"unknown split {name!r}")
        arr: IntArray = getattr(self, name)
        return arr

    def summary(self) -> dict[str, int | str]:
        return {
            "dataset": self.name,
            "entities": self.num_entities,
            "relations": self.num_relations,
            "train": len(self.train),
            "valid": len(self.valid),
            "test": len(self.test),
        }


def pykeen_dataset_dir(name: str) -> Path:
    """The directory of a benchmark bundled in the ``pykeen`` wheel, found without importing pykeen."""
    spec = importlib.util.find_spec("pykeen")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise NotFoundError("dataset package", "pykeen", [])
    folder = Path(locations[0]) / "datasets" / name
    if not (folder / "train.txt").is_file():
        raise NotFoundError("dataset", name, list(BENCHMARKS))
    return folder


def _read_split(path: Path) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", path=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 ({exc.reason})", path=str(path)) from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 3 or not all(p.strip() for p in parts):
            raise InputError("expected head<TAB>relation<TAB>tail", path=str(path), line=number)
        rows.append((parts[0].strip(), parts[1].strip(), parts[2].strip()))
    return rows


def from_triples(name: str, splits: Sequence[Iterable[tuple[str, str, str]]]) -> KGDataset:
    """Index named triples given as (train, valid, test); indexes follow sorted names."""
    materialised = [list(s) for s in splits]
    entities = sorted({x for s in materialised for h, _, t in s for x in (h, t)})
    relations = sorted({r for s in materialised for _, r, _ in s})
    e_index = {e: i for i, e in enumerate(entities)}
    r_index = {r: i for i, r in enumerate(relations)}
    arrays = [
        np.array([(e_index[h], r_index[r], e_index[t]) for h, r, t in s], dtype=np.int64).reshape(-1, 3)
        for s in materialised
    ]
    return KGDataset(name, tuple(entities), tuple(relations), arrays[0], arrays[1], arrays[2])


def load_dataset(name_or_dir: str) -> KGDataset:
    """``nations``, ``kinships``, ``umls`` (from the pykeen wheel) or a directory of ``{split}.txt`` files."""
    if name_or_dir.lower() in BENCHMARKS:
        folder = pykeen_dataset_dir(name_or_dir.lower())
        name = name_or_dir.lower()
    else:
        folder = Path(name_or_dir)
        if not folder.is_dir():
            raise NotFoundError("dataset", name_or_dir, list(BENCHMARKS))
        name = folder.name
    return from_triples(name, [_read_split(folder / f"{s}.txt") for s in SPLITS])


def split_triples(
    name: str,
    triples: Iterable[tuple[str, str, str]],
    *,
    valid: float = 0.05,
    test: float = 0.05,
    seed: int = 0,
) -> KGDataset:
    """A random (seeded) train/valid/test split of a graph's triples.

    Held-out triples whose head or tail does not occur in training are moved back to training, so every
    evaluated entity has a learned representation.
    """
    rows = sorted(set(triples))
    random.Random(seed).shuffle(rows)
    n_valid, n_test = int(len(rows) * valid), int(len(rows) * test)
    held_valid, held_test, train = rows[:n_valid], rows[n_valid : n_valid + n_test], rows[n_valid + n_test :]
    seen = {x for h, _, t in train for x in (h, t)}
    seen_rel = {r for _, r, _ in train}

    def keep(part: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
        kept = []
        for row in part:
            if row[0] in seen and row[2] in seen and row[1] in seen_rel:
                kept.append(row)
            else:
                train.append(row)
        return kept

    return from_triples(name, [train, keep(held_valid), keep(held_test)])
