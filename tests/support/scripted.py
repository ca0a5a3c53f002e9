"""A chat model that streams a fixed reply: the answer path must work with any model behind the contract."""

from __future__ import annotations


class ScriptedModel:
    """A ChatModel (sillok.foundation.protocols) that streams a fixed reply word by word: the answer path
    must work with any model behind the contract, not only llama.cpp's."""

    name = "scripted"
    n_ctx = 2048

    def __init__(self, reply: str) -> None:
        self.reply, self.seen = reply, []

    def stream(self, messages, *, max_tokens=512, temperature=0.0, stop=None, cancel=None):
        self.seen.append(messages)
        for word in self.reply.split(" "):
            yield word + " "

    def count_tokens(self, text: str) -> int:
        return len(text) // 4 + 1

    def prompt_tokens(self, messages) -> None:
        return None

    def timings(self) -> None:
        return None
