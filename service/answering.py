"""Answer a question from a collection: rewrite a follow-up, retrieve, judge, quote, stream, verify, persist.

The path is direct: `Sillok.search` gives Hits; the answerability gate (service/gate.py) decides whether
they can hold the answer at all — if not, the answer is a plain "not in your documents" with the closest
passages, and the model is never loaded; the documents' own sentences that answer it are ranked without
the model (service/quotes.py) and come first in every answer; `prompting` packs the hits into chat
messages and the `ChatModel` (this computer's llama.cpp model or the office server, chosen once in
sillok.service.backends) streams its synthesis; service/grounding.py then keeps only citations a passage
supports. Grounded or nothing: `found` is True only with at least one verified citation, otherwise the
model's words are kept apart (`unverified_text`) and never shown as the answer.

When the answering model cannot write the question's language (the bundled SmolLM2 is English-only; the
facade knows each catalogued model's languages), nothing is generated: the quotes are the answer, cited,
and `notice` says which model to download in Settings → Download.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from typing import Any

from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import SillokError
from sillok.foundation.protocols import ChatModel, Messages
from sillok.foundation.types import Answer, Citation, Hit, Quote
from sillok.ingest.analyzer import analyse, analyse_query
from sillok.service.audit import record_answer as _audit
from sillok.service.citations import drop_repeated_sentences
from sillok.service.gate import DEFAULT_GATE, AnswerGate, Verdict, term_weights
from sillok.service.grounding import ground
from sillok.service.prompting import (
    NOT_FOUND,
    STOPPED,
    UNCHECKED,
    answer_messages,
    followup_messages,
    language,
    language_notice,
    rewrite_messages,
    session_rewrite_messages,
)
from sillok.service.quotes import rank_quotes
from sillok.service.sessions import Session

OnToken = Callable[[str], None]
REWRITE_MAX_TOKENS = 48
CLOSEST = 3  # passages listed under a refusal


def judge(svc: Any, question: str, hits: Sequence[Hit], collection: str,
          gate: AnswerGate = DEFAULT_GATE) -> tuple[Verdict, dict[str, float]]:
    """The gate's verdict on `hits` for `question`, and the question's term weights (IDF from this
    collection's index), which the quotes reuse."""
    index = svc.index(collection)
    reader = index.reader()  # one read view (the office index fetches its manifest once)
    cache: dict[str, tuple[dict[str, int], int]] = {}

    def doc_freq(terms: Sequence[str]) -> tuple[dict[str, int], int]:
        key = "\x1f".join(terms)
        if key not in cache:
            cache[key] = reader.term_doc_freq(terms)
        return cache[key]

    floor_gate = gate if gate.min_score else dataclasses.replace(gate, min_score=svc.settings.min_relevance)
    verdict = floor_gate.judge(question, hits, doc_freq, svc.dense_embedder(index).name)
    return verdict, term_weights(question, doc_freq)


def ask(svc: Any, question: str, collection: str = "default", *, conversation_id: str | None = None,
        on_token: OnToken | None = None, cancel: CancelToken | None = None,
        sources: Sequence[str] | None = None, chat_model: ChatModel | None = None,
        gate: AnswerGate = DEFAULT_GATE) -> Answer:
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

    langs, model_name = (None, "") if chat_model is not None else svc.model_languages()
    writes = langs is None or language(question) in langs or "*" in langs
    session = svc.sessions.get(conversation_id) if history else None
    if history and writes:
        standalone = rewrite_question(model(), question, history, cancel, session)
    elif history:  # no model to ask: the previous question gives the follow-up its subject
        standalone = f"{history[-1][0].strip()} {question}"
    else:
        standalone = question
    t_search = time.perf_counter()
    hits = svc.search(standalone, collection, k=settings.top_k, sources=list(sources) if sources else None)
    verdict, weights = judge(svc, standalone, hits, collection, gate)
    retrieved_at = time.perf_counter()
    stamps = (t0, t_search, retrieved_at)
    if not verdict.answerable:
        return _audit(svc, _refusal(convs, question, standalone, collection, conversation_id, hits, stamps,
                                    on_token, NOT_FOUND[language(question)]), collection)
    quotes = rank_quotes(weights, hits)
    if not writes:
        notice = language_notice(question, model_name, svc.recommended_model(language(question)))
        return _audit(svc, _quotes_answer(convs, question, standalone, collection, conversation_id, hits,
                                          quotes, stamps, on_token, notice), collection)
    retrieved, hits = hits, gate.sources(standalone, hits)
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
    raw = "".join(pieces).strip()
    measured = m.timings()
    if measured is not None and measured.looped:
        raw = drop_repeated_sentences(raw)
    checked = ground(raw, shown, weights, attribute=not cancelled)  # a cut-off fragment is no claim
    timings = _timings(measured, t0, t_search, retrieved_at, generate_at, first, end, len(pieces))
    if not checked.found and not cancelled and quotes and settings.quotes_when_unverified:
        answer = _quotes_answer(convs, question, standalone, collection, conversation_id, retrieved, quotes,
                                (t0, t_search, retrieved_at), None, UNCHECKED[language(question)])
        return _audit(svc, dataclasses.replace(answer, timings=timings, unverified_text=raw), collection)
    cid = conversation_id or convs.create(collection, question)
    if checked.found:
        text, unverified, closest = checked.text, "", []
    else:
        text = (STOPPED if cancelled else NOT_FOUND)[language(question)]
        unverified, closest = raw, list(shown[:CLOSEST])
    citations = checked.citations
    convs.add_turn(cid, question, text, [_cite_dict(c) for c in citations], found=checked.found,
                   cancelled=cancelled)
    if not cancelled and checked.found:
        svc.sessions.put(cid, Session([*msgs, {"role": "assistant", "content": raw}], list(shown)))
    answer = Answer(question, text, checked.found, citations, shown, checked.uncited if checked.found else [],
                    checked.dropped, timings, cancelled, cid, standalone, quotes=quotes, closest=closest,
                    unverified_text=unverified)
    return _audit(svc, answer, collection)


def _cite_dict(c: Citation) -> dict[str, Any]:
    return dataclasses.asdict(c)


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


def _refusal(convs: Any, question: str, standalone: str, collection: str, conversation_id: str | None,
             hits: list[Hit], stamps: tuple[float, float, float], on_token: OnToken | None, text: str,
             notice: str = "") -> Answer:
    """"Not in your documents", with the closest passages for staff to read; the model is never asked."""
    if on_token is not None:
        on_token(text)  # so a UI that only renders streamed pieces still shows the reply
    cid = conversation_id or convs.create(collection, question)
    convs.add_turn(cid, question, text, [], found=False)
    return Answer(question, text, False, hits=hits, timings=_quick_timings(stamps), conversation_id=cid,
                  standalone_query=standalone, closest=list(hits[:CLOSEST]), notice=notice)


def _quotes_answer(convs: Any, question: str, standalone: str, collection: str, conversation_id: str | None,
                   hits: list[Hit], quotes: list[Quote], stamps: tuple[float, float, float],
                   on_token: OnToken | None, notice: str) -> Answer:
    """The quotes as the answer, each cited ([n] is the n-th hit), when no model can write the language."""
    if not quotes:
        return _refusal(convs, question, standalone, collection, conversation_id, hits, stamps, on_token,
                        NOT_FOUND[language(question)], notice)
    index = {h.chunk_id: i for i, h in enumerate(hits)}
    citations: dict[int, Citation] = {}
    lines = []
    for q in quotes:
        i = index[q.chunk_id]
        h = hits[i]
        citations.setdefault(i + 1, Citation(i + 1, q.source, q.page, q.article, " ".join(q.text.split()),
                                             q.chunk_id, h.start + q.start, h.start + q.end, q.title))
        lines.append(f"“{' '.join(q.text.split())}” [{i + 1}]")
    text = "\n".join(lines)
    if on_token is not None:
        on_token(text)
    cid = conversation_id or convs.create(collection, question)
    cites = sorted(citations.values(), key=lambda c: c.n)
    convs.add_turn(cid, question, text, [_cite_dict(c) for c in cites], found=True)
    return Answer(question, text, True, cites, hits, timings=_quick_timings(stamps), conversation_id=cid,
                  standalone_query=standalone, quotes=quotes, notice=notice)


def _quick_timings(stamps: tuple[float, float, float]) -> dict[str, float]:
    t0, t_search, retrieved_at = stamps
    end = time.perf_counter()
    return {"rewrite_ms": _ms(t0, t_search), "retrieval_ms": _ms(t_search, retrieved_at),
            "first_token_ms": 0.0, "total_ms": _ms(t0, end), "tokens_per_s": 0.0, "prompt_tokens": 0,
            "reused_tokens": 0}


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
