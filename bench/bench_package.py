"""Packaged app: installed size (bundle, .deb) and cold start of the frozen app to a visible window.

    .venv/bin/python bench/bench_package.py [--exe build/dist/sillok/sillok] [--runs 3] [--no-window]

Size: `du` of the PyInstaller onedir bundle (build/dist/sillok) and of the newest build/sillok_*.deb,
plus the largest parts of the bundle. Start: the frozen executable on Qt's offscreen platform with
SILLOK_EXIT_AFTER_SHOW=1 (app/desktop/main.py prints {"visible_s": …} when the window is first shown,
measured from process start); the first launch after a build is the "cold" one (the OS file cache is
not dropped: the machine is shared), later launches are warm. Also the wall time of `--self-test`
(ingest + search + one SmolLM2 answer). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def du_mb(path: Path) -> dict[str, float]:
    disk = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True)
    apparent = subprocess.run(["du", "-sk", "--apparent-size", str(path)], capture_output=True, text=True, check=True)
    return {"disk_mb": round(int(disk.stdout.split()[0]) / 1024, 1),
            "apparent_mb": round(int(apparent.stdout.split()[0]) / 1024, 1)}


def largest(bundle: Path, n: int = 12) -> dict[str, float]:
    internal = bundle / "_internal"
    root = internal if internal.is_dir() else bundle
    sizes = {}
    for child in root.iterdir():
        if child.is_symlink():
            continue
        total = child.stat().st_size if child.is_file() else sum(
            f.stat().st_size for f in child.rglob("*") if f.is_file() and not f.is_symlink())
        sizes[child.name] = total
    top = sorted(sizes.items(), key=lambda kv: -kv[1])[:n]
    return {k: round(v / 2**20, 1) for k, v in top}


def window_start(exe: Path, home: Path) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SILLOK_EXIT_AFTER_SHOW": "1"}
    t0 = time.perf_counter()
    out = subprocess.run([str(exe), "--data-dir", str(home)], env=env, capture_output=True, text=True, timeout=300)
    wall = time.perf_counter() - t0
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{") and "visible_s" in ln]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"window did not report (exit {out.returncode}): {out.stderr.strip()[-400:]}")
    return {**json.loads(lines[-1]), "wall_s": round(wall, 3)}


def self_test(exe: Path) -> dict:
    t0 = time.perf_counter()
    out = subprocess.run([str(exe), "--self-test"], capture_output=True, text=True, timeout=900)
    wall = time.perf_counter() - t0
    summary = json.loads(out.stdout) if out.stdout.strip().startswith("{") else {}
    return {"exit": out.returncode, "wall_s": round(wall, 2), "ok": summary.get("ok"),
            "ingest_s": summary.get("ingest", {}).get("seconds"), "ask_s": summary.get("ask", {}).get("seconds")}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--exe", type=Path, default=REPO / "build" / "dist" / "sillok" / "sillok")
    p.add_argument("--runs", type=int, default=3, help="window launches (the first is the cold one)")
    p.add_argument("--no-window", action="store_true", help="skip the window (no desktop in this build)")
    p.add_argument("--no-self-test", action="store_true")
    args = p.parse_args()
    exe = args.exe
    if not exe.exists():
        print(f"bench_package: {exe} not found; run `make package` first", file=sys.stderr)
        return 2
    bundle = exe.resolve().parent
    result: dict = {"exe": str(exe), "bundle": {**du_mb(bundle), "largest_parts_mb": largest(bundle)}}
    debs = sorted((REPO / "build").glob("sillok_*_amd64.deb"), key=lambda d: d.stat().st_mtime)
    if debs:
        result["deb"] = {"file": debs[-1].name, "mb": round(debs[-1].stat().st_size / 2**20, 1)}
    if not args.no_window:
        runs = []
        try:
            for _ in range(max(1, args.runs)):
                with tempfile.TemporaryDirectory() as tmp:
                    runs.append(window_start(exe, Path(tmp) / "home"))
            result["window"] = {"cold_visible_s": runs[0]["visible_s"], "cold_wall_s": runs[0]["wall_s"],
                                "warm_visible_s": statistics.median(r["visible_s"] for r in runs[1:]) if len(runs) > 1 else None,
                                "rss_mb": runs[-1].get("rss_mb"), "heavy_modules": runs[-1].get("heavy_modules"),
                                "runs": runs}
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            result["window"] = {"error": str(exc)}
    if not args.no_self_test:
        result["self_test"] = self_test(exe)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
