"""LocalLLM is a ChatModel (sillok.foundation.protocols) over the real SmolLM2: the answer path talks to
it, and to the office server, through that one contract."""

from __future__ import annotations

import pytest

from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import SillokError
from sillok.foundation.protocols import ChatModel

MSGS = [{"role": "system", "content": "Answer in one sentence."},
        {"role": "user", "content": "What is the capital of France?"}]


def test_local_llm_meets_the_chat_model_contract(smollm) -> None:
    assert isinstance(smollm, ChatModel)
    assert smollm.n_ctx == smollm.info.n_ctx and smollm.name
    assert smollm.prompt_tokens(MSGS) == len(smollm.tokenize_prompt(smollm.render(MSGS)))
    assert smollm.count_tokens("Paris") >= 1


def test_complete_and_stream_give_the_same_greedy_answer(smollm) -> None:
    out = smollm.complete(MSGS, max_tokens=32)
    assert "Paris" in out
    pieces = list(smollm.stream(MSGS, max_tokens=32))
    assert len(pieces) > 3 and "".join(pieces) == out
    assert smollm.timings() is smollm.last_timings and smollm.timings().tokens_per_s > 0


def test_cancelled_before_start_gives_nothing(smollm) -> None:
    done = CancelToken()
    done.cancel()
    assert smollm.complete(MSGS, max_tokens=64, cancel=done) == ""


def test_bad_roles_are_refused(smollm) -> None:
    with pytest.raises(SillokError):
        smollm.complete([{"role": "tool", "content": "x"}])
