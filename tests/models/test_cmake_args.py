"""Build flags: Metal on Apple silicon, CUDA only when asked and possible, x86 ISA flags only as allowed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sillok.models.build_flags import cmake_args, read_cpu_flags, this_machine_args
from tests.support.paths import REPO

SPR = {
    "avx",
    "avx2",
    "fma",
    "f16c",
    "bmi2",
    "avx512f",
    "avx512_vnni",
    "avx512_bf16",
    "avx_vnni",
    "amx_tile",
    "amx_int8",
}


def none(_: str) -> None:
    return None


def has(*names: str):
    return lambda n: f"/usr/bin/{n}" if n in names else None


def test_macos_arm64_metal() -> None:
    assert cmake_args("Darwin", "arm64", set(), {}, none) == ["-DGGML_METAL=ON"]


def test_x86_linux_only_reported_flags() -> None:
    args = cmake_args("Linux", "x86_64", {"avx", "avx2", "fma", "f16c"}, {}, none)
    assert args == ["-DGGML_NATIVE=OFF", "-DGGML_AVX=ON", "-DGGML_AVX2=ON", "-DGGML_FMA=ON", "-DGGML_F16C=ON"]


def test_x86_avx512_without_amx() -> None:
    flags = {"avx", "avx2", "fma", "f16c", "bmi2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16"}
    args = cmake_args("Linux", "x86_64", flags, {}, none)
    assert "-DGGML_AVX512=ON" in args and "-DGGML_AVX512_VNNI=ON" in args and "-DGGML_AVX512_BF16=ON" in args
    assert not any("AMX" in a for a in args), "AMX only when the kernel exposes amx_tile"
    assert "-DGGML_NATIVE=OFF" in args and "-DGGML_NATIVE=ON" not in args


def test_x86_amx_when_allowed() -> None:
    args = cmake_args("Linux", "x86_64", SPR, {}, none)
    assert args[-2:] == ["-DGGML_AMX_TILE=ON", "-DGGML_AMX_INT8=ON"]
    assert "-DGGML_AVX_VNNI=ON" in args


def test_cuda_needs_request_and_nvcc() -> None:
    assert "-DGGML_CUDA=ON" not in cmake_args("Linux", "x86_64", set(), {}, has("nvcc"))
    assert "-DGGML_CUDA=ON" not in cmake_args("Linux", "x86_64", set(), {"SILLOK_GPU": "cuda"}, none)
    args = cmake_args("Linux", "x86_64", {"avx2"}, {"SILLOK_GPU": "cuda"}, has("nvcc"))
    assert (
        args[:2] == ["-DGGML_CUDA=ON", "-DGGML_NATIVE=OFF"]
        and "-DCMAKE_CUDA_ARCHITECTURES=native" not in args
    )
    args = cmake_args("Linux", "x86_64", set(), {"SILLOK_GPU": "cuda"}, has("nvcc", "nvidia-smi"))
    assert "-DCMAKE_CUDA_ARCHITECTURES=native" in args


def test_other_platforms_generic() -> None:
    assert cmake_args("Linux", "aarch64", {"asimd"}, {}, none) == ["-DGGML_NATIVE=OFF"]
    assert cmake_args("Windows", "AMD64", SPR, {}, none) == ["-DGGML_NATIVE=OFF"]
    assert cmake_args("Darwin", "x86_64", SPR, {}, none) == ["-DGGML_NATIVE=OFF"]


def test_read_cpu_flags(tmp_path: Path) -> None:
    f = tmp_path / "cpuinfo"
    f.write_text("processor\t: 0\nflags\t\t: fpu avx avx2 amx_tile\n\nprocessor\t: 1\nflags\t\t: fpu\n")
    assert read_cpu_flags(str(f)) == {"fpu", "avx", "avx2", "amx_tile"}
    assert read_cpu_flags(str(tmp_path / "missing")) == set()


def test_script_prints_args() -> None:
    out = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "llama_cmake_args.py")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.split() == this_machine_args()
    assert "-DGGML_NATIVE=ON" not in out
