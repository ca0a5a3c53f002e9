"""Retrieval benchmark: ingest speed vs the naive pipeline, recall on ../shared/eval, latency, memory.

Run: `python -m bench.bench_retrieval [--sets ko-statutes,cuad-contracts,...] [--scale 100000]`.
Each phase runs in its own subprocess so its peak resident memory is its own (ru_maxrss).
Figures are printed as a table; ratios are against the naive pipeline run in the same command.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
SETS = ["ko-statutes", "cuad-contracts", "cuad-contracts-pdf", "pubmedqa"]
BASELINE = {"ko-statutes": 0.000, "cuad-contracts": 0.314, "cuad-contracts-pdf": 0.304, "pubmedqa": 0.988}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def phase_ingest(home: str, docs: str) -> dict:
    from sillok.service.facade import Sillok

    svc = Sillok(home=Path(home))
    _ = svc.embedder.model  # load outside the timed part, like the naive run
    t0 = time.perf_counter()
    report = svc.ingest([docs], vectors=False)  # what the window does: searchable by keyword here…
    searchable = time.perf_counter() - t0
    svc.embed_pending()  # …and the vectors follow in the background
    sec = time.perf_counter() - t0
    pages = sum(f.pages for f in report.files)
    return {"seconds": sec, "searchable_s": searchable, "pages": pages, "chunks": report.chunks,
            "failed": len(report.failed), "peak_mb": _peak_mb(), "disk_bytes": _du(Path(home))}


def phase_naive(home: str, docs: str) -> dict:
    from bench.naive import Naive

    files = sorted(p for p in Path(docs).iterdir() if p.is_file())
    naive = Naive(Path(home))
    out = naive.ingest(files)
    out["peak_mb"] = _peak_mb()
    return out


def phase_search(home: str, qa: str, mode: str, out: str) -> dict:
    from sillok.service.facade import Sillok

    svc = Sillok(home=Path(home))
    lat = []
    with open(qa, encoding="utf-8") as fh, open(out, "w", encoding="utf-8") as w:
        for line in fh:
            q = json.loads(line)
            t0 = time.perf_counter()
            hits = svc.search(q["question"], k=5, mode=mode)
            lat.append(time.perf_counter() - t0)
            w.write(json.dumps({"id": q["id"], "hits": [{"source": h.source, "text": h.text} for h in hits]}) + "\n")
    lat.sort()
    return {"p50_ms": 1000 * lat[len(lat) // 2], "peak_mb": _peak_mb()}


def phase_scale(home: str, n: int) -> dict:
    """p50/p95 hybrid search latency over n synthetic chunks (random vectors, words from real text)."""
    import numpy as np

    from sillok.foundation.types import Chunk
    from sillok.ingest.analyzer import analyse
    from sillok.ingest.store import COMMITTED, DocRow
    from sillok.service.facade import Sillok

    svc = Sillok(home=Path(home))
    cid = svc.backend.store.collection_id("default")
    rng = np.random.default_rng(0)
    vocab = analyse((EVAL / "pubmedqa" / "docs").joinpath(sorted(os.listdir(EVAL / "pubmedqa" / "docs"))[0]).read_text())
    vocab += [f"term{i}" for i in range(20000)]
    key = svc.embedder.key
    per_doc = 100
    t0 = time.perf_counter()
    for d in range(n // per_doc):
        doc_id = f"syn{d:06d}"
        chunks = [Chunk(f"{doc_id}-{i}", f"/syn/{d}.txt", doc_id, i, "", None, 0, 0) for i in range(per_doc)]
        terms = [" ".join(rng.choice(vocab, 120)) for _ in chunks]
        chunks = [Chunk(c.chunk_id, c.source, c.doc_id, c.ordinal, t, None, 0, len(t)) for c, t in zip(chunks, terms, strict=True)]
        with svc.backend.store.tx():
            rowids = svc.backend.store.add_document(cid, DocRow(cid, doc_id, f"/syn/{d}.txt", doc_id, 0, COMMITTED, "", "txt", 1, per_doc, 0.0), chunks, terms)
        vecs = rng.standard_normal((per_doc, svc.embedder.dim)).astype("float32")
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        svc.backend.vectors.upsert(cid, key, rowids, [doc_id] * per_doc, vecs)
        svc.backend.store.set_vkey(cid, rowids, key)
    svc.backend.store.set_embedding(cid, key, svc.embedder.name)
    build = time.perf_counter() - t0
    queries = [" ".join(rng.choice(vocab, 8)) for _ in range(60)] + ["metformin glucose outcome", "야간근로 가산임금"]
    # The same searches with hits as their matched chunk alone (window 0), interleaved: what windows
    # cost. The same Sillok (one embedding model in memory, so the peak stays the product's).
    window = svc.settings.window_tokens
    svc.search(queries[0])  # warm
    lat, lat0 = [], []
    for q in queries:
        for size, out in ((window, lat), (0, lat0)):
            svc.settings.window_tokens = size
            t = time.perf_counter()
            svc.search(q)
            out.append(1000 * (time.perf_counter() - t))
    svc.settings.window_tokens = window
    lat.sort()
    lat0.sort()
    return {"chunks": n, "build_s": build, "p50_ms": lat[len(lat) // 2], "p95_ms": lat[int(len(lat) * 0.95)],
            "p50_ms_alone": lat0[len(lat0) // 2], "p95_ms_alone": lat0[int(len(lat0) * 0.95)],
            "peak_mb": _peak_mb(), "disk_bytes": _du(Path(home))}


def _run(phase: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.bench_retrieval", "--phase", phase, *args],
                         capture_output=True, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    if out.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _score(set_name: str, results: str) -> str:
    out = subprocess.run([sys.executable, str(EVAL / "score.py"), str(EVAL / set_name), results, "-k", "5", "--json"],
                         capture_output=True, text=True)
    return out.stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--phase")
    ap.add_argument("args", nargs="*")
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--speed-set", default="cuad-contracts-pdf")
    ap.add_argument("--scale", type=int, default=100_000)
    ap.add_argument("--modes", default="hybrid,keyword,dense")
    a = ap.parse_args()
    if a.phase:
        fn = {"ingest": phase_ingest, "naive": phase_naive, "search": phase_search, "scale": phase_scale}[a.phase]
        args = [int(x) if x.isdigit() else x for x in a.args]
        print(json.dumps(fn(*args)))
        return
    tmp = Path(tempfile.mkdtemp(prefix="sillok-bench-"))
    print(f"# Sillok retrieval benchmark ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores)\n")
    if a.speed_set:
        docs = str(EVAL / a.speed_set / "docs")
        naive = _run("naive", str(tmp / "naive"), docs)
        ours = _run("ingest", str(tmp / "speed"), docs)
        print(f"## Ingest speed on {a.speed_set}")
        for name, r in (("naive", naive), ("sillok", ours)):
            print(f"{name:7s} {r['pages']:6d} pages {r['chunks']:6d} chunks {r['seconds']:7.1f} s "
                  f"{r['pages'] / r['seconds']:6.2f} pages/s {r['chunks'] / r['seconds']:6.2f} chunks/s peak {r['peak_mb']:.0f} MB")
        print(f"ratio sillok/naive: pages/s x{(ours['pages'] / ours['seconds']) / (naive['pages'] / naive['seconds']):.2f}"
              f"  (same files, same machine, same run)")
        print(f"time until searchable: sillok {ours['searchable_s']:.1f} s (keyword index; vectors follow) vs naive "
              f"{naive['seconds']:.1f} s full ingest: x{naive['seconds'] / ours['searchable_s']:.2f} faster "
              f"(target >= 2); full ingest with vectors x{naive['seconds'] / ours['seconds']:.2f}\n")
    print("## Recall (score.py, k=5)")
    for s in [x for x in a.sets.split(",") if x]:
        home = str(tmp / s)
        ing = _run("ingest", home, str(EVAL / s / "docs"))
        print(f"{s}: {ing['chunks']} chunks, ingest {ing['seconds']:.0f} s ({ing['chunks'] / ing['seconds']:.1f} chunks/s), "
              f"peak {ing['peak_mb']:.0f} MB, disk {ing['disk_bytes'] / max(1, ing['chunks']) * 1000 / 2**20:.1f} MB/1k chunks")
        for mode in a.modes.split(","):
            res = str(tmp / f"{s}-{mode}.jsonl")
            srch = _run("search", home, str(EVAL / s / "qa.jsonl"), mode, res)
            sc = json.loads(_score(s, res))
            print(f"  {mode:8s} recall@5={sc['recall']:.3f} all@5={sc['all']:.3f} mrr@5={sc['mrr']:.3f} "
                  f"(naive {BASELINE[s]:.3f}) p50 {srch['p50_ms']:.0f} ms, search peak {srch['peak_mb']:.0f} MB")
    if a.scale:
        sc = _run("scale", str(tmp / "scale"), str(a.scale))
        print(f"\n## Scale: {sc['chunks']} synthetic chunks (built in {sc['build_s']:.0f} s)\n"
              f"hybrid search p50 {sc['p50_ms']:.1f} ms, p95 {sc['p95_ms']:.1f} ms (target p95 <= 50 ms); "
              f"hits without windows, same run: p50 {sc['p50_ms_alone']:.1f} ms, p95 {sc['p95_ms_alone']:.1f} ms; "
              f"peak {sc['peak_mb']:.0f} MB; disk {sc['disk_bytes'] / sc['chunks'] * 1000 / 2**20:.2f} MB per 1k chunks")


if __name__ == "__main__":
    main()
