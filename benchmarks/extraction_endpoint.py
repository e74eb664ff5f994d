"""A local OpenAI-compatible endpoint for the extraction benchmark, with a counting proxy in front.

llama.cpp's own HTTP server (``xllamacpp.Server`` with a port; it serves ``/v1/chat/completions``, honours
``response_format`` JSON schemas and tool calls through the model's chat template) runs in this process.
Every system under test talks to a small proxy that forwards each request to it unchanged and counts:
requests, prompt and completion tokens (from the replies' ``usage``), HTTP errors, and the time during which
at least one request was in flight (``busy_s``), so "time outside the LLM" = wall time - busy time.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit


class _Counter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.calls = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.errors = 0
        self.in_flight = 0
        self.busy_s = 0.0
        self._busy_since = 0.0

    def begin(self) -> None:
        with self.lock:
            if self.in_flight == 0:
                self._busy_since = time.perf_counter()
            self.in_flight += 1

    def end(self, status: int, reply: Any) -> None:
        with self.lock:
            self.in_flight -= 1
            if self.in_flight == 0:
                self.busy_s += time.perf_counter() - self._busy_since
            self.calls += 1
            if status != 200:
                self.errors += 1
            usage = reply.get("usage") if isinstance(reply, dict) else None
            if isinstance(usage, dict):
                self.prompt_tokens += int(usage.get("prompt_tokens") or 0)
                self.completion_tokens += int(usage.get("completion_tokens") or 0)


def _handler(upstream: str, counter: _Counter) -> type[BaseHTTPRequestHandler]:
    target = urlsplit(upstream)

    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _forward(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            counted = method == "POST" and self.path.rstrip("/").endswith("/chat/completions")
            if counted:
                counter.begin()
            status, payload, ctype = 502, b"{}", "application/json"
            try:
                conn = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=3600)
                headers = {"Content-Type": self.headers.get("Content-Type", "application/json")}
                conn.request(method, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                status, payload = resp.status, resp.read()
                ctype = resp.getheader("Content-Type", ctype)
                conn.close()
            finally:
                if counted:
                    try:
                        reply = json.loads(payload)
                    except ValueError:
                        reply = None
                    counter.end(status, reply)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self) -> None:
            self._forward("POST")

        def do_GET(self) -> None:
            self._forward("GET")

    return Proxy


class Endpoint:
    """``with Endpoint("smollm2-135m") as ep: ... ep.url`` -> ``http://127.0.0.1:PORT/v1``."""

    def __init__(
        self, model: str, *, parallel: int = 4, threads: int | None = None, ctx_per_slot: int = 4096
    ) -> None:
        self.model = model
        self.parallel = parallel
        self.threads = threads
        self.ctx_per_slot = ctx_per_slot
        self.counter = _Counter()
        self.load_s = 0.0
        self._server: Any = None
        self._httpd: ThreadingHTTPServer | None = None

    def __enter__(self) -> Endpoint:
        import xllamacpp

        from kgreason.config import Settings
        from kgreason.llm.llamacpp import auto_threads
        from kgreason.llm.models import resolve

        path = resolve(self.model, Settings.from_env().models_dir)
        threads = self.threads or auto_threads()  # 1 on a loaded 2-core box: stalls otherwise
        params = xllamacpp.CommonParams()
        params.model.path = str(path)
        params.n_parallel = self.parallel
        params.n_ctx = self.ctx_per_slot * self.parallel
        params.n_batch = 2048
        params.n_ubatch = 512
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
        params.cpuparams.poll = 0  # no busy-wait: behaves best on shared CPUs
        params.cpuparams_batch.poll = 0
        params.cont_batching = True
        params.warmup = False
        params.port = 0
        params.verbosity = -1
        start = time.perf_counter()
        self._server = xllamacpp.Server(params)
        self.load_s = time.perf_counter() - start
        upstream = str(self._server.listening_address)
        if not upstream.startswith("http"):
            upstream = "http://" + upstream
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(upstream, self.counter))
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def reset(self) -> None:
        with self.counter.lock:
            self.counter.reset()

    def usage(self) -> dict[str, Any]:
        c = self.counter
        with c.lock:
            return {
                "calls": c.calls,
                "prompt_tokens": c.prompt_tokens,
                "completion_tokens": c.completion_tokens,
                "errors": c.errors,
                "busy_s": c.busy_s,
            }

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        self._server = None  # the binding frees the model when the server object goes
