"""The office model server as a `ChatModel`: any OpenAI-compatible chat server (llama-cpp-python's
`python -m llama_cpp.server`, llama.cpp's `llama-server`, vLLM, Ollama's /v1).

Why the `openai` client directly, not LangChain: the answer path speaks plain `[{"role", "content"}]`
messages to every model (foundation.protocols.ChatModel); an adapter stack only converted them back and
forth. What an office needs on top of the client:
* a bounded retry before the first token (never after: a retried stream would repeat text);
* one clear `RemoteUnavailable` / `TokenRefused` message naming the address;
* a stream that closes its HTTP response when the caller stops reading (cancel), so the server stops
  generating instead of finishing an answer nobody reads.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import SillokError
from sillok.foundation.protocols import Messages
from sillok.foundation.servers import RemoteUnavailable, TokenRefused, classify, openai_base_url, reason

RETRY_BACKOFF_S = 0.5
LABEL = "Office model server"


class OfficeChat:
    """Streams answers from the model server at `url` (`token` is the bearer token; "none" when the
    server is open on a trusted subnet). `timeout` bounds connecting and each read, so a stalled server
    fails instead of hanging the window. The client's own retries are off: this class retries, and only
    before the first token."""

    def __init__(self, url: str, token: str | None = None, model: str = "default", *, n_ctx: int = 4096,
                 max_tokens: int | None = None, timeout: float = 60.0, retries: int = 2,
                 backoff_s: float = RETRY_BACKOFF_S, http_client: Any = None) -> None:
        self.url, self.base_url = url, openai_base_url(url)
        self.max_tokens = max_tokens  # when set, every answer is capped here (else per call)
        self.name, self.token = model, token
        self._n_ctx, self.timeout, self.retries, self.backoff_s = n_ctx, timeout, retries, backoff_s
        self._http_client = http_client
        self._client: Any = None
        self._timings: dict[str, float] | None = None

    @property
    def client(self) -> Any:
        if self._client is None:
            import openai

            kw: dict[str, Any] = {"http_client": self._http_client} if self._http_client is not None else {}
            self._client = openai.OpenAI(base_url=self.base_url, api_key=self.token or "none",
                                         timeout=self.timeout, max_retries=0, **kw)
        return self._client

    @property
    def n_ctx(self) -> int:
        return self._n_ctx

    def count_tokens(self, text: str) -> int:
        return len(text.encode("utf-8")) // 3 + 1  # no tokenizer here: err on the long side

    def prompt_tokens(self, messages: Messages) -> int | None:
        return None

    def timings(self) -> Any:
        return None

    def complete(self, messages: Messages, **kw: Any) -> str:
        return "".join(self.stream(messages, **kw))

    def stream(self, messages: Messages, *, max_tokens: int = 512, temperature: float = 0.0,
               stop: list[str] | None = None, cancel: CancelToken | None = None) -> Iterator[str]:
        max_tokens = self.max_tokens or max_tokens
        attempt = 0
        while True:
            try:
                response = self.client.chat.completions.create(
                    model=self.name, messages=messages, max_tokens=max_tokens, temperature=temperature,
                    stop=stop or None, stream=True)
                pieces = _pieces(response)
                first = next(pieces, None)
                break
            except Exception as exc:
                kind = classify(exc)
                if kind is None:
                    raise
                if kind == "auth" or attempt >= self.retries:
                    raise self._fail(exc, attempt + 1) from exc
                time.sleep(self.backoff_s * 2**attempt)
                attempt += 1
        try:
            if first is None:
                return
            yield first
            for piece in pieces:
                if cancel is not None and cancel.cancelled:
                    return
                yield piece
        except Exception as exc:
            if classify(exc) is None:
                raise
            raise self._fail(exc, 1) from exc  # mid-answer: no retry (it would repeat the text)
        finally:
            response.close()  # cancel or an early stop lands here: the server stops generating

    def _fail(self, exc: BaseException, attempts: int) -> SillokError:
        if classify(exc) == "auth":
            return TokenRefused(LABEL, self.url)
        why = reason(exc) + (f", {attempts} attempts" if attempts > 1 else "")
        return RemoteUnavailable(LABEL, self.url, why, retry_in=max(10.0, self.backoff_s * 8))


def _pieces(response: Any) -> Iterator[str]:
    for chunk in response:
        if chunk.choices:
            text = chunk.choices[0].delta.content
            if text:
                yield text


def make_chat_model(url: str, token: str | None = None, model: str = "default", *, n_ctx: int = 4096,
                    max_tokens: int | None = None, timeout: float = 60.0, retries: int = 2,
                    backoff_s: float = RETRY_BACKOFF_S, http_client: Any = None) -> OfficeChat:
    """The office model at `url` (checked to be a server address now; nothing is sent until asked)."""
    return OfficeChat(url, token, model, n_ctx=n_ctx, max_tokens=max_tokens, timeout=timeout, retries=retries,
                      backoff_s=backoff_s, http_client=http_client)
