"""CMAKE_ARGS for building llama-cpp-python on this machine.

Why not ``GGML_NATIVE=ON`` (the default): it compiles for every ISA the CPU *reports*, and in VMs the
CPU can report AMX that the kernel does not let processes use, so the wheel dies with SIGSEGV/SIGILL.
We name each x86 ISA flag only when /proc/cpuinfo lists it (that list is what the kernel allows).
"""

from __future__ import annotations

import os
import platform
import shutil
from collections.abc import Callable, Mapping

# /proc/cpuinfo flag -> ggml CMake option
X86_FLAGS: list[tuple[str, str]] = [
    ("avx", "GGML_AVX"),
    ("avx2", "GGML_AVX2"),
    ("fma", "GGML_FMA"),
    ("f16c", "GGML_F16C"),
    ("bmi2", "GGML_BMI2"),
    ("avx_vnni", "GGML_AVX_VNNI"),
    ("avx512f", "GGML_AVX512"),
    ("avx512_vnni", "GGML_AVX512_VNNI"),
    ("avx512_bf16", "GGML_AVX512_BF16"),
]


def cmake_args(
    system: str,
    machine: str,
    cpu_flags: set[str],
    env: Mapping[str, str],
    which: Callable[[str], str | None],
) -> list[str]:
    """Pure decision: OS name, CPU arch, CPU flags, environment and a ``shutil.which``-like lookup."""
    machine = machine.lower()
    if system == "Darwin" and machine in ("arm64", "aarch64"):
        return ["-DGGML_METAL=ON"]
    args: list[str] = []
    if env.get("SILLOK_GPU", "").lower() == "cuda" and which("nvcc"):
        args.append("-DGGML_CUDA=ON")
        if which("nvidia-smi"):
            args.append("-DCMAKE_CUDA_ARCHITECTURES=native")
    args.append("-DGGML_NATIVE=OFF")
    if system == "Linux" and machine in ("x86_64", "amd64"):
        args += [f"-D{opt}=ON" for flag, opt in X86_FLAGS if flag in cpu_flags]
        if "amx_tile" in cpu_flags:
            args += ["-DGGML_AMX_TILE=ON", "-DGGML_AMX_INT8=ON"]
    return args


def read_cpu_flags(path: str = "/proc/cpuinfo") -> set[str]:
    """The ``flags`` line of the first CPU (empty set where there is no /proc/cpuinfo)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def this_machine_args() -> list[str]:
    return cmake_args(platform.system(), platform.machine(), read_cpu_flags(), os.environ, shutil.which)
