"""Find the `[n]` markers in a model's answer and check each against the sources it was given.

Why this is strict: a citation is only worth showing if it points at a passage the model really saw.
Numbers outside 1..len(hits) are dropped (and reported), sentences without a valid marker are listed
as uncited, and each citation carries the source sentence that best matches the citing sentence, so
the reader can check the claim without opening the file. Small models write markers loosely, so the
parser accepts `[1]`, `[1, 2]`, `[1-3]`, full-width `［1］`/`【1】`, and a bare `(1)` only when the
answer uses no bracket markers at all and the number names a given source.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from sillok.foundation.types import Citation, Hit
from sillok.ingest.analyzer import analyse
from sillok.service.quotes import article_at

QUOTE_MAX = 300
MAX_RANGE = 20  # "[1-500]" is noise, not a range of sources
_NUMS = r"\d{1,3}(?:\s*(?:[-–~]|,|、)\s*\d{1,3})*"
BRACKET_RE = re.compile(rf"(?:\[|【|〔)\s*(?:sources?\s*)?({_NUMS})\s*(?:\]|】|〕)", re.IGNORECASE)
PAREN_RE = re.compile(rf"(?:(?<=\s)|^)\(\s*({_NUMS})\s*\)")
SENTENCE_END_RE = re.compile(r"(?<=[.!?。？！])\s+|\n+")
# Words that may surround a marker in a sentence that carries nothing else ("The source number is [1].")
FILLER = frozenset("the a source sources number numbers is was are answer reference references see from cited "
                   "citation 출처 근거 참고 출처는 근거는".split())


@dataclass(frozen=True)
class ParsedAnswer:
    citations: list[Citation]
    uncited: list[str]
    dropped: list[int]
    claims: dict[int, str] = field(default_factory=dict)  # n -> the sentence its citation vouches for


def _normalise(text: str) -> str:
    """Full-width digits and brackets to ASCII (NFKC), keeping 【】 which NFKC leaves alone."""
    return unicodedata.normalize("NFKC", text)


def _numbers(group: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"\s*(?:,|、)\s*", group.strip()):
        bounds = re.split(r"\s*[-–~]\s*", part)
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            a, b = int(bounds[0]), int(bounds[1])
            out += list(range(a, b + 1)) if 0 <= b - a <= MAX_RANGE else [a, b]
        elif part.isdigit():
            out.append(int(part))
    return out


def markers(text: str, n_sources: int, parens: bool = True) -> list[tuple[int, int, list[int]]]:
    """(start, end, numbers) of every citation marker in `text` (already normalised)."""
    found = [(m.start(), m.end(), _numbers(m.group(1))) for m in BRACKET_RE.finditer(text)]
    if not found and parens:  # "(1)" counts only where nothing else could be, and only for a real source
        for m in PAREN_RE.finditer(text):
            nums = _numbers(m.group(1))
            if nums and all(1 <= n <= n_sources for n in nums):
                found.append((m.start(), m.end(), nums))
    return found


def split_sentences(text: str) -> list[str]:
    """Sentences split after . ! ? (and their CJK forms) plus whitespace, or at line breaks; a marker
    written after the full stop ("… seconds. [1]") becomes its own filler sentence (see parse_answer)."""
    return [s.strip() for s in SENTENCE_END_RE.split(text) if s.strip()]


def _is_filler(sentence: str, spans: list[tuple[int, int, list[int]]]) -> bool:
    rest = sentence
    for start, end, _ in sorted(spans, reverse=True):
        rest = rest[:start] + " " + rest[end:]
    words = re.findall(r"\w+", rest.lower())
    return all(w in FILLER for w in words)


def best_quote(hit: Hit, claim: str, context: str = "") -> tuple[str, int, int]:
    """The sentence of `hit.text` sharing most terms with `claim`, bounded to QUOTE_MAX characters,
    with its character offsets in the hit's page (hit.start + offset; approximate for merged hits).

    When no sentence shares a term with the claim (a small model's marker sits on a copied source
    label, "[1] (contract.pdf, p. 2)"), the whole answer (`context`) stands in for the claim, so the
    quote is still the passage the answer drew on rather than the chunk's first line.
    """
    claim_terms = set(analyse(claim))
    if context and not any(claim_terms & set(analyse(s)) for s in split_sentences(hit.text)):
        claim_terms = set(analyse(context))
    best, best_score, best_at = "", -1.0, 0
    pos = 0
    for sent in split_sentences(hit.text):
        at = hit.text.find(sent, pos)
        pos = at + len(sent) if at >= 0 else pos
        terms = set(analyse(sent))
        score = len(terms & claim_terms) / (1 + 0.02 * len(terms)) if terms else 0.0
        if score > best_score:
            best, best_score, best_at = sent, score, max(at, 0)
    quote = " ".join(best.split())
    if len(quote) > QUOTE_MAX:
        quote = quote[: QUOTE_MAX - 1].rstrip() + "…"
    return quote, hit.start + best_at, hit.start + best_at + len(best)


def parse_answer(text: str, hits: list[Hit]) -> ParsedAnswer:
    """Citations (one per source number, in order of first use), uncited sentences, dropped numbers."""
    norm = _normalise(text)
    parens = BRACKET_RE.search(norm) is None
    cited: dict[int, str] = {}  # n -> the first sentence that cites it
    dropped: set[int] = set()
    uncited: list[str] = []
    prev: str | None = None  # the last sentence with content, and whether it still lacks a citation
    prev_uncited = False
    for sent in split_sentences(norm):
        spans = markers(sent, len(hits), parens)
        nums = [n for _, _, ns in spans for n in ns]
        valid = [n for n in nums if 1 <= n <= len(hits)]
        dropped.update(n for n in nums if not 1 <= n <= len(hits))
        if spans and _is_filler(sent, spans):
            # "The source number is [1]." or a lone "[1]" vouches for the sentence before it.
            for n in valid:
                cited.setdefault(n, prev or sent)
            if valid:
                prev_uncited = False
            continue
        if prev is not None and prev_uncited:
            uncited.append(prev)
        prev, prev_uncited = sent, False
        for n in valid:
            cited.setdefault(n, sent)
        if not valid and re.search(r"\w", sent):
            prev_uncited = True
    if prev is not None and prev_uncited:
        uncited.append(prev)
    citations = []
    for n, claim in cited.items():
        hit = hits[n - 1]
        quote, start, end = best_quote(hit, BRACKET_RE.sub("", claim), BRACKET_RE.sub("", norm))
        # The article the quoted sentence stands under: a window holds its match's neighbours too.
        article = article_at(hit, start - hit.start)
        citations.append(Citation(n, hit.source, hit.page, article, quote, hit.chunk_id, start, end, hit.title))
    return ParsedAnswer(citations, uncited, sorted(dropped), {n: BRACKET_RE.sub("", c).strip() for n, c in cited.items()})


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text` as `split_sentences` cuts it, surrounding space excluded."""
    spans, at = [], 0
    for m in [*SENTENCE_END_RE.finditer(text), None]:
        end = m.start() if m is not None else len(text)
        piece = text[at:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((at + lead, at + len(piece.rstrip())))
        if m is not None:
            at = m.end()
    return spans


def drop_repeated_sentences(text: str) -> str:
    """`text` with every sentence that already occurred dropped (case and spacing ignored).

    Used only on an answer cut short because the model looped (sillok.models.llm.looping): what was shown
    while streaming was the loop; what is kept, cited and exported is each sentence once.
    """
    spans = sentence_spans(text)
    out: list[str] = []
    seen: set[str] = set()
    for i, (a, b) in enumerate(spans):
        key = " ".join(text[a:b].split()).lower().rstrip(".!?。 ")
        if len(key) > 8 and key in seen:
            continue
        seen.add(key)
        out.append(text[a:spans[i + 1][0]] if i + 1 < len(spans) else text[a:b])  # with its separator
    return "".join(out).strip()
