"""Answerability before the model: can the retrieved passages hold the answer to this question?

Why not "some hit shares a word" (the old RelevanceGate): one common word ("point" in "the boiling point
of tungsten") is in some contract, so every question passed and a small model then answered from its
own memory. Here the question's informative terms are weighed by how rare they are in the collection
(IDF from the index's own document frequencies, Kiwi-analysed for Korean), and the gate asks how much of
that weight the top hits cover: a question whose rare words ("tungsten", "kelvin") occur nowhere in the
documents is not answerable from them, however well a common word matches. Question words ("what",
"무엇", "경우") carry a tenth of their weight. Terms of the final sentence count fully, those of a
background narrative before it (Korean case questions: "갑은 술집에서 …") at BACKGROUND_WEIGHT, because
the background describes facts the statutes never name.

Besides coverage, the best dense similarity of a top hit to the question must reach a floor calibrated
per embedding model (e5's cosines sit high and close together, MiniLM's spread from 0): a high floor
alone for questions whose terms are poorly covered (long case narratives, "counterparty" asked of a
contract that says "the other party"), a lower one when the terms are well covered (short questions,
whose cosines run lower). A question that shares words with the documents but is about something else
("What is the capital of Delaware?" over a contract governed by Delaware law) falls between the two.
With no dense evidence (a model that cannot read the question's language, or vectors not made yet) only
coverage decides. Thresholds were tuned on
bench/data/answerability (bench/bench_gate.py prints the refusal rates).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from sillok.foundation.types import Hit
from sillok.ingest.analyzer import analyse
from sillok.ingest.chunking import with_header
from sillok.ingest.office_keyword import fts_tokens

DocFreq = Callable[[Sequence[str]], tuple[dict[str, int], int]]

# Words that ask rather than name what is asked about (after the analyser's own stop list).
QUESTION_WORDS = frozenset(
    """consider mean means meaning explain describe tell please according anything something kind type
    there here whether also about regarding concerning given example exactly say says said happen happens
    경우 무엇 어떤 어떻 어떠 무슨 언제 얼마 누구 어디 어느 여부 내용 관련 대하 관하 따르 의하 위하 해당
    필요 가능 있 없 되 하 알 말 설명 의미""".split()
)
QUESTION_WORD_WEIGHT = 0.1
BACKGROUND_WEIGHT = 0.35
SENTENCE_END_RE = re.compile(r"(?<=[.?!;。？])\s+|\n+")
HANGUL_RUN_RE = re.compile(r"[\u3131-\u318e\uac00-\ud7a3]+")
POSSESSIVE_RE = re.compile(r"['’]s$")  # "state's" is asked about as "state"

# Per embedding model, (low, high) floors for the best hit's dense cosine (bench/bench_gate.py calibrates):
# at or above `high` the passages are close enough in meaning on their own (long questions whose
# narrative words the documents never use); between `low` and `high` the question's terms must also be
# covered (STRONG_COVERAGE: short questions, whose cosines run lower, in Korean especially); below `low`
# nothing passes.
DENSE_FLOORS: Mapping[str, tuple[float, float]] = {
    "multilingual-e5-small": (0.825, 0.84),
    # MiniLM reads no Korean (no dense list for it; coverage alone decides there): on the dev set 94%
    # of unanswerable questions refused, 19% of answerable ones too, nearly all long Korean case questions.
    "all-MiniLM-L6-v2": (0.40, 0.45),
}
STRONG_COVERAGE = 0.7


@dataclass(frozen=True)
class Verdict:
    """The gate's decision and what it was made of (the bench and the tests read these)."""

    answerable: bool
    coverage: float  # share of the question's term weight some top hit holds
    similarity: float | None  # best dense cosine of a top hit, None when the dense list did not run
    floor: float | None  # the floor that similarity had to reach (None: no floor for this model)
    missing: list[str] = field(default_factory=list)  # informative terms no top hit holds, heaviest first
    reason: str = ""


@lru_cache(maxsize=4096)
def stems(term: str) -> tuple[str, ...]:
    """A term as the keyword index tokenises it (lower-cased, Porter-stemmed): how coverage compares
    question and passage, so "governs" in the question matches "governed" in a contract."""
    return tuple(fts_tokens([POSSESSIVE_RE.sub("", term)])[0])


def text_terms(text: str) -> list[str]:
    """analyse(text), plus, for text with Hangul, the analysis of its other words on their own.

    Why: Kiwi cuts the English words of a mixed Korean/English passage into pieces ("weekdays" ->
    "wee" …), and its numbers with colons go missing ("17:00"), so a claim copied from the English
    sentence of a bilingual notice would not match it."""
    terms = analyse(text)
    if HANGUL_RUN_RE.search(text):
        terms += analyse(HANGUL_RUN_RE.sub(" ", text))
    return terms


def tokens_of(text: str) -> list[str]:
    """The stemmed keyword tokens of `text`, in order (see text_terms)."""
    return fts_tokens([" ".join(text_terms(text))])[0]


def passage_tokens(hit: Hit) -> set[str]:
    """The stemmed keyword tokens of a hit as the index holds it (title, heading and article included)."""
    return set(tokens_of(with_header(hit.title, hit.heading, hit.article, hit.text)))


def weighted_terms(question: str) -> dict[str, float]:
    """Each analysed term of the question with its position weight: final sentence 1.0, background
    BACKGROUND_WEIGHT, question words a tenth of that (IDF is applied later)."""
    parts = [p for p in SENTENCE_END_RE.split(question.strip()) if p.strip()]
    last = set(analyse(parts[-1])) if parts else set()
    out: dict[str, float] = {}
    for t in (POSSESSIVE_RE.sub("", t) for t in analyse(question)):
        w = 1.0 if t in last or len(parts) <= 1 else BACKGROUND_WEIGHT
        if t in QUESTION_WORDS:
            w *= QUESTION_WORD_WEIGHT
        out[t] = max(out.get(t, 0.0), w)
    return out


def idf(df: int, n: int) -> float:
    """BM25's IDF kept positive (a term in most chunks still weighs a little)."""
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def term_weights(question: str, doc_freq: DocFreq) -> dict[str, float]:
    """Position weight x IDF for every term of the question."""
    terms = weighted_terms(question)
    if not terms:
        return {}
    dfs, n = doc_freq(list(terms))
    n = max(n, 1)
    return {t: w * idf(dfs.get(t, 0), n) for t, w in terms.items()}


@dataclass(frozen=True)
class AnswerGate:
    """Whether retrieved passages can hold the answer (module docstring); `sources` picks what the
    model is shown."""

    min_coverage: float = 0.6  # with no dense evidence at all (a model that cannot read the language)
    top: int = 5  # the hits whose text counts as covering a term
    floors: Mapping[str, tuple[float, float]] = field(default_factory=lambda: dict(DENSE_FLOORS))
    strong_coverage: float = STRONG_COVERAGE
    least_coverage: float = 0.15  # below this nothing passes, however close the vectors
    min_score: float = 0.0  # the fused RRF floor of settings.min_relevance (0: off)

    def judge(self, question: str, hits: Sequence[Hit], doc_freq: DocFreq, embedder: str = "") -> Verdict:
        if not hits:
            return Verdict(False, 0.0, None, None, [], "nothing retrieved")
        if max(h.score for h in hits) < self.min_score:
            return Verdict(False, 0.0, None, None, [], "below min_relevance")
        weights = term_weights(question, doc_freq)
        total = sum(weights.values())
        tokens: set[str] = set()
        for h in hits[: self.top]:
            tokens |= passage_tokens(h)
        missing = {t: w for t, w in weights.items() if not set(stems(t)) <= tokens or not stems(t)}
        coverage = 1.0 - sum(missing.values()) / total if total > 0 else 0.0
        sims = [h.similarity for h in hits[: self.top] if h.similarity is not None]
        sim = max(sims) if sims else None
        floors = self.floors.get(embedder)
        lost = sorted(missing, key=lambda t: -missing[t])
        if total <= 0:
            return Verdict(False, 0.0, sim, None, [], "the question has no searchable terms")
        if sim is None or floors is None:  # no dense evidence, or none calibrated: terms alone decide
            ok = coverage >= self.min_coverage
            return Verdict(ok, coverage, sim, None, lost, "" if ok else "the documents lack the question's terms")
        low, high = floors
        floor = high if coverage < self.strong_coverage else low
        if coverage < self.least_coverage:
            return Verdict(False, coverage, sim, floor, lost, "the documents lack the question's terms")
        if sim < floor:
            why = "no passage is close in meaning" if sim < low else "the documents lack the question's terms"
            return Verdict(False, coverage, sim, floor, lost, why)
        return Verdict(True, coverage, sim, floor, lost, "")

    def sources(self, question: str, hits: Sequence[Hit], dense_top: int = 2) -> list[Hit]:
        """The hits worth putting in front of the model, in rank order.

        Why: RRF fills `top_k` even from a handful of chunks, so weak vector-only neighbours (another
        language, another topic) reach the prompt; a small model then copies or loops on them. A hit
        stays when the keyword index ranked it, it shares a query term, or the vector index put it in
        its top `dense_top`; the best hit always stays.
        """
        terms = [t for t in analyse(question) if len(t) >= 2]
        return [h for i, h in enumerate(hits)
                if i == 0 or "keyword" in h.ranks or h.ranks.get("dense", dense_top + 1) <= dense_top
                or any(t in h.text.lower() for t in terms)]


DEFAULT_GATE = AnswerGate()
