"""The ``openai`` backend against a real OpenAI-compatible HTTP server on localhost.

The server is a small ``http.server`` that forwards ``POST /v1/chat/completions`` to the bundled model's
``xllamacpp`` server (``handle_chat_completions``), so requests and replies are real; it can be told to
fail the next requests with 429/500 to exercise the retries.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from kgreason.config import Settings
from kgreason.errors import ConfigError, LLMError
from kgreason.llm import ChatRequest, create_chat_model
from kgreason.llm.cache import ResponseCache
from kgreason.llm.llamacpp import LlamaCppChatModel
from kgreason.llm.openai_compat import OpenAIChatModel, OpenAIOptions, api_key_from_env, build_body
from kgreason.testing.llm_contract import ChatModelContract, ModelFactory

SCHEMA = {
    "type": "object",
    "properties": {"colour": {"type": "string", "enum": ["red", "green", "blue"]}},
    "required": ["colour"],
    "additionalProperties": False,
}


class Backend:
    """State shared with the handler: the llama.cpp server, injected failures and what was received."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.fail: list[tuple[int, dict[str, str]]] = []
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.lock = threading.Lock()


def make_handler(backend: Backend) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            raw = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with backend.lock:
                backend.requests.append(body)
                backend.headers.append(dict(self.headers))
                failure = backend.fail.pop(0) if backend.fail else None
            if self.path != "/v1/chat/completions":
                self._send(404, {"error": {"message": "not found"}})
            elif failure is not None:
                self._send(failure[0], {"error": {"message": f"injected {failure[0]}"}}, failure[1])
            elif self.headers.get("Authorization") != "Bearer sk-test-secret":
                self._send(401, {"error": {"message": "bad key"}})
            else:
                forwarded = {k: v for k, v in body.items() if k != "model"}
                reply = backend.server.handle_chat_completions(forwarded)
                self._send(200, reply)

    return Handler


@pytest.fixture(scope="module")
def endpoint(smol: LlamaCppChatModel) -> Iterator[tuple[str, Backend]]:
    backend = Backend(smol.server())
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(backend))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1", backend
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def client(endpoint: tuple[str, Backend], monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIChatModel]:
    url, backend = endpoint
    backend.fail.clear()
    monkeypatch.setenv("KGR_OPENAI_API_KEY", "sk-test-secret")
    model = OpenAIChatModel(
        "smollm2", options=OpenAIOptions(base_url=url, backoff_s=0.01, max_retries=3, timeout_s=120)
    )
    yield model
    model.close()


def test_structured_reply_over_http(client: OpenAIChatModel, endpoint: tuple[str, Backend]) -> None:
    result = client.chat("Pick a colour for the sky.", json_schema=SCHEMA, max_tokens=24, seed=1)
    assert result.data["colour"] in ("red", "green", "blue")
    assert result.prompt_tokens > 0 and result.completion_tokens > 0 and result.backend == "openai"
    sent = endpoint[1].requests[-1]
    assert sent["model"] == "smollm2"
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"] == SCHEMA


def test_retries_on_429_and_500(client: OpenAIChatModel, endpoint: tuple[str, Backend]) -> None:
    backend = endpoint[1]
    backend.fail.extend([(429, {"Retry-After": "0"}), (500, {}), (503, {})])
    waits: list[float] = []
    client.sleep = waits.append
    n_before = len(backend.requests)
    result = client.chat("Pick a colour.", json_schema=SCHEMA, max_tokens=24)
    assert result.data["colour"] in ("red", "green", "blue")
    assert len(backend.requests) - n_before == 4
    assert waits[0] == 0.0  # Retry-After honoured
    assert waits[2] > waits[1] > 0  # exponential backoff
    assert client.meter.calls == 1  # retries are one logical call


def test_gives_up_after_max_retries(client: OpenAIChatModel, endpoint: tuple[str, Backend]) -> None:
    endpoint[1].fail.extend([(500, {})] * 4)
    client.sleep = lambda s: None
    with pytest.raises(LLMError, match="after 4 attempts: HTTP 500"):
        client.chat("hi", max_tokens=4)


def test_bad_key_is_a_config_error_and_never_printed(
    endpoint: tuple[str, Backend], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KGR_OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong-secret")
    model = OpenAIChatModel("smollm2", options=OpenAIOptions(base_url=endpoint[0], max_retries=0))
    with pytest.raises(ConfigError) as info:
        model.chat("hi", max_tokens=4)
    shown = f"{info.value.message} {info.value.hint} {model!r} {model.info()} {model.options!r}"
    assert "sk-wrong-secret" not in shown
    assert model.info()["api_key_set"] is True


def test_chat_many_runs_concurrently_and_keeps_order(client: OpenAIChatModel) -> None:
    reqs = [
        ChatRequest.create(f"Answer {w}.", json_schema={"type": "string", "enum": [w]}, max_tokens=8)
        for w in ("alpha", "beta", "gamma", "delta")
    ]
    out = client.chat_many(reqs)
    assert [r.data for r in out] == ["alpha", "beta", "gamma", "delta"]


def test_factory_builds_openai_with_options(settings: Settings, endpoint: tuple[str, Backend]) -> None:
    model = create_chat_model("openai", settings=settings, model="smollm2", options={"base_url": endpoint[0]})
    assert isinstance(model, OpenAIChatModel) and model.options.base_url == endpoint[0]
    with pytest.raises(ConfigError, match="base_ur"):
        create_chat_model("openai", settings=settings, options={"base_ur": "x"})


def test_grammar_mode_gets_compact_json(endpoint: tuple[str, Backend], monkeypatch: Any) -> None:
    """json_mode=grammar: the schema goes as llama.cpp's LLGuidance ``grammar``, whitespace fixed."""
    url, backend = endpoint
    backend.fail.clear()
    monkeypatch.setenv("KGR_OPENAI_API_KEY", "sk-test-secret")
    schema = {
        "type": "object",
        "properties": {"colours": {"type": "array", "items": SCHEMA, "minItems": 2, "maxItems": 2}},
        "required": ["colours"],
        "additionalProperties": False,
    }
    model = OpenAIChatModel("smollm2", options=OpenAIOptions(base_url=url, json_mode="grammar"))
    try:
        result = model.chat("Two colours, as JSON.", json_schema=schema, max_tokens=60, seed=1)
    finally:
        model.close()
    sent = backend.requests[-1]
    assert "response_format" not in sent and sent["grammar"].startswith("%llguidance")
    assert len(result.data["colours"]) == 2
    assert "\n" not in result.text and "  " not in result.text, result.text


def test_body_and_key_lookup() -> None:
    req = ChatRequest.create("x", json_schema=SCHEMA, max_tokens=5, seed=2, stop=["\n"])
    body = build_body("m", req, "prompt")
    assert "response_format" not in body and body["messages"][0]["role"] == "system"
    assert body["seed"] == 2 and body["stop"] == ["\n"] and body["max_tokens"] == 5
    assert api_key_from_env({"OPENAI_API_KEY": "b"}) == "b"
    assert api_key_from_env({"KGR_OPENAI_API_KEY": "a", "OPENAI_API_KEY": "b"}) == "a"
    assert api_key_from_env({}) is None


def test_kgr_ask_and_eval_reach_an_endpoint_given_by_llm_opt(
    settings: Settings, endpoint: tuple[str, Backend], monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """`kgr ask/eval qa --llm openai --llm-opt base_url=...` answer through the HTTP server."""
    from pathlib import Path

    from typer.testing import CliRunner

    from kgreason.cli.app import app

    url, backend = endpoint
    backend.fail.clear()
    monkeypatch.setenv("KGR_OPENAI_API_KEY", "sk-test-secret")
    family = Path(__file__).resolve().parents[2] / "examples" / "data" / "family.tsv"
    runner = CliRunner()
    assert runner.invoke(app, ["graph", "load", str(family), "--graph", "family"]).exit_code == 0
    before = len(backend.requests)
    llm = ["--llm", "openai", "--model", "smollm2", "--llm-opt", f"base_url={url}"]
    question = "Where is the company that alice works at located?"
    # one answer asked for, two reached: with llm_pick the model picks one of them, over HTTP
    pick = ["ask", "Name one child of alice.", "--graph", "family", "-o", "llm_pick=true", *llm, "--json"]
    r = runner.invoke(app, pick)
    assert r.exit_code == 0, r.output
    answer = json.loads(r.stdout)
    assert answer["answers"][0] in {"bob", "carol"} and answer["llm_calls"] == 1
    assert len(backend.requests) > before  # the model was reached over HTTP
    qa = tmp_path / "qa.jsonl"
    qa.write_text(json.dumps({"question": question, "answers": ["paris"], "topic_entity": "alice"}) + "\n")
    r = runner.invoke(app, ["eval", "qa", "--graph", "family", "--questions", str(qa), *llm, "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["hits@1"] == 1.0
    bad = runner.invoke(app, ["ask", question, "--graph", "family", "--llm-opt", "base_url"])
    assert bad.exit_code != 0


class TestOpenAIContract(ChatModelContract):
    """The ``ChatModel`` contract over the real local endpoint."""

    @pytest.fixture
    def model_factory(self, endpoint: tuple[str, Backend]) -> Iterator[ModelFactory]:
        endpoint[1].fail.clear()
        built: list[OpenAIChatModel] = []

        def build(cache: ResponseCache | None) -> OpenAIChatModel:
            options = OpenAIOptions(base_url=endpoint[0], max_retries=0, timeout_s=120)
            built.append(OpenAIChatModel("smollm2", options=options, api_key="sk-test-secret", cache=cache))
            return built[-1]

        yield build
        for model in built:
            model.close()
