"""`make bench`: every benchmark, one after another, each printing its own figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCHES = ["bench.bench_embedding", "bench.bench_retrieval", "bench.bench_llm", "bench.bench_desktop", "bench.bench_large", "bench.bench_package"]


def main() -> int:
    failed = []
    for mod in BENCHES:
        if not (REPO / (mod.replace(".", "/") + ".py")).exists():
            continue
        print(f"\n===== {mod} =====", flush=True)
        if subprocess.run([sys.executable, "-m", mod], cwd=REPO).returncode != 0:
            failed.append(mod)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
