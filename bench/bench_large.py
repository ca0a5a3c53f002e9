"""A collection of 10,000 documents in the window: filling the document list, filtering it, switching
collections, and how long the event loop stalls meanwhile (what decides whether ingest progress and
typing stay live). Target: every step < 200 ms.

Measured on the real Sidebar (a QAbstractTableModel behind a QTableView, app/desktop/doc_model.py) and,
as the baseline in the same process, the widget-per-row QTreeWidget the list used to be (one
QTreeWidgetItem per document, filtered by hiding items). The documents are DocumentInfo rows shaped as
the facade returns them (names like a law office's files, 5% failed or needing OCR); the facade's own
`documents()` runs on the worker thread, not on the UI thread measured here. Also the ingest panel's
results after a 10,000-file ingest (capped at MAX_LINES) against one list line per file. Offscreen platform, a
shown and painted widget; the median of --runs.

    .venv/bin/python -m bench.bench_large [--docs 10000] [--runs 3] [--facade]

--facade also ingests --docs small text files into a real collection (once; minutes) and times what a
collection switch costs on the worker thread: the facade's `documents()` and the window's snapshot.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

SCRIPT = r"""
import json, random, statistics, sys, time
from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtWidgets import QApplication, QTreeWidget, QTreeWidgetItem
from sillok.app.desktop.i18n import install_language
from sillok.app.desktop.sidebar import Sidebar
from sillok.foundation.types import DocumentInfo

n, runs = int(sys.argv[1]), int(sys.argv[2])
app = QApplication([])
install_language("en")
rng = random.Random(7)
KINDS = ["계약서", "준비서면", "진료기록", "agreement", "invoice", "memo", "판결문", "consent"]

def docs(tag):
    out = []
    for i in range(n):
        name = f"{rng.choice(KINDS)}-{tag}-{i:05d}{rng.choice(['.pdf', '.docx', '.hwp', '.txt'])}"
        status = "indexed" if rng.random() > 0.05 else rng.choice(["failed", "needs_ocr"])
        reason = "" if status == "indexed" else ("needs OCR: no text layer on any page" if status == "needs_ocr"
                                                  else "corrupt or unreadable PDF (PdfReadError)")
        out.append(DocumentInfo(f"/srv/matters/{tag}/{name}", f"{i:016x}", status, rng.randint(1, 80),
                                rng.randint(1, 300), "2026-11-23T10:00:00", reason, name))
    return out

A, B = docs("a"), docs("b")

class Stall:
    # The longest gap between two ticks of a 5 ms timer: how long the UI could not repaint.
    def __init__(self):
        self.t = QElapsedTimer(); self.timer = QTimer(); self.timer.setInterval(5)
        self.timer.timeout.connect(self.tick); self.worst = 0; self.last = 0
    def tick(self):
        now = self.t.elapsed(); self.worst = max(self.worst, now - self.last); self.last = now
    def start(self):
        self.t.start(); self.last = 0; self.worst = 0; self.timer.start()
    def stop(self):
        self.timer.stop(); return self.worst

def ms(fn):
    t = time.perf_counter(); fn(); app.processEvents(); return (time.perf_counter() - t) * 1000

def settle():
    for _ in range(5):
        app.processEvents()

# -- the model-based Sidebar --------------------------------------------------------------------------
def model_run():
    sb = Sidebar(); sb.resize(420, 800); sb.show(); settle()
    stall = Stall(); stall.start()
    fill = ms(lambda: sb.set_documents(A))
    typed = [ms(lambda t=t: sb.filter.setText(t)) for t in ("c", "co", "con", "cons", "consent-a-01")]
    clear = ms(lambda: sb.filter.setText(""))
    switch = ms(lambda: sb.set_documents(B))
    resort = ms(lambda: sb.docs.sortByColumn(3, sb.docs.horizontalHeader().sortIndicatorOrder()))
    settle()
    worst = stall.stop()
    rows = sb.model.rowCount(); sb.close()
    return {"fill": fill, "filter": max(typed), "clear": clear, "switch": switch, "sort": resort,
            "stall": worst, "rows": rows}

# -- the baseline: one QTreeWidgetItem per document (the list before bench_large) ----------------------
def tree_fill(tree, docs):
    tree.setSortingEnabled(False); tree.clear()
    for d in docs:
        item = QTreeWidgetItem([d.source.rsplit("/", 1)[-1], d.status, str(d.pages), str(d.chunks), d.added[:10]])
        item.setToolTip(1, d.reason or d.status); tree.addTopLevelItem(item)
    tree.setSortingEnabled(True)

def tree_filter(tree, text):
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        item.setHidden(bool(text) and text not in f"{item.text(0)} {item.text(1)}".lower())

def tree_run():
    tree = QTreeWidget(); tree.setColumnCount(5); tree.resize(420, 800); tree.show(); settle()
    stall = Stall(); stall.start()
    fill = ms(lambda: tree_fill(tree, A))
    typed = [ms(lambda t=t: tree_filter(tree, t)) for t in ("c", "co", "con", "cons", "consent-a-01")]
    clear = ms(lambda: tree_filter(tree, ""))
    switch = ms(lambda: tree_fill(tree, B))
    resort = ms(lambda: tree.sortByColumn(3, tree.header().sortIndicatorOrder()))
    settle()
    worst = stall.stop(); tree.close()
    return {"fill": fill, "filter": max(typed), "clear": clear, "switch": switch, "sort": resort, "stall": worst}

# -- the ingest panel's results after a 10,000-file ingest: capped vs one line per file ------------------
from sillok.app.desktop import ingest_panel
from sillok.foundation.types import FileResult, IngestReport

def panel_run(cap):
    ingest_panel.MAX_LINES = cap
    panel = ingest_panel.IngestPanel(); panel.show(); panel.start("large", ["/m"]); settle()
    report = IngestReport([FileResult(d.source, "indexed", "", d.pages, d.chunks) for d in A], False, 60.0)
    return ms(lambda: panel.finish(report))

CAP = ingest_panel.MAX_LINES
panel_ms = [panel_run(CAP) for _ in range(runs)]
panel_base = [panel_run(10**9) for _ in range(runs)]

def median(rows, key):
    return statistics.median(r[key] for r in rows)

model = [model_run() for _ in range(runs)]
base = [tree_run() for _ in range(runs)]
print(json.dumps({k: [median(model, k), median(base, k)] for k in ("fill", "filter", "clear", "switch", "sort", "stall")}
                 | {"panel": [statistics.median(panel_ms), statistics.median(panel_base)], "rows": model[0]["rows"]}))
"""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--docs", type=int, default=10_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--facade", action="store_true", help="also time the facade's side on a real collection")
    args = p.parse_args(argv)
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(args.docs), str(args.runs)], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        print(out.stderr[-3000:], file=sys.stderr)
        return 1
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{args.docs} documents per collection, median of {args.runs} runs (ms; baseline = a QTreeWidgetItem "
          "per document, same process)")
    print(f"{'step':28} {'model':>9} {'baseline':>9} {'ratio':>7}  target")
    names = {"fill": "fill the list (first show)", "filter": "filter, worst keystroke", "clear": "clear the filter",
             "switch": "switch collection", "sort": "sort by another column", "stall": "longest UI stall",
             "panel": "ingest results (panel)"}
    ok = True
    for key, label in names.items():
        model, base = figures[key]
        ok &= model < 200
        print(f"{label:28} {model:9.1f} {base:9.1f} {base / max(model, 0.01):6.1f}x  {'<200 ms ✓' if model < 200 else '<200 ms ✗'}")
    print(f"rows shown after switching: {figures['rows']}")
    if args.facade:
        ok &= facade_side(args.docs, args.runs)
    return 0 if ok else 1


def facade_side(n: int, runs: int) -> bool:
    """Ingest ``n`` one-paragraph files (real loaders, Kiwi, MiniLM, Chroma), then time documents() and
    the window's snapshot for that collection, as the worker runs them on a collection switch."""
    import statistics
    import tempfile
    import time

    from sillok.app.desktop import jobs
    from sillok.service.facade import Sillok

    with tempfile.TemporaryDirectory(prefix="sillok-large-") as tmp:
        docs = Path(tmp) / "docs"
        for i in range(n):
            sub = docs / f"{i // 500:03d}"
            sub.mkdir(parents=True, exist_ok=True)
            (sub / f"memo-{i:05d}.txt").write_text(f"Memo {i}: the lease of office {i % 97} ends in month {i % 12}.\n",
                                                   encoding="utf-8")
        svc = Sillok(home=Path(tmp) / "home")
        t = time.perf_counter()
        report = svc.ingest([docs], "large")
        ingest_s = time.perf_counter() - t
        svc.create_collection("small")
        docs_ms, snap_ms = [], []
        for _ in range(runs):
            t = time.perf_counter()
            rows = svc.documents("large")
            docs_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            jobs.snapshot(svc, "large")
            snap_ms.append((time.perf_counter() - t) * 1000)
        d, sn = statistics.median(docs_ms), statistics.median(snap_ms)
        print(f"facade, {len(rows)} documents ingested in {ingest_s:.0f} s ({len(report.failed)} failed):")
        print(f"  documents() {d:.1f} ms, window snapshot {sn:.1f} ms (worker thread; the UI stays free)")
        return True


if __name__ == "__main__":
    sys.exit(main())
