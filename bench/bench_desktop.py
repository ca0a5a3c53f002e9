"""Desktop start-up and memory: time from process start to a visible window, and resident memory
before and after the default models are loaded (one real question).

Cold = a fresh interpreter that may not use or write bytecode caches (PYTHONDONTWRITEBYTECODE=1 and
a private empty PYTHONPYCACHEPREFIX), so every module is compiled; the OS file cache cannot be dropped
here. Warm = the same launch again with the caches in place. Each launch is a subprocess on the
offscreen platform with SILLOK_EXIT_AFTER_SHOW=1 (main() prints one JSON line once the window shows).
Targets: visible ≤ 1.5 s, ≤ 300 MB before models, ≤ 1.5 GB with models.

    .venv/bin/python bench/bench_desktop.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOC = REPO.parent / "shared" / "eval" / "pubmedqa" / "docs" / "pmid-10135926.txt"

MODELS_SCRIPT = r"""
import json, os, sys, time
from PySide6.QtWidgets import QApplication
from sillok.app.desktop.main import rss_mb
from sillok.app.desktop.window import MainWindow
from sillok.foundation.settings import load_settings
app = QApplication([])
home = sys.argv[1]
w = MainWindow(load_settings(home=home), {"home": home}, "en")
w.show()
def wait(cond, limit=600):
    t = time.time()
    while not cond() and time.time() - t < limit:
        app.processEvents(); time.sleep(0.01)
wait(lambda: w.snapshot is not None and not w.worker.busy)
before = rss_mb()
w.add_paths([sys.argv[2]])
wait(lambda: w._ingest_job is None and not w.worker.busy)
t0 = time.perf_counter()
w.ask("How long did in-flight intubation take?")
wait(lambda: not w.chat.generating)
ask_s = time.perf_counter() - t0
after = rss_mb()
print(json.dumps({"rss_before_models_mb": round(before, 1), "rss_with_models_mb": round(after, 1),
                  "first_answer_s": round(ask_s, 2), "renders": w.chat.renders,
                  "answer_chars": len(w.chat.turns[-1].text)}), flush=True)
w.close()
"""


def launch(home: Path, env: dict[str, str]) -> dict:
    env = {**os.environ, **env, "SILLOK_EXIT_AFTER_SHOW": "1", "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(home)], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise SystemExit(f"launch failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-models", action="store_true", help="only the start-up figures")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        cold = [launch(home, {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(Path(tmp) / f"pyc{i}")})
                for i in range(args.runs)]
        launch(home, {})  # fills the caches
        warm = [launch(home, {}) for _ in range(args.runs)]
        for name, runs in (("cold", cold), ("warm", warm)):
            vis = [r["visible_s"] for r in runs]
            print(f"{name}: window visible in {statistics.median(vis):.2f} s (median of {len(vis)}; "
                  f"min {min(vis):.2f}, max {max(vis):.2f}); RSS {statistics.median(r['rss_mb'] for r in runs):.0f} MB; "
                  f"heavy modules at show: {runs[0]['heavy_modules'] or 'none'}  [target ≤ 1.5 s]")
        if args.skip_models:
            return
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HF_HUB_OFFLINE": "1"}
        out = subprocess.run([sys.executable, "-c", MODELS_SCRIPT, str(Path(tmp) / "home2"), str(DOC)], cwd=REPO,
                             env=env, capture_output=True, text=True, timeout=900)
        if out.returncode != 0:
            raise SystemExit(f"model run failed: {out.stderr[-2000:]}")
        m = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"memory: {m['rss_before_models_mb']:.0f} MB before models [target ≤ 300 MB], "
              f"{m['rss_with_models_mb']:.0f} MB with the default embedding + LLM loaded [target ≤ 1500 MB]")
        print(f"first answer (model load + retrieval + generation): {m['first_answer_s']:.1f} s, "
              f"{m['answer_chars']} chars, transcript re-rendered {m['renders']} times")


if __name__ == "__main__":
    main()
