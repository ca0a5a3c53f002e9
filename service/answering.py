"""Answer a question from a collection: rewrite a follow-up, retrieve, decide, stream, cite, persist.

The path is direct: `Sillok.search` gives Hits, the gate keeps or refuses them, `prompting` packs them
into chat messages, and the `ChatModel` (this computer's llama.cpp model or the office server,
chosen once in sillok.service.backends) streams the answer back as text pieces.

Why the relevance gate comes before the model: a small local model asked about passages that do not
hold the answer still answers (from its own memory, wrongly). Fused RRF scores say nothing absolute
("best of a bad lot" scores like a good hit), so besides `settings.min_relevance` the gate requires
that some hit shares a real query term with the question (it came from the keyword list, or a query
term of 2+ characters occurs in its text). When nothing passes, the answer is a plain "not found"
and the model is never loaded.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import SillokError
from sillok.foundation.protocols import ChatModel, Messages
from sillok.foundation.types import Answer, Hit
from sillok.ingest.analyzer import analyse, analyse_query
from sillok.service.audit import record_answer as _audit
from sillok.service.citations import drop_repeated_sentences, parse_answer
from sillok.service.prompting import (
    NOT_FOUND,
    answer_messages,
    followup_messages,
    language,
    rewrite_messages,
    session_rewrite_messages,
)
from sillok.service.sessions import Session

OnToken = Callable[[str], None]


@dataclass(frozen=True)
class RelevanceGate:
    """When retrieved passages are worth showing to the model. `min_score` None → settings.min_relevance."""

    min_score: float | None = None
    require_term: bool = True  # a hit must share a query term (see module docstring)
    min_term_len: int = 2
    keyword_counts: bool = True  # a hit ranked by the keyword index shares a (stemmed) term by definition

    def relevant(self, question: str, hits: Sequence[Hit], min_relevance: float = 0.0) -> bool:
        if not hits:
            return False
        floor = self.min_score if self.min_score is not None else min_relevance
        if max(h.score for h in hits) < floor:
            return False
        if not self.require_term:
            return True
        if self.keyword_counts and any("keyword" in h.ranks for h in hits):
            return True
        terms = self.terms(question)
        return any(t in h.text.lower() for h in hits for t in terms)

    def terms(self, question: str) -> list[str]:
        """The question's analysed terms long enough to count as shared with a passage."""
        return [t for t in analyse_query(question) if len(t) >= self.min_term_len]

    def sources(self, question: str, hits: Sequence[Hit], dense_top: int = 2) -> list[Hit]:
        """The hits worth putting in front of the model, in rank order.

        Why: RRF fills `top_k` even from a handful of chunks, so weak vector-only neighbours (another
        language, another topic) reach the prompt; a small model then copies or loops on them (seen:
        SmolLM2 answering an English question with a Korean memo repeated). A hit stays when the
        keyword index ranked it, it shares a query term, or the vector index put it in its top
        `dense_top`; the best hit always stays.
        """
        terms = self.terms(question)
        keep = [h for i, h in enumerate(hits)
                if i == 0 or "keyword" in h.ranks or h.ranks.get("dense", dense_top + 1) <= dense_top
                or any(t in h.text.lower() for t in terms)]
        return keep


DEFAULT_GATE = RelevanceGate()
REWRITE_MAX_TOKENS = 48


def ask(svc: Any, question: str, collection: str = "default", *, conversation_id: str | None = None,
        on_token: OnToken | None = None, cancel: CancelToken | None = None,
        sources: Sequence[str] | None = None, chat_model: ChatModel | None = None,
        gate: RelevanceGate = DEFAULT_GATE) -> Answer:
    """See module docstring. `chat_model` (any ChatModel) replaces the one the settings choose."""
    t0 = time.perf_counter()
    question = question.strip()
    if not question:
        raise SillokError("empty question")
    settings = svc.settings
    convs = svc.conversations()
    history: list[tuple[str, str]] = []
    if conversation_id is not None:
        convs.get(conversation_id)  # unknown id → SillokError before any work
        history = [(t.question, t.answer) for t in convs.turns(conversation_id) if t.found and not t.cancelled]
    loaded: list[ChatModel] = []

    def model() -> ChatModel:  # loaded only when an answer really needs it
        if not loaded:
            loaded.append(chat_model if chat_model is not None else svc.chat_model())
        return loaded[0]

    session = svc.sessions.get(conversation_id) if history else None
    standalone = rewrite_question(model(), question, history, cancel, session) if history else question
    t_search = time.perf_counter()
    hits = svc.search(standalone, collection, k=settings.top_k, sources=list(sources) if sources else None)
    retrieved_at = time.perf_counter()
    if not gate.relevant(standalone, hits, settings.min_relevance):
        return _audit(svc, _not_found(convs, question, standalone, collection, conversation_id, hits, t0,
                                      t_search, retrieved_at, on_token), collection)
    hits = gate.sources(standalone, hits)
    m = model()
    msgs, shown = _prompt(m, settings, question, standalone, hits, history, session)
    generate_at = time.perf_counter()
    pieces: list[str] = []
    first: float | None = None
    stream = m.stream(msgs, max_tokens=settings.max_answer_tokens, temperature=settings.temperature,
                      cancel=cancel)
    try:
        for piece in stream:
            if cancel is not None and cancel.cancelled:
                break
            if not piece:
                continue
            first = first or time.perf_counter()
            pieces.append(piece)
            if on_token is not None:
                on_token(piece)
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()  # an office stream closes its HTTP response: the server stops generating
    end = time.perf_counter()
    cancelled = bool(cancel is not None and cancel.cancelled)
    text = "".join(pieces).strip()
    measured = m.timings()
    if measured is not None and measured.looped:
        text = drop_repeated_sentences(text)
    parsed = parse_answer(text, shown)
    timings = _timings(measured, t0, t_search, retrieved_at, generate_at, first, end, len(pieces))
    cid = conversation_id or convs.create(collection, question)
    convs.add_turn(cid, question, text, [dataclasses.asdict(c) for c in parsed.citations], cancelled=cancelled)
    if not cancelled:
        svc.sessions.put(cid, Session([*msgs, {"role": "assistant", "content": text}], list(shown)))
    return _audit(svc, Answer(question, text, True, parsed.citations, shown, parsed.uncited, parsed.dropped,
                              timings, cancelled, cid, standalone), collection)


def _prompt(m: ChatModel, settings: Any, question: str, standalone: str, hits: list[Hit],
            history: list[tuple[str, str]], session: Session | None) -> tuple[Messages, list[Hit]]:
    """The messages for the model and the hits they show ([n] is shown[n-1]). A follow-up keeps the
    conversation exactly as the model saw it (its KV cache serves that prefix) and adds only new
    sources, cut to `followup_source_tokens`."""
    sizes = dict(n_ctx=m.n_ctx, max_answer_tokens=settings.max_answer_tokens, count=m.count_tokens,
                 prompt_tokens=m.prompt_tokens)
    if session is not None:
        seen = {h.chunk_id for h in session.hits}
        new = [h for h in hits if h.chunk_id not in seen]
        cap = settings.followup_source_tokens
        follow = followup_messages(session.messages, question, new, len(session.hits) + 1, **sizes,
                                   new_source_tokens=cap if cap > 0 else None,
                                   terms=analyse_query(f"{standalone} {question}"))
        if follow is not None:
            msgs, used = follow
            return msgs, [*session.hits, *used]
    return answer_messages(question, hits, history, **sizes)


def _not_found(convs: Any, question: str, standalone: str, collection: str, conversation_id: str | None,
               hits: list[Hit], t0: float, t_search: float, retrieved_at: float,
               on_token: OnToken | None) -> Answer:
    text = NOT_FOUND[language(question)]
    if on_token is not None:
        on_token(text)  # so a UI that only renders streamed pieces still shows the reply
    cid = conversation_id or convs.create(collection, question)
    convs.add_turn(cid, question, text, [], found=False)
    end = time.perf_counter()
    timings = {"rewrite_ms": _ms(t0, t_search), "retrieval_ms": _ms(t_search, retrieved_at),
               "first_token_ms": 0.0, "total_ms": _ms(t0, end), "tokens_per_s": 0.0, "prompt_tokens": 0,
               "reused_tokens": 0}
    return Answer(question, text, False, hits=hits, timings=timings, conversation_id=cid,
                  standalone_query=standalone)


def rewrite_question(model: ChatModel, question: str, history: Sequence[tuple[str, str]],
                     cancel: CancelToken | None = None, session: Session | None = None) -> str:
    """A follow-up ("what about night work?") as a standalone search query.

    The model is asked first (same system + history prefix as the answer, so its KV cache serves
    both). Its reply is kept only if it adds a term from the conversation and keeps one from the
    follow-up; otherwise (small models mostly echo the follow-up) the previous question is prepended,
    with the follow-up last so the query analyser weights its terms double.
    """
    if cancel is not None and cancel.cancelled:
        return question
    msgs = session_rewrite_messages(session.messages, question) if session else rewrite_messages(question, history)
    candidate = _first_line("".join(model.stream(msgs, max_tokens=REWRITE_MAX_TOKENS, cancel=cancel)))
    q_terms = set(analyse(question))
    convo_terms = set(analyse(" ".join(f"{q} {a}" for q, a in history[-2:])))
    c_terms = set(analyse(candidate))
    if candidate and len(candidate) <= 300 and (c_terms & q_terms or not q_terms) and (c_terms - q_terms) & convo_terms:
        return candidate
    prev = history[-1][0].strip()
    return f"{prev} {question}" if prev else question


def _first_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip().strip('"“”\'').strip()
        for prefix in ("standalone question:", "rewritten question:", "question:"):
            if line.lower().startswith(prefix):
                line = line[len(prefix):].strip()
        if line:
            return line
    return ""


def _ms(a: float, b: float) -> float:
    return round((b - a) * 1000, 1)


def _timings(measured: Any, t0: float, t_search: float, retrieved_at: float, generate_at: float,
             first: float | None, end: float, n_pieces: int) -> dict[str, float]:
    """Where the time went. `measured`: the model's own timings (llama.cpp), else estimated here."""
    out = {"rewrite_ms": _ms(t0, t_search), "retrieval_ms": _ms(t_search, retrieved_at),
           "total_ms": _ms(t0, end), "wait_ms": _ms(t0, first or end)}  # wait: Enter → first token
    if measured is not None:
        out.update(first_token_ms=round(measured.first_token_ms, 1), tokens_per_s=round(measured.tokens_per_s, 2),
                   prompt_tokens=measured.prompt_tokens, reused_tokens=measured.reused_tokens)
    else:
        gen = end - (first or end)
        out.update(first_token_ms=_ms(generate_at, first or end),
                   tokens_per_s=round((n_pieces - 1) / gen, 2) if n_pieces > 1 and gen > 0 else 0.0,
                   prompt_tokens=0, reused_tokens=0)
    return out
