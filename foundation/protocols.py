"""The narrow contracts between layers (after simonw/llm): what an embedder and a chat model must offer.

Why here: `ingest/` embeds chunks and `service/` answers with a model, but neither may import `models/`
(ARCHITECTURE.md). They are written against these protocols; `service/backends.py` hands them the
concrete objects (a sentence-transformers model or an office embedding server; llama.cpp or an office
model server). Plain Python types only: nothing of torch, llama.cpp or Qt.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from sillok.foundation.cancel import CancelToken

Messages = list[dict[str, str]]  # [{"role": "system"|"user"|"assistant", "content": text}]


@runtime_checkable
class Embedder(Protocol):
    """Makes the vectors of one model. `key` names them (model + prefixes + input length): vectors of
    two keys never share an index."""

    key: str
    name: str
    source: str
    batch_size: int

    @property
    def dim(self) -> int: ...

    @property
    def loaded(self) -> bool: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...


@runtime_checkable
class ChatModel(Protocol):
    """Streams an answer to chat messages. `n_ctx` is the context the prompt must fit in;
    `count_tokens` sizes source text (an estimate where the model is on a server)."""

    name: str

    @property
    def n_ctx(self) -> int: ...

    def stream(self, messages: Messages, *, max_tokens: int = 512, temperature: float = 0.0,
               stop: list[str] | None = None, cancel: CancelToken | None = None) -> Iterator[str]: ...

    def count_tokens(self, text: str) -> int: ...

    def prompt_tokens(self, messages: Messages) -> int | None:
        """The exact tokens the rendered prompt takes, or None where only an estimate exists."""
        ...

    def timings(self) -> Any:
        """The last answer's measured timings (first token, tokens/s, reused prompt tokens) or None."""
        ...
