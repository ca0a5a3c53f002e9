"""The answer chain in LangChain's LCEL: retriever → prompt → chat model → StrOutputParser.

Why LCEL: the chat model is any `BaseChatModel` — our llama.cpp `LocalChatModel` by default, an
OpenAI-compatible server or a bigger local model later — and `.stream()` gives answer pieces as they
are generated whatever the model. The prompt step is a function (not a fixed template) because it
must decide relevance and pack sources into the model's token budget; raising `NotRelevant` there
stops the chain before the model step runs, so an unanswerable question never loads the model.
The model may be given as a factory (`() -> BaseChatModel`), called only when the model step runs.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from sillok.foundation.types import Hit

_LC = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}


class NotRelevant(Exception):  # noqa: N818 - a signal, not an error
    """Raised by the prompt step when retrieval found nothing worth asking the model about."""

    def __init__(self, hits: list[Hit]) -> None:
        super().__init__("no relevant passage")
        self.hits = hits


def to_lc_messages(messages: list[dict[str, str]]) -> list[BaseMessage]:
    """[{"role", "content"}] → LangChain messages (system / human / ai)."""
    return [_LC[m["role"]](content=m["content"]) for m in messages]


def build_chain(
    retriever: BaseRetriever,
    model: Runnable[Any, Any] | Callable[[], Runnable[Any, Any]],
    prompt: Callable[[dict[str, Any]], list[BaseMessage]],
) -> Runnable[dict[str, Any], str]:
    """Input `{"query": search text, ...anything the prompt step needs}`; output: answer text pieces.

    The retriever's Documents are added to the input as "docs" before `prompt` builds the messages.
    """
    chat: Runnable[Any, Any] = model if isinstance(model, Runnable) else RunnableLambda(lambda _msgs: model())
    return (
        RunnablePassthrough.assign(docs=itemgetter("query") | retriever)
        | RunnableLambda(prompt)
        | chat
        | StrOutputParser()
    )


def is_chat_model(obj: Any) -> bool:
    return isinstance(obj, BaseChatModel)
