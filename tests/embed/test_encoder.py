"""The numpy MiniLM encoder against real sentence-transformers output (a stored fixture)."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kgreason.embed import BertSentenceEncoder, TextEncoder, default_encoder, load_encoder
from kgreason.embed.bert import gelu
from kgreason.embed.model_files import REQUIRED_FILES, bundled_model_dir, check_model_dir
from kgreason.errors import ConfigError

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.npz"


@pytest.fixture(scope="module")
def reference() -> tuple[list[str], np.ndarray]:
    with np.load(REFERENCE) as data:
        return [str(s) for s in data["sentences"]], data["vectors"]


@pytest.fixture(scope="module")
def encoder() -> TextEncoder:
    return default_encoder()


@pytest.fixture(scope="module")
def encoded(encoder: TextEncoder, reference: tuple[list[str], np.ndarray]) -> np.ndarray:
    return encoder.encode(reference[0])


def test_matches_sentence_transformers(encoded: np.ndarray, reference: tuple[list[str], np.ndarray]) -> None:
    sentences, expected = reference
    got = encoded
    assert got.dtype == np.float32
    assert got.shape == expected.shape == (len(sentences), 384)
    cosines = (got * expected).sum(axis=1) / np.linalg.norm(expected, axis=1)
    assert cosines.min() >= 0.9999, dict(zip(sentences, cosines.tolist(), strict=True))


def test_rows_are_unit_length_and_in_input_order(encoder: TextEncoder) -> None:
    texts = ["a much longer sentence about directors and their films", "short", "medium length text"]
    together = encoder.encode(texts)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    one_by_one = np.stack([encoder.encode([t])[0] for t in texts])
    assert np.abs(together - one_by_one).max() < 1e-5  # padding and batching change nothing


def test_batch_size_does_not_change_results(
    encoder: TextEncoder, encoded: np.ndarray, reference: tuple[list[str], np.ndarray]
) -> None:
    short = [i for i, s in enumerate(reference[0]) if len(s) < 100][:9]
    again = encoder.encode([reference[0][i] for i in short], batch_size=3)
    assert np.abs(again - encoded[short]).max() < 1e-5


def test_empty_input_and_bad_arguments(encoder: TextEncoder) -> None:
    assert encoder.encode([]).shape == (0, encoder.dim)
    with pytest.raises(TypeError):
        encoder.encode("one string")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        encoder.encode(["x"], batch_size=0)


def test_long_text_is_truncated_to_max_seq_length(encoder: TextEncoder) -> None:
    assert isinstance(encoder, BertSentenceEncoder)
    assert encoder.max_seq_length == 256
    assert len(encoder.tokenize(["word " * 1000])[0]) == 256


def test_default_encoder_is_shared(encoder: TextEncoder) -> None:
    assert default_encoder() is encoder
    assert load_encoder() is encoder
    assert isinstance(encoder, TextEncoder)
    assert encoder.dim == 384


def test_user_supplied_model_dir(tmp_path: Path, encoder: TextEncoder) -> None:
    model = tmp_path / "my-minilm"
    model.mkdir()
    source = bundled_model_dir()
    for name in (*REQUIRED_FILES, "sentence_bert_config.json"):
        (model / name).symlink_to(source / name)
    mine = load_encoder(model)
    assert mine is not encoder
    text = ["Who directed Alien?"]
    assert np.abs(mine.encode(text) - encoder.encode(text)).max() < 1e-6


def test_incomplete_model_dir_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ConfigError, match="lacks"):
        check_model_dir(tmp_path)
    with pytest.raises(ConfigError, match="does not exist"):
        check_model_dir(tmp_path / "nope")


def test_gelu_matches_erf_definition() -> None:
    x = np.linspace(-8, 8, 4001, dtype=np.float32)
    exact = np.array([v * 0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x.astype(np.float64)])
    assert np.abs(gelu(x) - exact).max() < 1e-6


def test_importing_the_encoder_module_loads_no_model_libraries() -> None:
    probe = (
        "import sys, kgreason.embed\n"
        "heavy = {'torch', 'transformers', 'sentence_transformers', 'tokenizers', 'safetensors'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"


def test_parallel_batches_match_one_thread(encoder: TextEncoder) -> None:
    assert isinstance(encoder, BertSentenceEncoder)
    texts = [f"question number {i} about film {i % 7} and its director" for i in range(80)]  # > 512 tokens
    saved = encoder.threads
    try:
        encoder.threads = 1
        one = encoder.encode(texts, batch_size=16)
        encoder.threads = 3
        many = encoder.encode(texts, batch_size=16)
    finally:
        encoder.threads = saved
    assert np.abs(one - many).max() < 1e-6
