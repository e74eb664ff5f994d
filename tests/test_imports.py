"""`import kgreason` and `kgr --help` must stay light: no torch, transformers, xllamacpp, vllm."""

from __future__ import annotations

import subprocess
import sys

HEAVY = (
    "torch",
    "torch_geometric",
    "transformers",
    "xllamacpp",
    "vllm",
    "langchain_core",
    "sentence_transformers",
)


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    import json

    return set(json.loads(out.strip().splitlines()[-1]))


def test_import_kgreason_is_light() -> None:
    loaded = _loaded_after("import kgreason")
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}


def test_cli_help_is_light() -> None:
    code = (
        "import sys\nfrom kgreason.cli.app import app\n"
        "try:\n    app(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass"
    )
    loaded = _loaded_after(code)
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}
