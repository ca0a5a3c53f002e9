"""Quote-first answers: the documents' own sentences that answer the question, chosen without the model.

Why: lawyers and clinicians trust the document's words, and a 135M model cannot be trusted to copy them.
The retrieved hits are cut into sentences (English and Korean endings, line breaks, statute clause
markers ① ② …, over-long contract clauses at their semicolons), and each sentence is scored by the
IDF-weighted share of the question's terms it holds (the same weights as the answerability gate,
service/gate.py), plus a small bonus for the rank of its hit and for the article heading it sits under.
Every quote is a verbatim slice of its hit's text: `start`/`end` are offsets into that text, so the
viewer highlights exactly the quoted sentence.

Dense similarity of sentences was measured as an extra signal (bench/bench_gate.py --quote-dense): on the
dev set it left quote@3 unchanged (contracts 0.50, statutes 0.73) and took 540 ms per question instead
of 85 (an embedding pass over ~50 sentences), so it is off unless an embedder is passed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from sillok.foundation.protocols import Embedder
from sillok.foundation.types import Hit, Quote
from sillok.service.gate import stems, tokens_of

MAX_QUOTES = 4
MIN_CHARS = 12  # "Exhibit 10.1", "# 형법": headings, not sentences
LONG = 420  # a contract clause longer than this is cut at its semicolons
RANK_BONUS = 0.08  # the first hit's sentences over the fifth's, all else equal
MIN_SHARE = 0.1  # a sentence holding less of the question's weight than this is no answer
# Quotes from one hit at most. Dev-set quote@3 (contracts / statutes): MIN_SHARE 0.2 and 2 per hit 0.50 / 0.73;
# 0.1 and 1 per hit 0.53 / 0.90, 2 per hit 0.59 / 0.83, 3 per hit 0.59 / 0.87.
PER_HIT = 3
# A sentence from the window around a hit's match (Hit.core), not the match itself, scores this share:
# weighed alike, the window's neighbouring articles outranked the matched one (bench/bench_gate.py,
# statute quote@3: 0.83 before windows, 0.77 at 1.0, 0.80 at 0.8, 0.83 at 0.6; contracts 0.59 throughout).
WINDOW_WEIGHT = 0.6
ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "no.", "nos.", "sec.", "art.", "inc.", "ltd.", "co.", "corp.", "u.s.",
                 "mr.", "ms.", "dr.", "vs.", "v.", "st.", "p.", "pp.", "fig.", "al.", "approx.", "jan.", "feb.",
                 "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec.")
# A boundary: after . ! ? (and CJK forms) followed by space, at line breaks, before a circled clause number.
_BOUNDARY_RE = re.compile(r"(?<=[.!?。？！])\s+(?=\S)|\n+|(?=[\u2460-\u2473])")
_HEADING_RE = re.compile(r"제\d+조(?:의\d+)?\([^)\n]*\)")  # a statute article's heading line, alone
_ARTICLE_LINE_RE = re.compile(r"(?m)^제\d+조(?:의\d+)?\([^)\n]*\)")
# A contract's section heading standing as a sentence: "16.04 Governing Law.", "Section 5 Term.",
# "ARTICLE XII MISCELLANEOUS": a section number, then a few title-case words, nothing said.
_SECTION_NO_RE = re.compile(r"(?i)(?:(?:section|article|clause)\s+(?:\d+(?:\.\d+)*|[ivxlc]+)\.?|\d+\.(?:\d+\.?)*)$")
_SMALL_WORDS = {"and", "of", "the", "to", "for", "in", "on", "or", "by", "with", "a", "an"}
_LIST_MARK_RE = re.compile(r"\(?(?:\d{1,3}|[a-z]|[ivx]{1,4}|[가-힣])[.)]")  # "1." "a." "(iv)." "가." list markers


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, surrounding space excluded; verbatim slices."""
    cuts = [0]
    for m in _BOUNDARY_RE.finditer(text):
        sep = m.group(0)
        if sep and "\n" not in sep:  # after a full stop: not one ending "Inc." or a list number "1."
            words = text[cuts[-1]:m.start()].split()
            last = words[-1].lower() if words else ""
            if last in ABBREVIATIONS or _LIST_MARK_RE.fullmatch(last):
                continue
        if m.end() > cuts[-1]:
            cuts.append(m.end())
    cuts.append(len(text))
    spans: list[tuple[int, int]] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = text[a:b]
        if not piece.strip():
            continue
        lead = len(piece) - len(piece.lstrip())
        spans += _cut_long(text, a + lead, a + len(piece.rstrip()))
    return spans


def _is_section_heading(sent: str) -> bool:
    """"16.04 Governing Law." or "Section 5 Term.": a contract heading the sentence splitter left alone."""
    words = sent.rstrip(".").split()
    if not 2 <= len(words) <= 7:
        return False
    for n in (2, 1):  # "Section 5" or "16.04"
        if _SECTION_NO_RE.match(" ".join(words[:n])):
            rest = words[n:]
            return bool(rest) and all(w[:1].isupper() or w.lower() in _SMALL_WORDS for w in rest)
    return False


def _cut_long(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """A span longer than LONG cut after its semicolons (contract clauses run for a page)."""
    if b - a <= LONG:
        return [(a, b)]
    out, start = [], a
    for m in re.finditer(r";\s+", text[a:b]):
        end = a + m.start() + 1
        if end - start >= 80:
            out.append((start, end))
            start = a + m.end()
    out.append((start, b))
    return out


def sentence_tokens(sentence: str) -> set[str]:
    return set(tokens_of(sentence))


def rank_quotes(weights: dict[str, float], hits: Sequence[Hit], *, limit: int = MAX_QUOTES,
                query_vector: np.ndarray | None = None, embedder: Embedder | None = None) -> list[Quote]:
    """The best `limit` sentences of `hits` for a question whose terms weigh `weights`
    (service.gate.term_weights), best first, at most PER_HIT from one hit. Empty when nothing holds
    MIN_SHARE of the question's weight."""
    total = sum(weights.values())
    if total <= 0 or not hits:
        return []
    term_stems = {t: set(stems(t)) for t in weights if stems(t)}
    order = [t for t in weights if t in term_stems]
    pairs = [(x, y) for x, y in zip(order, order[1:], strict=False)]
    scored: list[tuple[float, int, Hit, int, int]] = []
    for rank, hit in enumerate(hits):
        # Terms the hit's title, heading or article hold (the document a question names: "근로기준법",
        # "the Strategic Alliance Agreement") are context for every sentence under them: held by all.
        context = sentence_tokens(f"{hit.title} {hit.article or ''} {hit.heading}")
        for a, b in sentence_spans(hit.text):
            sent = hit.text[a:b]
            if (len(sent) < MIN_CHARS or sent.startswith("#") or _HEADING_RE.fullmatch(sent)
                    or _is_section_heading(sent)):
                continue  # a heading line ("# Title", "제65조(…)", "16.04 Governing Law.") names, it does not say
            seq = tokens_of(sent)
            toks = set(seq)
            held = sum(w for t, w in weights.items() if t in term_stems and term_stems[t] <= toks | context)
            own = sum(w for t, w in weights.items() if t in term_stems and term_stems[t] <= toks)
            # Question terms that stand together in the sentence too ("평균임금", "governing law"): a phrase.
            glued = f" {' '.join(seq)} "
            phrase = sum(min(weights[x], weights[y]) for x, y in pairs
                         if f" {' '.join(stems(x))} {' '.join(stems(y))} " in glued)
            share = (held + 0.5 * phrase) / total
            if share < MIN_SHARE or own <= 0:
                continue
            length = 1.0 / (1.0 + max(0, len(toks) - 40) / 80)  # long runs hold many terms by size alone
            if hit.core and not hit.core[0] <= a < hit.core[1]:
                length *= WINDOW_WEIGHT  # the window around the match: its context, seldom its answer
            scored.append((share * length + RANK_BONUS / (1 + rank), rank, hit, a, b))
    if query_vector is not None and embedder is not None and scored:
        vecs = embedder.embed_passages([h.text[a:b] for _, _, h, a, b in scored])
        sims = vecs @ query_vector
        scored = [(s + 0.5 * float(sim), r, h, a, b) for (s, r, h, a, b), sim in zip(scored, sims, strict=True)]
    scored.sort(key=lambda x: (-x[0], x[1], x[3]))
    out: list[Quote] = []
    per_hit: dict[str, int] = {}
    for score, _rank, hit, a, b in scored:
        if per_hit.get(hit.chunk_id, 0) >= PER_HIT:
            continue
        per_hit[hit.chunk_id] = per_hit.get(hit.chunk_id, 0) + 1
        out.append(Quote(hit.source, hit.page, article_at(hit, a), hit.text[a:b], a, b, hit.chunk_id, hit.title,
                         round(score, 4)))
        if len(out) >= limit:
            break
    return out


def article_at(hit: Hit, offset: int) -> str | None:
    """The article a sentence of `hit.text` stands under: the "제N조(…)" heading it starts with, else the
    last heading line before it (a window or a merged hit spans several articles), else the hit's own.

    Why the first case: a statute's sentence often opens with its heading ("제625조(…) 임대인이 …").
    Looking only before the sentence named the previous article, 제624조, as soon as windows put one
    there."""
    here = _ARTICLE_LINE_RE.match(hit.text, offset)
    if here:
        return here.group(0).strip()
    found = None
    for m in _ARTICLE_LINE_RE.finditer(hit.text, 0, offset):
        found = m.group(0).strip()
    return found or hit.article


def supporting_span(hit: Hit, claim_weights: dict[str, float]) -> tuple[int, int] | None:
    """The sentence of `hit.text` that best supports a claim (terms weighted as for quotes), as offsets
    into hit.text; None when no sentence holds any of the claim's terms."""
    quotes = rank_quotes(claim_weights, [hit], limit=1)
    return (quotes[0].start, quotes[0].end) if quotes else None
