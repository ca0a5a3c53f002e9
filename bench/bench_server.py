"""Office model server vs embedded model: ask latency, tokens/s, and throughput under 1/4/8 askers.

Run: `.venv/bin/python -m bench.bench_server [--tokens 64] [--runs 3] [--askers 1,4,8]`.
Everything is on loopback: a `python -m llama_cpp.server` child with the same GGUF (default: the bundled
SmolLM2) and the same thread counts as the embedded LocalLLM; both answer the same questions through
`sillok.service.answering.ask` over the same small collection (three PubMedQA abstracts), so the difference is the
HTTP/SSE hop. Throughput: N threads each stream the same RAG-sized prompt from the one server
(`--requests` each); llama-cpp-python's server runs one generation at a time, so aggregate tokens/s
stays roughly flat while latency grows with N — the figure IT needs to size the machine.
tokens/s for the server counts streamed pieces (one SSE chunk per token in llama_cpp.server).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.bench_llm import DOCS, QUESTIONS


def _server(model: str, tmp: Path):
    """The server with the embedded LocalLLM's thread counts (sillok.models.llm defaults), for a fair comparison."""
    import os

    from sillok.models.llm import _default_threads
    from tests.server.conftest import Server, free_port

    port = free_port()
    argv = [sys.executable, "-m", "llama_cpp.server", "--model", model, "--host", "127.0.0.1", "--port",
            str(port), "--n_ctx", "2048", "--n_threads", str(_default_threads()), "--n_threads_batch",
            str(max(_default_threads(), os.cpu_count() or 1)), "--verbose", "false"]
    return Server("llama_cpp.server", argv, port, "/v1/models", tmp / "llm.log")


def _ask_series(svc, model, runs: int) -> dict[str, float]:
    from sillok.service.answering import ask

    totals, firsts, tps = [], [], []
    for _ in range(runs):
        for _, q in QUESTIONS:
            a = ask(svc, q, chat_model=model)
            t = a.timings
            totals.append(t["total_ms"])
            firsts.append(t["first_token_ms"])
            tps.append(t["tokens_per_s"])
    return {"total_ms": statistics.median(totals), "first_token_ms": statistics.median(firsts),
            "tokens_per_s": statistics.median(tps)}


def _throughput(url: str, askers: int, requests: int, tokens: int) -> dict[str, float]:
    from sillok.foundation.types import Hit
    from sillok.models.office_chat import make_chat_model
    from sillok.service.prompting import answer_messages

    hits = [Hit(chunk_id=f"c{i}", source=n, text=(DOCS / n).read_text(encoding="utf-8")[:1200], score=1.0)
            for i, (n, _) in enumerate(QUESTIONS)]
    counter = [0]
    latencies: list[float] = []
    pieces = [0]
    lock = threading.Lock()

    def prompt() -> list:
        # A different question each request: identical prompts would be served from the server's cache.
        with lock:
            counter[0] += 1
            n = counter[0]
        q = f"{QUESTIONS[n % len(QUESTIONS)][1]} Answer in detail (request {n})."
        rotated = hits[n % len(hits):] + hits[: n % len(hits)]  # a different prefix too (no KV reuse)
        msgs, _ = answer_messages(q, rotated, [], n_ctx=2048, max_answer_tokens=tokens,
                                  count=lambda s: len(s.encode()) // 3 + 1)
        return msgs

    def worker() -> None:
        model = make_chat_model(url, None, timeout=300)
        for _ in range(requests):
            msgs = prompt()
            t0 = time.perf_counter()
            n = sum(1 for c in model.stream(msgs, max_tokens=tokens) if c)
            with lock:
                latencies.append(time.perf_counter() - t0)
                pieces[0] += n

    threads = [threading.Thread(target=worker) for _ in range(askers)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    wall = time.perf_counter() - t0
    return {"askers": askers, "requests": len(latencies), "wall_s": wall, "tokens_per_s": pieces[0] / wall,
            "median_latency_s": statistics.median(latencies), "max_latency_s": max(latencies)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=None, help="GGUF path (default: the bundled SmolLM2)")
    ap.add_argument("--tokens", type=int, default=64)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--askers", default="1,4,8")
    ap.add_argument("--requests", type=int, default=1, help="requests per asker in the throughput test")
    args = ap.parse_args()

    from sillok.models.defaults import default_llm_path
    from sillok.models.office_chat import make_chat_model
    from sillok.service.facade import Sillok

    model = args.model or str(default_llm_path())
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        svc = Sillok(home=tmp / "home", llm_model=model, top_k=3, n_ctx=2048,
                     max_answer_tokens=args.tokens)
        svc.ingest([DOCS / n for n, _ in QUESTIONS])
        server = _server(model, tmp)
        server.start()
        try:
            remote = make_chat_model(server.url, None, n_ctx=2048, timeout=300)
            _ask_series(svc, remote, 1)  # warm both (model load, page cache)
            embedded = svc.chat_model()
            _ask_series(svc, embedded, 1)
            rows = {"embedded": _ask_series(svc, embedded, args.runs), "server": _ask_series(svc, remote, args.runs)}
            print(f"model {Path(model).name}, same threads both ways, {args.tokens} answer tokens, "
                  f"{args.runs}x{len(QUESTIONS)} questions (medians)")
            print(f"{'':10} {'ask total ms':>13} {'first token ms':>15} {'tokens/s':>9}")
            for name, r in rows.items():
                print(f"{name:10} {r['total_ms']:13.0f} {r['first_token_ms']:15.0f} {r['tokens_per_s']:9.1f}")
            ratio = rows["server"]["total_ms"] / max(rows["embedded"]["total_ms"], 1e-6)
            print(f"server/embedded ask time: {ratio:.2f}")
            print(f"\nthroughput on one server ({args.requests} requests per asker, {args.tokens} tokens each)")
            print(f"{'askers':>6} {'requests':>8} {'wall s':>7} {'tokens/s':>9} {'median s':>9} {'max s':>7}")
            for n in [int(x) for x in args.askers.split(",") if x]:
                r = _throughput(server.url, n, args.requests, args.tokens)
                print(f"{r['askers']:6d} {r['requests']:8d} {r['wall_s']:7.1f} {r['tokens_per_s']:9.1f} "
                      f"{r['median_latency_s']:9.1f} {r['max_latency_s']:7.1f}")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
