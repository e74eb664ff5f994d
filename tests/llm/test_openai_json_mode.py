"""``json_mode="auto"`` of the ``openai`` backend against a real llama.cpp HTTP server.

llama.cpp's own server (``xllamacpp.Server`` listening on a free port, the bundled SmolLM2-135M, loaded once
for this module) sits behind a small recording proxy: it forwards ``POST /v1/chat/completions`` unchanged
and records every request (method, path, body, headers). The proxy's ``GET /v1/models`` either forwards too
(llama.cpp answers ``owned_by: "llamacpp"``), answers like vLLM (``owned_by: "vllm"``), answers 404, or
answers something that is not JSON.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

from kgreason.llm import ChatRequest
from kgreason.llm.openai_compat import OpenAIChatModel, OpenAIOptions

SCHEMA = {
    "type": "object",
    "properties": {"colour": {"type": "string", "enum": ["red", "green", "blue"]}},
    "required": ["colour"],
    "additionalProperties": False,
}
KEY = "sk-json-mode-test"


@dataclass
class Seen:
    """One request the proxy received."""

    method: str
    path: str
    body: dict[str, Any] | None
    headers: dict[str, str]


@dataclass
class Proxy:
    url: str
    seen: list[Seen] = field(default_factory=list)

    def probes(self) -> int:
        return sum(1 for s in self.seen if s.method == "GET" and s.path.rstrip("/").endswith("/models"))

    def posts(self) -> list[dict[str, Any]]:
        return [s.body for s in self.seen if s.method == "POST" and s.body is not None]


@pytest.fixture(scope="module")
def llama_url() -> Iterator[str]:
    """llama.cpp's HTTP server with the bundled model: one slot, small context, one thread."""
    import xllamacpp

    from kgreason.config import Settings
    from kgreason.llm.models import resolve

    params = xllamacpp.CommonParams()
    params.model.path = str(resolve("smollm2-135m", Settings.from_env().models_dir))
    params.n_parallel = 1
    params.n_ctx = 1024
    params.cpuparams.n_threads = 1
    params.cpuparams_batch.n_threads = 1
    params.cpuparams.poll = 0
    params.cpuparams_batch.poll = 0
    params.warmup = False
    params.port = 0
    params.verbosity = -1
    server = xllamacpp.Server(params)
    url = str(server.listening_address)
    yield url if url.startswith("http") else "http://" + url
    del server  # the binding frees the model when the server object goes


def _handler(upstream: str, models: str, proxy: Proxy, lock: threading.Lock) -> type[BaseHTTPRequestHandler]:
    target = urlsplit(upstream)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _reply(self, status: int, raw: bytes, ctype: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _forward(self, method: str, body: bytes | None) -> None:
            conn = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=300)
            conn.request(method, self.path, body=body, headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            status, payload = resp.status, resp.read()
            conn.close()
            self._reply(status, payload)

        def _record(self, method: str, body: bytes | None) -> None:
            with lock:
                parsed = json.loads(body) if body else None
                proxy.seen.append(Seen(method, self.path, parsed, dict(self.headers)))

        def do_GET(self) -> None:
            self._record("GET", None)
            if not self.path.rstrip("/").endswith("/models"):
                self._reply(404, b'{"error": {"message": "not found"}}')
            elif models == "forward":
                self._forward("GET", None)
            elif models == "vllm":
                listing = {
                    "object": "list",
                    "data": [{"id": "smollm2", "object": "model", "owned_by": "vllm"}],
                }
                self._reply(200, json.dumps(listing).encode())
            elif models == "not-json":
                self._reply(200, b"<html>hello</html>", "text/html")
            else:
                self._reply(404, b'{"error": {"message": "not found"}}')

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._record("POST", body)
            self._forward("POST", body)

    return Handler


@pytest.fixture
def proxy(llama_url: str) -> Iterator[Callable[[str], Proxy]]:
    """``proxy(models)``: a recording proxy in front of llama.cpp; ``models`` says how it answers /models."""
    servers: list[ThreadingHTTPServer] = []

    def start(models: str) -> Proxy:
        out = Proxy("")
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(llama_url, models, out, threading.Lock()))
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        out.url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
        return out

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def _model(url: str, **opts: Any) -> OpenAIChatModel:
    return OpenAIChatModel(
        "smollm2", options=OpenAIOptions(base_url=url, timeout_s=120, max_retries=0, **opts), api_key=KEY
    )


def test_auto_is_the_default_and_picks_grammar_on_llamacpp(proxy: Callable[[str], Proxy]) -> None:
    endpoint = proxy("forward")
    model = _model(endpoint.url)
    try:
        assert OpenAIOptions().json_mode == "auto"
        assert model.info()["json_mode"] == "auto"
        result = model.chat("Pick a colour for the sky.", json_schema=SCHEMA, max_tokens=24, seed=1)
        assert model.info()["json_mode"] == "auto (grammar: llama.cpp server)"
    finally:
        model.close()
    assert result.data["colour"] in ("red", "green", "blue")
    assert "\n" not in result.text, result.text
    assert endpoint.probes() == 1
    probe = next(s for s in endpoint.seen if s.method == "GET")
    assert probe.path == "/v1/models" and probe.headers.get("Authorization") == f"Bearer {KEY}"
    sent = endpoint.posts()[-1]
    assert sent["grammar"].startswith("%llguidance") and "response_format" not in sent
    assert KEY not in json.dumps(model.info())


def test_auto_picks_json_schema_elsewhere(proxy: Callable[[str], Proxy]) -> None:
    """An endpoint whose models are owned by vLLM gets the standard ``response_format``."""
    endpoint = proxy("vllm")
    model = _model(endpoint.url)
    try:
        result = model.chat("Pick a colour for grass.", json_schema=SCHEMA, max_tokens=24, seed=1)
        assert model.info()["json_mode"] == "auto (json_schema)"
    finally:
        model.close()
    assert result.data["colour"] in ("red", "green", "blue")
    sent = endpoint.posts()[-1]
    assert "grammar" not in sent
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"] == SCHEMA
    assert endpoint.probes() == 1


@pytest.mark.parametrize("models", ["404", "not-json"])
def test_failed_probe_falls_back_to_json_schema_once(proxy: Callable[[str], Proxy], models: str) -> None:
    """/models answering 404 (or not JSON): json_schema, no error; one probe for concurrent requests."""
    endpoint = proxy(models)
    model = _model(endpoint.url, concurrency=4)
    words = ("alpha", "beta", "gamma", "delta")
    reqs = [
        ChatRequest.create(f"Say {w}.", json_schema={"type": "string", "enum": [w]}, max_tokens=8)
        for w in words
    ]
    try:
        out = model.chat_many(reqs)
        again = model.chat("Pick a colour.", json_schema=SCHEMA, max_tokens=24, seed=1)
        assert model.info()["json_mode"] == "auto (json_schema)"
    finally:
        model.close()
    assert [r.data for r in out] == list(words)
    assert again.data["colour"] in ("red", "green", "blue")
    assert endpoint.probes() == 1
    posts = endpoint.posts()
    assert len(posts) == 5 and all(p["response_format"]["type"] == "json_schema" for p in posts)


@pytest.mark.parametrize("mode", ["grammar", "json_schema"])
def test_explicit_mode_sends_no_probe(proxy: Callable[[str], Proxy], mode: str) -> None:
    endpoint = proxy("forward")
    model = _model(endpoint.url, json_mode=mode)
    try:
        assert model.info()["json_mode"] == mode
        result = model.chat("Pick a colour.", json_schema=SCHEMA, max_tokens=24, seed=1)
        assert model.info()["json_mode"] == mode
    finally:
        model.close()
    assert result.data["colour"] in ("red", "green", "blue")
    assert endpoint.probes() == 0
    sent = endpoint.posts()[-1]
    assert ("grammar" in sent) == (mode == "grammar")
    assert ("response_format" in sent) == (mode == "json_schema")


def test_no_probe_without_a_schema(proxy: Callable[[str], Proxy]) -> None:
    endpoint = proxy("forward")
    model = _model(endpoint.url)
    try:
        model.chat("Say hi.", max_tokens=4)
        assert model.info()["json_mode"] == "auto"
    finally:
        model.close()
    assert endpoint.probes() == 0 and len(endpoint.posts()) == 1
