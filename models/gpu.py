"""GPU backend detection and how many layers to offload.

Why a pure ``choose_gpu_layers``: the decision (all, some, none) is the part that goes wrong on
people's machines, so it is plain arithmetic that tests cover; detection only feeds it numbers.
llama.cpp semantics: ``n_gpu_layers = n_layers + 1`` (or -1) offloads every block plus the output layer.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from typing import Any

MiB = 1 << 20
GiB = 1 << 30


def import_llama_cpp() -> Any:
    """Import llama_cpp with OpenMP threads that sleep instead of spin when idle.

    Why: llama.cpp's OpenMP workers busy-wait between ops; on a machine that is also doing other work
    (indexing, other apps, small VMs) that collapsed SmolLM2 from ~50 to ~10 tok/s in our measurement.
    libgomp reads OMP_WAIT_POLICY once when it loads, so this must run before the first import.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import llama_cpp

    return llama_cpp


def detect_backend() -> str:
    """ "cuda", "metal" or "cpu": what the installed llama_cpp build can offload to."""
    try:
        llama_cpp = import_llama_cpp()
    except ImportError:
        return "cpu"
    try:
        if not llama_cpp.llama_supports_gpu_offload():
            return "cpu"
        info = llama_cpp.llama_print_system_info().decode("utf-8", "replace").upper()
    except (AttributeError, OSError):
        return "cpu"
    if "METAL" in info or platform.system() == "Darwin":
        return "metal"
    if "CUDA" in info or shutil.which("nvidia-smi"):
        return "cuda"
    return "cuda" if "CUBLAS" in info else "cpu"


def free_vram_bytes(backend: str | None = None) -> int | None:
    """Free GPU memory in bytes, or None when it cannot be known cheaply (no network, 5 s cap)."""
    backend = backend or detect_backend()
    if backend == "metal":
        total = _total_ram()
        return int(total * 0.66) if total else None  # Metal's default working-set limit, roughly
    if backend != "cuda" or not shutil.which("nvidia-smi"):
        return None
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=memory.free", "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout
        first = out.strip().splitlines()[0]
        return int(float(first)) * MiB
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def _total_ram() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        pass
    try:
        out = subprocess.run(["sysctl", "-n", "hw.memsize"], capture_output=True, text=True, timeout=5)
        return int(out.stdout.strip())
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def estimate_kv_bytes(n_layers: int, n_ctx: int, kv_bytes_per_token: int | None = None) -> int:
    """f16 KV cache size. Without the attention shape assume 4 KiB per layer per token (Llama-3-8B's GQA)."""
    per_token = kv_bytes_per_token if kv_bytes_per_token else n_layers * 4096
    return per_token * n_ctx


def choose_gpu_layers(
    requested: int | str,
    backend: str,
    n_layers: int,
    model_bytes: int,
    free_vram: int | None,
    n_ctx: int,
    reserve_bytes: int = 512 * MiB,
    kv_bytes_per_token: int | None = None,
) -> tuple[int, str]:
    """Return (n_gpu_layers for llama.cpp, a sentence for the user).

    - cpu backend: always 0.
    - int: -1 (or anything above the layer count) means all = ``n_layers + 1``; else clamp to [0, n_layers + 1].
    - "auto": all when model + KV cache + reserve fits ``free_vram`` (or when free VRAM is unknown, since
      a failed offload falls back to CPU); otherwise the share of layers that fits, never negative.
    """
    all_layers = n_layers + 1
    if backend not in ("cuda", "metal"):
        return 0, "running on CPU (this llama.cpp build has no GPU offload)"
    if not isinstance(requested, str):
        n = int(requested)
        if n < 0 or n >= all_layers:
            return all_layers, f"offloading all {n_layers} layers to {backend.upper()} (requested {n})"
        return n, f"offloading {n} of {n_layers} layers to {backend.upper()} (requested)"
    if requested != "auto":
        raise ValueError(f"n_gpu_layers must be an int or 'auto', not {requested!r}")
    if free_vram is None:
        return all_layers, f"offloading all {n_layers} layers to {backend.upper()} (free memory unknown)"
    kv = estimate_kv_bytes(n_layers, n_ctx, kv_bytes_per_token)
    need = model_bytes + kv
    budget = free_vram - reserve_bytes
    if need <= budget:
        return (
            all_layers,
            f"offloading all {n_layers} layers to {backend.upper()} ({need / GiB:.1f} GiB of {free_vram / GiB:.1f} GiB free)",
        )
    per_layer = need / all_layers
    n = max(0, min(n_layers, int(budget // per_layer))) if budget > 0 else 0
    if n == 0:
        return (
            0,
            f"running on CPU: model needs {need / GiB:.1f} GiB, only {free_vram / GiB:.1f} GiB GPU memory free",
        )
    return n, (
        f"offloading {n} of {n_layers} layers to {backend.upper()} "
        f"(model needs {need / GiB:.1f} GiB, {free_vram / GiB:.1f} GiB free); the rest runs on CPU"
    )
