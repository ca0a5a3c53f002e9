"""LocalLLM as a LangChain chat model.

Why: the answer chain is written against LangChain's ``BaseChatModel`` so any chat model can be
swapped in (a bigger local one, or a stub in tests); this adapter makes our llama.cpp model one of them
while keeping our templates, stop strings, cancel token and KV-cache reuse.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict

from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import SillokError

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


def to_role_dicts(messages: list[BaseMessage]) -> list[dict[str, str]]:
    """System/Human/AI messages -> [{"role", "content"}]; other kinds are refused with a clear error."""
    out = []
    for m in messages:
        role = _ROLES.get(m.type)
        if role is None:
            raise SillokError(f"message type {m.type!r} is not supported by the local model")
        content = m.content if isinstance(m.content, str) else m.text
        out.append({"role": role, "content": content})
    return out


class LocalChatModel(BaseChatModel):
    """``llm`` is a loaded ``sillok.models.llm.LocalLLM``. ``cancel`` may also be passed per call as a kwarg."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    llm: Any
    max_tokens: int = 512
    temperature: float = 0.0
    cancel: CancelToken | None = None

    @property
    def _llm_type(self) -> str:
        return "sillok-llama-cpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        info = self.llm.info
        return {"model_path": info.model_path, "chat_format": info.chat_format, "max_tokens": self.max_tokens}

    def _pieces(
        self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> Iterator[str]:
        return self.llm.stream(
            to_role_dicts(messages),
            max_tokens=kwargs.get("max_tokens", self.max_tokens),
            temperature=kwargs.get("temperature", self.temperature),
            stop=stop,
            cancel=kwargs.get("cancel") or self.cancel,
        )

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(self._pieces(messages, stop, kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for piece in self._pieces(messages, stop, kwargs):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager is not None:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk
