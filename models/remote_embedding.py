"""Embeddings from an OpenAI-compatible `/v1/embeddings` server (office mode), with the `openai` client.

Same narrow contract as every embedder (sillok.foundation.protocols.Embedder), so the pipeline, the
shared index and retrieval use it unchanged. Servers: llama.cpp's `llama-server --embeddings --pooling mean`, llama-cpp-python's
`python -m llama_cpp.server --embedding true` (a pooled model), vLLM, Ollama's /v1, Infinity, TEI.

Why the plain `openai` client: it is the one OpenAI-compatible client every office server speaks to, and
it sends text as it is (wrappers that count tokens with tiktoken need a download and send token ids
that non-OpenAI servers refuse). Vectors come as floats (`encoding_format="float"`): not every server
implements base64.

The key (which vectors these are) is built from the *model name* and the passage prefix, never from
the address: the same model behind a new address makes the same vectors, and two models never share a
key, so their vectors never mix (the local and the office index keep one vector set per key). The server does not say reliably which model it runs (llama-cpp-python reports a file path, or
whatever alias it was given), so the model name is a required setting: give each model its own name.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from sillok.foundation.errors import SillokError
from sillok.foundation.servers import RemoteUnavailable, TokenRefused, classify, openai_base_url, reason
from sillok.models.embedding import prefixes_for

SERVER_LABEL = "Office embedding server"
KEPT = "nothing was written to the index"


class RemoteEmbedder:
    """Vectors from the embedding server at `url` for `model` (L2-normalised, float32)."""

    def __init__(self, url: str, model: str, token: str | None = None, *, query_prefix: str | None = None,
                 passage_prefix: str | None = None, batch_size: int = 32, timeout: float = 60.0,
                 retries: int = 2) -> None:
        model = model.strip()
        if not model:
            raise SillokError(
                "embedding_server_model is empty: set it to the name of the model the embedding server runs "
                "(it keeps the vectors of different models apart), e.g. multilingual-e5-small"
            )
        self.url, self.base_url = url, openai_base_url(url)
        self.name, self.source = model, url
        self.query_prefix, self.passage_prefix = prefixes_for(model, query_prefix, passage_prefix)
        self.batch_size = max(1, batch_size)
        self.token, self.timeout, self.retries = token, timeout, retries
        self.key = hashlib.sha1(f"openai-server|{model}|{self.passage_prefix}".encode()).hexdigest()[:10]
        self._client: Any = None
        self._dim: int | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, s: Any) -> RemoteEmbedder:
        from sillok.foundation.secrets import read_token

        return cls(s.embedding_server_url, s.embedding_server_model, read_token(s.embedding_server_url).token,
                   query_prefix=s.embedding_query_prefix, passage_prefix=s.embedding_passage_prefix,
                   batch_size=s.embedding_batch_size, timeout=s.server_timeout_s)

    @property
    def model(self) -> Any:
        """The `openai` client (made on first use; no request is sent until then)."""
        with self._lock:
            if self._client is None:
                import openai

                self._client = openai.OpenAI(base_url=self.base_url, api_key=self.token or "none",
                                             timeout=self.timeout, max_retries=self.retries)
            return self._client

    @property
    def loaded(self) -> bool:
        return self._client is not None

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self.embed_query("dimension").shape[0])
        return self._dim

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self.query_prefix + text])[0]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts])

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim or 0), dtype=np.float32)
        raw: list[list[float]] = []
        try:
            for i in range(0, len(texts), self.batch_size):
                res = self.model.embeddings.create(model=self.name, input=texts[i : i + self.batch_size],
                                                   encoding_format="float")
                raw += [list(d.embedding) for d in sorted(res.data, key=lambda d: d.index)]
        except Exception as exc:
            raise self._error(exc) from exc
        try:
            vecs = np.asarray(raw, dtype=np.float32)
        except ValueError:
            vecs = np.zeros(0)
        if vecs.ndim != 2 or vecs.shape[0] != len(texts) or vecs.shape[1] == 0:
            raise SillokError(
                f"{SERVER_LABEL} at {self.url} did not return one vector per text (it returned one per token?): "
                "start it with pooling — llama.cpp `llama-server --embeddings --pooling mean`, or for "
                "llama-cpp-python `--embedding true` with a model that has a pooling type "
                "(`--kv_overrides <arch>.pooling_type=int:1` adds mean pooling to one that has none)"
            )
        if self._dim is not None and vecs.shape[1] != self._dim:
            raise SillokError(f"{SERVER_LABEL} at {self.url} changed its vector size ({self._dim} → "
                              f"{vecs.shape[1]}): another model now runs there under the name {self.name!r}; "
                              "give it its own name in Settings")
        self._dim = int(vecs.shape[1])
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        return vecs / np.where(norms > 0, norms, 1.0)

    def _error(self, exc: BaseException) -> SillokError:
        import openai

        kind = classify(exc)
        if kind == "auth":
            return TokenRefused(SERVER_LABEL, self.url)
        if isinstance(exc, openai.APIStatusError) and exc.status_code in (404, 405):
            return SillokError(f"{SERVER_LABEL} at {self.url} does not serve /v1/embeddings (HTTP "
                               f"{exc.status_code}); check the address, or start the server with embeddings on")
        if isinstance(exc, openai.APIStatusError) and exc.status_code == 500:
            return SillokError(f"{SERVER_LABEL} at {self.url} failed (HTTP 500: {str(exc)[:200]}); is it "
                               "started as an embedding server (e.g. llama_cpp.server --embedding true)?")
        if kind == "down":
            why = reason(exc) + (f", {self.retries + 1} attempts" if self.retries else "")
            return RemoteUnavailable(SERVER_LABEL, self.url, why, kept=KEPT)
        if isinstance(exc, openai.APIStatusError):
            return SillokError(f"{SERVER_LABEL} at {self.url} refused the request (HTTP {exc.status_code}: "
                               f"{str(exc)[:200]})")
        if isinstance(exc, SillokError):
            return exc
        return SillokError(f"{SERVER_LABEL} at {self.url}: {type(exc).__name__}: {exc}")
