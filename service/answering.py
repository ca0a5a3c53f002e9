"""Answer a question from a collection: rewrite a follow-up, retrieve, decide, stream, cite, persist.

Why the relevance gate comes before the model: a small local model asked about passages that do not
hold the answer still answers (from its own memory, wrongly). Fused RRF scores say nothing absolute
("best of a bad lot" scores like a good hit), so besides `settings.min_relevance` the gate requires
that some hit shares a real query term with the question (it came from the keyword list, or a query
term of 2+ characters occurs in its text). When nothing passes, the answer is a plain "not found"
and the model is never loaded.
"""

from __future__ import annotations

import dataclasses
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import SillokError
from sillok.foundation.types import Answer, Hit
from sillok.ingest.analyzer import analyse, analyse_query
from sillok.service.audit import record_answer as _audit
from sillok.service.chain import NotRelevant, build_chain, to_lc_messages
from sillok.service.citations import drop_repeated_sentences, parse_answer
from sillok.service.conversations import Conversations
from sillok.service.langchain_retriever import SillokRetriever, document_to_hit
from sillok.service.llm_holder import holder_for
from sillok.service.prompting import (
    NOT_FOUND,
    Messages,
    answer_messages,
    followup_messages,
    language,
    rewrite_messages,
    session_rewrite_messages,
)

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

_CONVS: weakref.WeakKeyDictionary[Any, Conversations] = weakref.WeakKeyDictionary()
_CONVS_LOCK = threading.Lock()


def conversations(svc: Any) -> Conversations:
    """The conversations store of this Sillok (`<home>/conversations.db`), opened once."""
    with _CONVS_LOCK:
        store = _CONVS.get(svc)
        if store is None:
            store = _CONVS[svc] = Conversations(svc.settings.home / "conversations.db",
                                                getattr(svc, "atrest", None))
        return store


def local_chat_model(svc: Any) -> Any:
    """The LangChain chat model over this Sillok's (lazily loaded) LocalLLM."""
    s = svc.settings
    if s.office_mode and s.llm_server_url:
        from sillok.foundation.secrets import read_token
        from sillok.service.remote import make_chat_model

        return make_chat_model(s.llm_server_url, read_token(s.llm_server_url).token, s.llm_server_model,
                               s.temperature, s.max_answer_tokens, s.server_timeout_s)
    from sillok.models.langchain_chat import LocalChatModel

    return LocalChatModel(llm=holder_for(svc).get(s), max_tokens=s.max_answer_tokens, temperature=s.temperature)


@dataclass
class _Session:
    """A conversation as the model saw it, kept in memory so follow-ups reuse the KV cache.

    `messages` are the exact messages sent (system, users with their sources, the answers) and
    `hits[n-1]` is source [n] across all of them. Lost on restart: the next turn is then cold.
    """

    messages: Messages
    hits: list[Hit]


_SESSIONS: weakref.WeakKeyDictionary[Any, dict[str, _Session]] = weakref.WeakKeyDictionary()


def _sessions(svc: Any) -> dict[str, _Session]:
    with _CONVS_LOCK:
        return _SESSIONS.setdefault(svc, {})


def forget_sources(svc: Any, collection: str, sources: Sequence[str]) -> int:
    """Drop every in-memory conversation session that showed the model text of `sources`, and the
    model's prompt cache with them (document removal: its text must not stay in any cache; called by
    sillok.service.conversations.scrub_removed). Sources are absolute paths, so `collection` needs no check.
    Returns the sessions dropped; the next turn of those conversations starts cold."""
    gone = set(sources)
    sessions = _sessions(svc)
    with _CONVS_LOCK:
        stale = [cid for cid, s in sessions.items() if any(h.source in gone for h in s.hits)]
        for cid in stale:
            del sessions[cid]
    llm = holder_for(svc).llm
    if stale and llm is not None:
        llm.forget()
    return len(stale)


@dataclass
class _Run:
    """What the prompt step learnt, read back by `ask` after streaming."""

    hits: list[Hit] = dataclasses.field(default_factory=list)
    sent: Messages = dataclasses.field(default_factory=list)
    model: Any = None
    retrieved_at: float = 0.0
    generate_at: float = 0.0


def ask(svc: Any, question: str, collection: str = "default", *, conversation_id: str | None = None,
        on_token: OnToken | None = None, cancel: CancelToken | None = None,
        sources: Sequence[str] | None = None, chat_model: Any = None,
        gate: RelevanceGate = DEFAULT_GATE) -> Answer:
    """See module docstring. `chat_model` (any LangChain BaseChatModel) replaces the local model."""
    t0 = time.perf_counter()
    question = question.strip()
    if not question:
        raise SillokError("empty question")
    settings = svc.settings
    convs = conversations(svc)
    history: list[tuple[str, str]] = []
    if conversation_id is not None:
        convs.get(conversation_id)  # unknown id → SillokError before any work
        history = [(t.question, t.answer) for t in convs.turns(conversation_id) if t.found and not t.cancelled]
    run = _Run()

    def model() -> Any:
        if run.model is None:
            run.model = chat_model if chat_model is not None else local_chat_model(svc)
        return run.model

    session = _sessions(svc).get(conversation_id) if conversation_id and history else None
    standalone = (rewrite_question(model(), question, history, cancel, session) if history else question)
    t_search = time.perf_counter()

    def prompt(x: dict[str, Any]) -> Any:
        run.retrieved_at = time.perf_counter()
        hits = [document_to_hit(d) for d in x["docs"]]
        if not gate.relevant(standalone, hits, settings.min_relevance):
            raise NotRelevant(hits)
        hits = gate.sources(standalone, hits)
        m = model()
        sizes = dict(n_ctx=_n_ctx(m, settings.n_ctx), max_answer_tokens=settings.max_answer_tokens,
                     count=_counter(m), prompt_tokens=_prompt_counter(m))
        follow = None
        if session is not None:
            seen = {h.chunk_id for h in session.hits}
            new = [h for h in hits if h.chunk_id not in seen]
            cap = settings.followup_source_tokens
            follow = followup_messages(session.messages, question, new, len(session.hits) + 1, **sizes,
                                       new_source_tokens=cap if cap > 0 else None,
                                       terms=analyse_query(f"{standalone} {question}"))
        if follow is not None and session is not None:
            msgs, used = follow
            run.hits = [*session.hits, *used]
        else:
            msgs, run.hits = answer_messages(question, hits, history, **sizes)
        run.sent = msgs
        run.generate_at = time.perf_counter()
        return to_lc_messages(msgs)

    def bound_model() -> Any:
        m = model()
        return m.bind(cancel=cancel) if cancel is not None and _local_llm(m) is not None else m

    retriever = SillokRetriever(svc=svc, collection=collection, k=settings.top_k,
                                sources=list(sources) if sources else None)
    chain = build_chain(retriever, bound_model, prompt)
    pieces: list[str] = []
    first: float | None = None
    stream = chain.stream({"query": standalone})
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
    except NotRelevant as nr:
        return _audit(svc, _not_found(convs, question, standalone, collection, conversation_id, nr.hits, t0,
                                      t_search, run.retrieved_at, on_token), collection)
    finally:
        stream.close()
    end = time.perf_counter()
    cancelled = bool(cancel is not None and cancel.cancelled)
    text = "".join(pieces).strip()
    llm = _local_llm(run.model)
    if llm is not None and llm.last_timings is not None and llm.last_timings.looped:
        text = drop_repeated_sentences(text)
    parsed = parse_answer(text, run.hits)
    timings = _timings(run, t0, t_search, first, end, len(pieces))
    cid = conversation_id or convs.create(collection, question)
    convs.add_turn(cid, question, text, [dataclasses.asdict(c) for c in parsed.citations], cancelled=cancelled)
    if not cancelled and run.sent:
        _sessions(svc)[cid] = _Session([*run.sent, {"role": "assistant", "content": text}], list(run.hits))
    return _audit(svc, Answer(question, text, True, parsed.citations, run.hits, parsed.uncited, parsed.dropped,
                              timings, cancelled, cid, standalone), collection)


def _not_found(convs: Conversations, question: str, standalone: str, collection: str,
               conversation_id: str | None, hits: list[Hit], t0: float, t_search: float, retrieved_at: float,
               on_token: OnToken | None) -> Answer:
    text = NOT_FOUND[language(question)]
    if on_token is not None:
        on_token(text)  # so a UI that only renders streamed pieces still shows the reply
    cid = conversation_id or convs.create(collection, question)
    convs.add_turn(cid, question, text, [], found=False)
    end = time.perf_counter()
    timings = {"rewrite_ms": _ms(t0, t_search), "retrieval_ms": _ms(t_search, retrieved_at or end),
               "first_token_ms": 0.0, "total_ms": _ms(t0, end), "tokens_per_s": 0.0, "prompt_tokens": 0,
               "reused_tokens": 0}
    return Answer(question, text, False, hits=hits, timings=timings, conversation_id=cid,
                  standalone_query=standalone)


def rewrite_question(model: Any, question: str, history: Sequence[tuple[str, str]],
                     cancel: CancelToken | None = None, session: _Session | None = None) -> str:
    """A follow-up ("what about night work?") as a standalone search query.

    The model is asked first (same system + history prefix as the answer, so its KV cache serves
    both). Its reply is kept only if it adds a term from the conversation and keeps one from the
    follow-up; otherwise (small models mostly echo the follow-up) the previous question is prepended,
    with the follow-up last so the query analyser weights its terms double.
    """
    if cancel is not None and cancel.cancelled:
        return question
    llm = _local_llm(model)
    m = model.bind(max_tokens=REWRITE_MAX_TOKENS, cancel=cancel) if llm is not None else model
    msgs = session_rewrite_messages(session.messages, question) if session else rewrite_messages(question, history)
    reply = m.invoke(to_lc_messages(msgs))
    candidate = _first_line(reply.content if isinstance(reply.content, str) else str(reply.content))
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


def _local_llm(model: Any) -> Any:
    """The LocalLLM behind a LocalChatModel, else None (any other LangChain model)."""
    from sillok.models.langchain_chat import LocalChatModel

    return model.llm if isinstance(model, LocalChatModel) else None


def _n_ctx(model: Any, default: int) -> int:
    llm = _local_llm(model)
    return int(llm.info.n_ctx) if llm is not None else default


def _counter(model: Any) -> Callable[[str], int]:
    llm = _local_llm(model)
    if llm is not None:
        return llm.count_tokens
    return lambda text: len(text.encode("utf-8")) // 3 + 1  # no tokenizer: err on the long side


def _prompt_counter(model: Any) -> Callable[[list[dict[str, str]]], int] | None:
    llm = _local_llm(model)
    if llm is None:
        return None
    return lambda msgs: len(llm.tokenize_prompt(llm.render(msgs)))


def _ms(a: float, b: float) -> float:
    return round((b - a) * 1000, 1)


def _timings(run: _Run, t0: float, t_search: float, first: float | None, end: float,
             n_pieces: int) -> dict[str, float]:
    llm = _local_llm(run.model)
    t = llm.last_timings if llm is not None else None
    out = {"rewrite_ms": _ms(t0, t_search), "retrieval_ms": _ms(t_search, run.retrieved_at or end),
           "total_ms": _ms(t0, end), "wait_ms": _ms(t0, first or end)}  # wait: Enter → first token
    if t is not None:
        out.update(first_token_ms=round(t.first_token_ms, 1), tokens_per_s=round(t.tokens_per_s, 2),
                   prompt_tokens=t.prompt_tokens, reused_tokens=t.reused_tokens)
    else:
        gen = end - (first or end)
        out.update(first_token_ms=_ms(run.generate_at or end, first or end),
                   tokens_per_s=round((n_pieces - 1) / gen, 2) if n_pieces > 1 and gen > 0 else 0.0,
                   prompt_tokens=0, reused_tokens=0)
    return out
