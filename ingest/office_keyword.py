"""BM25 for the office index, computed on this desktop with the desktop index's own tokenizer and formula.

Why client-side: Chroma 1.5's open-source server has no sparse-vector/BM25 index ("Sparse vector indexing
is not enabled in local"). The office index keeps each chunk's keyword terms as the Chroma document,
already tokenized as FTS5's 'porter unicode61' would (`fts_tokens`); a query fetches every chunk that
holds any query term through Chroma's full-text filter (`where_document` $contains, a trigram index) —
every chunk that can score is in that set, so document frequencies come out exact — and scores them
with FTS5's bm25 (k1=1.2, b=0.75), so office and desktop keyword rankings agree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

K1, B = 1.2, 0.75  # FTS5's bm25() constants


def fts_tokens(texts: Sequence[str]) -> list[list[str]]:
    """Each text as the desktop's FTS5 index sees it ('porter unicode61': lower-cased, split, stemmed).

    Why SQLite itself: using the very same tokenizer (via an in-memory table and fts5vocab) is the only
    way the shared BM25 ranks like the desktop's; no stemmer package is needed.
    """
    import sqlite3

    db = sqlite3.connect(":memory:")
    try:
        db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter unicode61')")
        db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        db.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)", [(i + 1, x) for i, x in enumerate(texts)])
        out: list[list[str]] = [[] for _ in texts]
        for term, doc, _offset in db.execute("SELECT term, doc, offset FROM v ORDER BY doc, offset"):
            out[int(doc) - 1].append(str(term))
        return out
    finally:
        db.close()


def query_phrases(terms: Sequence[str]) -> tuple[list[tuple[str, tuple[str, ...]]], list[str]]:
    """(term, its token phrase) pairs — a term may be several tokens ("in-flight") — and one word per
    distinct phrase for the server-side prefilter (its longest token)."""
    terms = [t for t in terms if t.strip()][:64]
    phrases = [tuple(p) for p in fts_tokens(terms)]
    pairs = [(t, p) for t, p in zip(terms, phrases, strict=True) if p]
    uniq = list(dict.fromkeys(p for _, p in pairs))
    return pairs, list(dict.fromkeys(max(p, key=len) for p in uniq))


def phrase_count(tokens: Sequence[str], phrase: tuple[str, ...]) -> int:
    if len(phrase) == 1:
        return sum(1 for t in tokens if t == phrase[0])
    n = len(phrase)
    return sum(1 for i in range(len(tokens) - n + 1) if tuple(tokens[i : i + n]) == phrase)


def bm25(candidates: dict[str, str], pairs: Sequence[tuple[str, tuple[str, ...]]], n_chunks: int,
         avgdl: float) -> dict[str, float]:
    """Scores of candidate chunks (id → space-joined tokens) for the query phrases; repeated query terms
    weigh twice, as with FTS5's OR of phrases. `n_chunks`/`avgdl` are the collection's statistics."""
    uniq = list(dict.fromkeys(p for _, p in pairs))
    tfs: dict[str, tuple[int, dict[tuple[str, ...], int]]] = {}
    for cid, text in candidates.items():
        toks = (text or "").split()
        counts = {p: phrase_count(toks, p) for p in uniq}
        if any(counts.values()):
            tfs[cid] = (len(toks), counts)
    df = {p: sum(1 for _, c in tfs.values() if c[p]) for p in uniq}
    idf = {p: math.log((n_chunks - df[p] + 0.5) / (df[p] + 0.5)) for p in uniq}
    idf = {p: v if v > 0 else 1e-6 for p, v in idf.items()}
    scores: dict[str, float] = {}
    for cid, (dl, counts) in tfs.items():
        s = 0.0
        for _, p in pairs:
            tf = counts[p]
            if tf:
                s += idf[p] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avgdl))
        scores[cid] = s
    return scores


def doc_freqs(candidates: dict[str, str], pairs: Sequence[tuple[str, tuple[str, ...]]]) -> dict[str, int]:
    """term -> how many candidate chunks (id -> space-joined tokens) hold its phrase (exact, since every
    chunk holding a query word is among the candidates)."""
    toks = [(text or "").split() for text in candidates.values()]
    return {t: sum(1 for tk in toks if phrase_count(tk, p)) for t, p in pairs}
