"""OCR benchmark: pages per second on this machine and character accuracy on generated scans, Korean and
English separately (issue 15).

Run: `python -m bench.bench_ocr [--pages 8]`. Needs Pillow, the fonts and the OCR engine (as the tests do).
Pages come from tests/support/scans.py: A4 at 200 dpi, each language with clean, skewed (±3°), speckled
and blurred pages, a quarter of them turned 90/180/270°. Accuracy is difflib's ratio between the known
text and the reading (runs of whitespace counted as one space).

`--heldout` also rehearses issue 15's held-out check: 6 Korean statutes and 6 English contracts from
../shared/eval, their first pages rendered as scans (skew, speckle, blur), saved as image-only PDFs,
ingested once by `Sillok.ingest` (timed), then 33 phrases from those pages searched: the share whose file
is in the top 5.

Baseline, run in the same process on the same pages: plain Tesseract as most wrappers call it — automatic
layout (PSM 3), `kor+eng` for every page, no deskew and no turning. Ratios are ours against it.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from tests.support.scans import Look, accuracy, lines_for, render_page, save_pdf, wrap_pages

LOOKS = [Look(), Look(skew=2.5, speckle=300, blur=0.6), Look(skew=-3.0, speckle=400, blur=0.8, turn=90),
         Look(skew=1.0, speckle=300, blur=0.6, turn=180), Look(skew=-1.5, blur=0.5), Look(skew=3.0, speckle=200),
         Look(turn=270, speckle=200, blur=0.6), Look(skew=-2.5, speckle=500, blur=1.0)]


def pages(lang: str, n: int) -> list[tuple[str, np.ndarray]]:
    out = []
    for i in range(n):
        lines = lines_for(lang, 10, seed=100 + i)
        out.append(("\n".join(lines), np.asarray(render_page(lines, lang, LOOKS[i % len(LOOKS)], seed=i))))
    return out


def baseline(img: np.ndarray, api: Any) -> str:
    api.SetImageBytes(img.tobytes(), img.shape[1], img.shape[0], 1, img.shape[1])
    api.SetSourceResolution(200)
    return str(api.GetUTF8Text())


def heldout(pages_per_file: int, eval_dir: str = "") -> None:
    """Scans of real statutes and contracts: one ingest (timed), then phrases → their file in the top 5."""
    import random
    import tempfile
    from pathlib import Path

    from sillok.service.facade import Sillok

    where = Path(eval_dir) if eval_dir else Path(__file__).resolve().parents[2] / "shared" / "eval"
    picks = [(p, "ko") for p in sorted((where / "ko-statutes" / "docs").glob("*.md"))[:6]]
    picks += [(p, "en") for p in sorted((where / "cuad-contracts" / "docs").glob("*.txt"))[:6]]
    if len(picks) < 12:
        raise SystemExit(f"{where} is not there: the held-out rehearsal needs ../shared/eval (or --eval DIR)")
    rng = random.Random(15)
    tmp = Path(tempfile.mkdtemp(prefix="sillok-ocr-"))
    docs = tmp / "docs"
    docs.mkdir()
    phrases: list[tuple[str, str]] = []
    n_pages = 0
    for i, (path, lang) in enumerate(picks):
        laid = wrap_pages(path.read_text(encoding="utf-8"), lang, max_pages=pages_per_file)
        looks = [Look(skew=rng.uniform(-3, 3), speckle=rng.choice((200, 400)), blur=rng.choice((0.5, 0.8)))
                 for _ in laid]
        out = docs / f"scan-{i:02d}-{lang}.pdf"
        save_pdf(out, [render_page(lines, lang, look, seed=i, size=30) for lines, look in zip(laid, looks, strict=True)])
        n_pages += len(laid)
        candidates = [line for page in laid for line in page if len(line.split()) >= 6] or [
            line for page in laid for line in page]
        for line in rng.sample(candidates, min(len(candidates), 3 if i < 9 else 2)):
            words = line.split()
            start = rng.randrange(0, max(1, len(words) - 6))
            phrases.append((" ".join(words[start:start + 6]), out.name))
    svc = Sillok(home=tmp / "home")
    _ = svc.embedder.name
    t0 = time.perf_counter()
    report = svc.ingest([docs])
    seconds = time.perf_counter() - t0
    found = sum(any(Path(h.source).name == name for h in svc.search(q, k=5)) for q, name in phrases)
    failed = [f.path for f in report.files if f.status not in ("indexed", "updated")]
    print(f"held-out rehearsal: 12 image-only PDFs, {n_pages} pages, one ingest {seconds:.0f} s "
          f"({n_pages / seconds:.2f} pages/s incl. embedding); {found}/{len(phrases)} phrases "
          f"({found / len(phrases):.0%}) find their file in the top 5; failed: {failed or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=8, help="pages per language")
    parser.add_argument("--heldout", action="store_true", help="also rehearse the held-out check")
    parser.add_argument("--heldout-pages", type=int, default=2, help="pages per file in the rehearsal")
    parser.add_argument("--eval", default="", help="the shared eval folder (default ../shared/eval)")
    args = parser.parse_args()
    from tesserocr import PSM, PyTessBaseAPI

    from sillok.ingest import ocr
    from sillok.ingest.loaders.scan import pool_size

    if not ocr.available():
        raise SystemExit("no OCR engine: pip tesserocr and apt tesseract-ocr-kor tesseract-ocr-eng")
    engine = ocr.Engine()
    tessdata = str(ocr.tessdata_dir()) + "/"
    rows = []
    for lang in ("ko", "en"):
        sample = pages(lang, args.pages)
        engine.recognise(sample[0][1])  # load the models outside the timed part
        t0 = time.perf_counter()
        ours = [engine.recognise(img) for _, img in sample]
        serial = time.perf_counter() - t0
        api = PyTessBaseAPI(path=tessdata, lang="kor+eng", psm=PSM.AUTO)
        baseline(sample[0][1], api)
        t0 = time.perf_counter()
        plain = [baseline(img, api) for _, img in sample]
        base_s = time.perf_counter() - t0
        api.End()
        acc = float(np.mean([accuracy(t, p.text) for (t, _), p in zip(sample, ours, strict=True)]))
        acc_min = float(np.min([accuracy(t, p.text) for (t, _), p in zip(sample, ours, strict=True)]))
        base = float(np.mean([accuracy(t, p) for (t, _), p in zip(sample, plain, strict=True)]))
        conf = float(np.mean([p.confidence for p in ours]))
        rows.append((lang, len(sample), acc, acc_min, base, conf, len(sample) / serial, len(sample) / base_s))
    workers = pool_size()
    both = pages("ko", args.pages // 2) + pages("en", args.pages // 2)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda item: engine.recognise(item[1]), both))
    pooled = len(both) / (time.perf_counter() - t0)

    print(f"OCR on generated 200 dpi A4 scans ({args.pages} pages per language; skew ±3°, turns, speckle, blur)")
    print(f"{'lang':<5}{'pages':>6}{'accuracy':>10}{'worst':>8}{'baseline':>10}{'ratio':>7}{'confidence':>12}"
          f"{'pages/s':>9}{'base p/s':>10}")
    for lang, n, acc, worst, base, conf, pps, bps in rows:
        print(f"{lang:<5}{n:>6}{acc:>10.3f}{worst:>8.3f}{base:>10.3f}{acc / max(base, 1e-9):>7.2f}{conf:>12.3f}"
              f"{pps:>9.2f}{bps:>10.2f}")
    print(f"pool of {workers} worker(s), Korean and English mixed: {pooled:.2f} pages/s")
    if args.heldout:
        heldout(args.heldout_pages, args.eval)


if __name__ == "__main__":
    main()
