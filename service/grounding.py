"""Grounded or nothing: keep only the citations a passage really supports, and say so plainly otherwise.

Why: a small model writes `[1]` after anything ("The answer is [2]. The source number is [1].", a
tungsten boiling point "cited" to a mortgage contract), copies the source labels it was shown
("[1] (CONSULTING AGREEMENT.pdf, p. 2)") as if they were Sillok's, and often cites nothing. An answer
counts as found only when at least one of its citations is verified: the sentence carrying `[n]` shares
enough of its informative terms (analysed, stemmed, filler and question words left out) with the passage
`n` the model was given; a sentence the model left uncited gets the source that clearly supports it
(stricter test, `_attribute`), since small models copy a source's sentence without its number. Markers that fail are taken out of the text (their sentences then show as
uncited), copied labels are stripped, and each verified citation's quote and highlight is the sentence of
the passage that best supports its claim (service/quotes.py), not the passage's first line.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

from sillok.foundation.types import Citation, Hit
from sillok.ingest.analyzer import analyse
from sillok.service.citations import BRACKET_RE, FILLER, QUOTE_MAX, _numbers, parse_answer
from sillok.service.gate import QUESTION_WORDS, passage_tokens, stems
from sillok.service.quotes import supporting_span

SUPPORT_SHARE = 0.34  # of the claim's informative terms the cited passage must hold (at least one)
ATTRIBUTE_SHARE = 0.6  # the same, for a sentence the model left uncited (numbers must all be there too)
_EXT = r"(?:pdf|txt|md|markdown|docx?|hwpx?|html?|rtf|odt|xlsx?|pptx?|csv|eml|msg)"
# "(file.pdf, p. 2)" / "(근로기준법.md, 제56조)": a label copied from the prompt, with or without its [n].
LABEL_RE = re.compile(rf"\s*\((?=[^()\n]{{0,200}}\.{_EXT}\b)[^()\n]*(?:\([^()\n]*\)[^()\n]*)*\)", re.IGNORECASE)


@dataclass
class Grounded:
    """What the model's answer becomes once checked (see module docstring)."""

    text: str  # labels stripped, unverified markers taken out
    citations: list[Citation]  # verified only
    uncited: list[str]
    dropped: list[int]  # numbers outside the sources given
    rejected: list[int] = field(default_factory=list)  # valid numbers whose passage does not support the claim

    @property
    def found(self) -> bool:
        return bool(self.citations)


def strip_labels(text: str) -> str:
    """The answer without source labels the model copied from its prompt."""
    return re.sub(r"[ \t]{2,}", " ", LABEL_RE.sub("", text)).strip()


def claim_terms(claim: str) -> list[str]:
    """The informative terms of a claim sentence: what a supporting passage must hold."""
    terms = [t for t in dict.fromkeys(analyse(claim)) if t not in FILLER and t not in QUESTION_WORDS]
    return [t for t in terms if stems(t)]


def supports(hit: Hit, claim: str, tokens: set[str] | None = None) -> bool:
    """True when `hit` holds at least SUPPORT_SHARE of the claim's informative terms (and one at least)."""
    terms = claim_terms(claim)
    if not terms:
        return False
    tokens = passage_tokens(hit) if tokens is None else tokens
    held = sum(1 for t in terms if set(stems(t)) <= tokens)
    return held >= max(1, math.ceil(SUPPORT_SHARE * len(terms)))


def _keep_markers(text: str, keep: set[int]) -> str:
    """`text` with each bracket marker reduced to the numbers in `keep` (a marker left empty goes)."""
    def sub(m: re.Match[str]) -> str:
        nums = [n for n in _numbers(m.group(1)) if n in keep]
        return f"[{', '.join(map(str, nums))}]" if nums else ""

    out = BRACKET_RE.sub(sub, text)
    return re.sub(r"[ \t]+([.,;:!?。])", r"\1", re.sub(r"[ \t]{2,}", " ", out)).strip()


def ground(text: str, shown: list[Hit], question_weights: dict[str, float] | None = None,
           attribute: bool = True) -> Grounded:
    """Check the model's `text` against the hits it was shown ([n] is shown[n-1]). `attribute`: give an
    uncited sentence the source that clearly supports it (see `_attribute`)."""
    text = strip_labels(text)
    first = parse_answer(text, shown)
    tokens: dict[int, set[str]] = {}
    verified: set[int] = set()
    for c in first.citations:
        hit = shown[c.n - 1]
        tokens[c.n] = passage_tokens(hit)
        if supports(hit, first.claims.get(c.n, ""), tokens[c.n]):
            verified.add(c.n)
    rejected = sorted({c.n for c in first.citations} - verified)
    if BRACKET_RE.search(text):
        text = _keep_markers(text, verified)
    parsed = parse_answer(text, shown) if rejected or first.dropped else first
    if attribute and parsed.uncited:
        text, added = _attribute(text, parsed.uncited, shown, tokens)
        if added:
            verified |= added
            parsed = parse_answer(text, shown)
    citations = [_highlight(c, shown[c.n - 1], parsed.claims.get(c.n, ""), question_weights)
                 for c in parsed.citations if c.n in verified]
    return Grounded(text, citations, parsed.uncited, first.dropped, rejected)


def _attribute(text: str, uncited: list[str], shown: list[Hit],
               tokens: dict[int, set[str]]) -> tuple[str, set[int]]:
    """Uncited sentences that one given passage clearly supports, marked with its number.

    Why: small models (the bundled SmolLM2) often copy a sentence of a source without writing [n]. Such a
    sentence is attributed only under a stricter test than a model's own marker gets: ATTRIBUTE_SHARE of
    its informative terms, at least two, and every number it states must be in the passage; otherwise
    it stays uncited.
    """
    added: set[int] = set()
    for sent in uncited:
        terms = claim_terms(sent)
        if len(terms) < 2:
            continue
        best, best_share = 0, 0.0
        for n, hit in enumerate(shown, start=1):
            toks = tokens.get(n)
            if toks is None:
                toks = tokens[n] = passage_tokens(hit)
            held = [t for t in terms if set(stems(t)) <= toks]
            numbers_ok = all(t in held for t in terms if any(ch.isdigit() for ch in t))
            share = len(held) / len(terms)
            if numbers_ok and len(held) >= 2 and share > best_share:
                best, best_share = n, share
        at = text.find(sent)
        if best and best_share >= ATTRIBUTE_SHARE and at >= 0:
            end = at + len(sent.rstrip(".!?。 "))
            text = f"{text[:end]} [{best}]{text[end:]}"
            added.add(best)
    return text, added


def _highlight(c: Citation, hit: Hit, claim: str, question_weights: dict[str, float] | None) -> Citation:
    """The citation quoting the passage's sentence that best supports `claim` (question terms break ties)."""
    weights = {t: 1.0 for t in claim_terms(claim)}
    total_q = sum((question_weights or {}).values())
    for t, w in (question_weights or {}).items():
        weights[t] = weights.get(t, 0.0) + 0.3 * w / total_q
    span = supporting_span(hit, weights)
    if span is None:
        return c
    a, b = span
    quote = " ".join(hit.text[a:b].split())
    if len(quote) > QUOTE_MAX:
        quote = quote[: QUOTE_MAX - 1].rstrip() + "…"
    return replace(c, quote=quote, start=hit.start + a, end=hit.start + b)
