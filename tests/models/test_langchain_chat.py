"""LocalChatModel behaves like any LangChain chat model over the real SmolLM2."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, SystemMessage, ToolMessage

from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import SillokError
from sillok.models.langchain_chat import LocalChatModel, to_role_dicts

MSGS = [SystemMessage("Answer in one sentence."), HumanMessage("What is the capital of France?")]


def test_role_mapping() -> None:
    msgs = [SystemMessage("s"), HumanMessage("u"), AIMessage("a"), HumanMessage("u2")]
    assert to_role_dicts(msgs) == [
        {"role": "system", "content": "s"},
        {"role": "user", "content": "u"},
        {"role": "assistant", "content": "a"},
        {"role": "user", "content": "u2"},
    ]
    with pytest.raises(SillokError):
        to_role_dicts([ToolMessage("x", tool_call_id="1")])


def test_invoke(smollm) -> None:
    chat = LocalChatModel(llm=smollm, max_tokens=32)
    assert chat._llm_type == "sillok-llama-cpp"
    out = chat.invoke(MSGS)
    assert isinstance(out, AIMessage) and "Paris" in out.content
    assert out.content == smollm.complete(to_role_dicts(MSGS), max_tokens=32)  # same path, same greedy answer


def test_stream(smollm) -> None:
    chat = LocalChatModel(llm=smollm, max_tokens=32)
    chunks = list(chat.stream(MSGS))
    assert len(chunks) > 3 and all(isinstance(c, AIMessageChunk) for c in chunks)
    assert "Paris" in "".join(c.content for c in chunks)


def test_cancel_via_kwarg_and_attribute(smollm) -> None:
    done = CancelToken()
    done.cancel()
    chat = LocalChatModel(llm=smollm, max_tokens=64)
    assert chat.invoke(MSGS, cancel=done).content == ""
    assert LocalChatModel(llm=smollm, max_tokens=64, cancel=done).invoke(MSGS).content == ""
