"""Backends by name through the registry, and the import-time lightness of the LLM layer."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kgreason import registry
from kgreason.config import Settings
from kgreason.errors import NotFoundError
from kgreason.llm import ChatModel, backend_names, create_chat_model
from kgreason.llm.llamacpp import LlamaCppChatModel

HEAVY = ("xllamacpp", "transformers", "torch", "vllm", "langchain_core")


def test_builtin_backends_are_registered() -> None:
    names = set(backend_names())
    assert {"llamacpp", "openai", "vllm", "transformers", "langchain"} <= names
    assert registry.load("kgreason.llm_backends", "llamacpp") is LlamaCppChatModel


def test_default_backend_is_llamacpp_and_lazy(settings: Settings) -> None:
    model = create_chat_model(settings=settings)
    assert isinstance(model, LlamaCppChatModel) and isinstance(model, ChatModel)
    assert model.model_id == "smollm2-135m"


def test_unknown_backend_suggests(settings: Settings) -> None:
    with pytest.raises(NotFoundError) as info:
        create_chat_model("lamacpp", settings=settings)
    assert "llamacpp" in info.value.suggestions


def test_importing_the_llm_layer_and_backends_loads_no_heavy_module() -> None:
    code = (
        "import sys, json\nimport kgreason.cli.app, kgreason.llm\n"
        "from kgreason.llm import llamacpp, openai_compat, vllm_backend\n"
        "from kgreason.llm import transformers_backend, langchain_backend\n"
        "from kgreason.llm import create_chat_model\n"
        "create_chat_model('llamacpp')\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    loaded = {m.split(".")[0] for m in json.loads(out.strip().splitlines()[-1])}
    assert not loaded & set(HEAVY)
