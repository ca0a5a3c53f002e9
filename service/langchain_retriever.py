"""Sillok's hybrid search as a LangChain retriever.

Why: the answer chain is plain LCEL (retriever → prompt → chat model → parser), so the same chain runs
with any LangChain chat model, and Sillok's retrieval can be dropped into other LangChain code. Each
Document carries every Hit field in its metadata, so the Hit comes back intact (`document_to_hit`) for
citations.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from sillok.foundation.types import Hit

_HIT_FIELDS = {f.name for f in dataclasses.fields(Hit)}


def hit_to_document(hit: Hit) -> Document:
    meta = {k: v for k, v in dataclasses.asdict(hit).items() if k != "text"}
    return Document(page_content=hit.text, metadata=meta)


def document_to_hit(doc: Document) -> Hit:
    meta = {k: v for k, v in doc.metadata.items() if k in _HIT_FIELDS}
    meta.setdefault("chunk_id", "")
    meta.setdefault("source", "")
    meta.setdefault("score", 0.0)
    return Hit(text=doc.page_content, **meta)


class SillokRetriever(BaseRetriever):
    """`svc.search(query, collection, k, sources)` as Documents (metadata: source, page, article,
    chunk_id, score, ranks and the other Hit fields)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    svc: Any
    collection: str = "default"
    k: int | None = None
    sources: list[str] | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        hits = self.svc.search(query, self.collection, k=self.k or self.svc.settings.top_k, sources=self.sources)
        return [hit_to_document(h) for h in hits]
