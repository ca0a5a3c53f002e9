"""Answerability gate and quote ranking on the dev set bench/data/answerability/dev.jsonl.

Run: `python -m bench.bench_gate [--home DIR] [--dump FILE]`. Ingests (once; a kept --home is reused)
two collections of ../shared/eval documents: "legal" (the 30 CUAD contracts + the Korean statutes the
dev questions cite) and "pubmed" (the abstracts of the first 120 PubMedQA questions); then for every dev
question runs real retrieval (Sillok.search) and the gate (service/answering.judge), and prints:
* refusal rate on unanswerable questions (PubMedQA asked of contracts+statutes, general knowledge in
  English and Korean) and false-refusal rate on answerable ones (contracts, statutes, PubMedQA), for
  the gate and for the old rule (a hit ranked by the keyword index passes), run in the same process;
* quote@3: share of answerable contract/statute questions where one of the top 3 quotes overlaps the gold
  clause, against the first sentence of each of the top 3 hits.
Targets (issue 13): refuse >= 95% of unanswerable, falsely refuse <= 5% of answerable.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from difflib import SequenceMatcher
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = Path(os.environ.get("SILLOK_SHARED") or REPO.parent / "shared") / "eval"
DEV = REPO / "bench" / "data" / "answerability" / "dev.jsonl"
PUBMED_DOCS = 120


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", s or "")).strip().lower()


def overlaps(gold: dict, source: str, text: str) -> bool:
    """score.py's rule, for a quote: same file and a shared run of min(len(gold), 30..100) characters,
    or the quote (>= 30 characters) lying inside the gold clause."""
    if Path(source).name != Path(gold["file"]).name:
        return False
    g, h = _norm(gold["text"]), _norm(text)
    need = min(len(g), max(30, min(100, len(g) // 2)))
    if not need:
        return False
    if g[:need] in h or (h in g and len(h) >= min(need, 30)):
        return True
    return SequenceMatcher(None, g, h, autojunk=False).find_longest_match(0, len(g), 0, len(h)).size >= need


def ingest(svc) -> None:
    legal = [EVAL / "cuad-contracts" / "docs"]
    ko = [json.loads(line) for line in open(EVAL / "ko-statutes" / "qa.jsonl", encoding="utf-8")]
    legal += sorted({EVAL / "ko-statutes" / g["file"] for q in ko for g in q["gold"]})  # the 50 cited laws
    qa = [json.loads(line) for line in open(EVAL / "pubmedqa" / "qa.jsonl", encoding="utf-8")][:PUBMED_DOCS]
    pubmed = [EVAL / "pubmedqa" / g["file"] for q in qa for g in q["gold"]]
    for name, paths in (("legal", legal), ("pubmed", pubmed)):
        t0 = time.perf_counter()
        report = svc.ingest(paths, name)
        svc.embed_pending(name)  # a kept --home asked with another embedding model: its vectors
        print(f"ingest {name}: {len(report.files)} files, {report.chunks} chunks, "
              f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)


def first_sentences(hits: list) -> list[tuple[str, str]]:
    from sillok.service.quotes import sentence_spans

    out = []
    for h in hits[:3]:  # the first sentence of what matched, not of the window around it (Hit.core)
        lo = h.core[0] if h.core else 0
        spans = [s for s in sentence_spans(h.text) if s[1] - s[0] >= 12 and s[0] >= lo]
        if spans:
            out.append((h.source, h.text[spans[0][0]:spans[0][1]]))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", type=Path, help="data folder to ingest into and keep (default: a temporary one)")
    ap.add_argument("--dump", type=Path, help="write each question's verdict as JSONL here")
    ap.add_argument("--quote-dense", action="store_true", help="add sentence embeddings to quote ranking")
    ap.add_argument("--answer", type=int, default=0, help="also answer this many contract questions end to end "
                    "with the configured model (bundled SmolLM2) and count grounded answers citing the gold contract")
    ap.add_argument("--embedding-model", help="embedding model setting (default: the default, multilingual-e5-small)")
    args = ap.parse_args()
    if not EVAL.is_dir():
        print(f"{EVAL} not found (set SILLOK_SHARED to the shared folder)", file=sys.stderr)
        return 2
    from sillok.service.answering import judge
    from sillok.service.facade import Sillok
    from sillok.service.quotes import rank_quotes

    items = [json.loads(line) for line in open(DEV, encoding="utf-8") if line.strip()]
    home = args.home or Path(tempfile.mkdtemp(prefix="sillok-bench-gate-"))
    svc = Sillok(home=home, **({"embedding_model": args.embedding_model} if args.embedding_model else {}))
    ingest(svc)
    rows = []
    t_gate = t_quotes = 0.0
    for it in items:
        hits = svc.search(it["question"], it["collection"])
        t0 = time.perf_counter()
        verdict, weights = judge(svc, it["question"], hits, it["collection"])
        t1 = time.perf_counter()
        qv = svc.embedder.embed_query(it["question"]) if args.quote_dense else None
        quotes = rank_quotes(weights, hits, query_vector=qv, embedder=svc.embedder if args.quote_dense else None)
        t_gate, t_quotes = t_gate + t1 - t0, t_quotes + time.perf_counter() - t1
        gold = it.get("gold", [])
        rows.append({"id": it["id"], "set": it["set"], "answerable": it["answerable"],
                     "passed": verdict.answerable, "old_passed": any("keyword" in h.ranks for h in hits),
                     "coverage": round(verdict.coverage, 3), "similarity": verdict.similarity,
                     "missing": verdict.missing[:5], "reason": verdict.reason,
                     "quote3": any(overlaps(g, q.source, q.text) for g in gold for q in quotes[:3]),
                     "first3": any(overlaps(g, s, t) for g in gold for s, t in first_sentences(hits)),
                     "quotes": [q.text[:160] for q in quotes[:3]]})
    if args.answer:
        answers(svc, items, args.answer)
    if args.dump:
        args.dump.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    report(rows, t_gate, t_quotes)
    return 0


def answers(svc, items: list[dict], n: int) -> None:
    """End to end with the model: how many contract questions get a grounded answer citing the gold
    contract (issue 13's held-out check asks >= 80% with the bundled model)."""
    picked = [it for it in items if it["set"] in ("cuad-contracts", "short-contracts") and it.get("gold")][:n]
    found = right = 0
    t0 = time.perf_counter()
    for it in picked:
        a = svc.ask(it["question"], it["collection"])
        gold = {Path(g["file"]).name for g in it["gold"]}
        found += a.found
        right += a.found and any(Path(c.source).name in gold for c in a.citations)
    n = max(len(picked), 1)
    print(f"answered end to end: {len(picked)} contract questions, grounded {found / n:.0%}, citing the gold "
          f"contract {right / n:.0%}, {(time.perf_counter() - t0) / n:.1f} s/question")


def report(rows: list[dict], t_gate: float, t_quotes: float) -> None:
    by_set: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_set[r["set"]].append(r)
    print(f"{'set':<22}{'n':>4}{'answerable':>12}{'gate refuses':>14}{'old rule refuses':>18}")
    for name, rs in by_set.items():
        ref = sum(not r["passed"] for r in rs) / len(rs)
        old = sum(not r["old_passed"] for r in rs) / len(rs)
        print(f"{name:<22}{len(rs):>4}{str(rs[0]['answerable']):>12}{ref:>14.1%}{old:>18.1%}")
    un = [r for r in rows if not r["answerable"]]
    an = [r for r in rows if r["answerable"]]
    refuse = sum(not r["passed"] for r in un) / len(un)
    false = sum(not r["passed"] for r in an) / len(an)
    print(f"\nunanswerable refused: gate {refuse:.1%} (target >= 95%), old rule "
          f"{sum(not r['old_passed'] for r in un) / len(un):.1%}")
    print(f"answerable refused:   gate {false:.1%} (target <= 5%), old rule "
          f"{sum(not r['old_passed'] for r in an) / len(an):.1%}")
    for name in ("cuad-contracts", "ko-statutes"):
        rs = [r for r in by_set.get(name, []) if r["passed"]] or by_set.get(name, [])
        rs = by_set.get(name, [])
        if rs:
            q3 = sum(r["quote3"] for r in rs) / len(rs)
            f3 = sum(r["first3"] for r in rs) / len(rs)
            print(f"quote@3 {name}: {q3:.2f} vs first sentence of top-3 hits {f3:.2f} "
                  f"({q3 / f3 if f3 else float('inf'):.2f}x)")
    n = len(rows)
    print(f"gate {1000 * t_gate / n:.0f} ms/question, quotes {1000 * t_quotes / n:.0f} ms/question")


if __name__ == "__main__":
    raise SystemExit(main())
