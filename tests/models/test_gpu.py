"""choose_gpu_layers is pure arithmetic: all, some or none of the layers, with a reason."""

from __future__ import annotations

import pytest

from sillok.models.gpu import GiB, MiB, choose_gpu_layers, detect_backend, estimate_kv_bytes, free_vram_bytes

N = 32  # layers of a 7-8B model
MODEL = int(4.5 * GiB)


def test_cpu_backend_never_offloads() -> None:
    for req in ("auto", 10, -1, 999):
        layers, msg = choose_gpu_layers(req, "cpu", N, MODEL, 80 * GiB, 4096)
        assert layers == 0 and "CPU" in msg


@pytest.mark.parametrize("backend", ["cuda", "metal"])
def test_auto_all_layers_when_it_fits(backend: str) -> None:
    layers, msg = choose_gpu_layers("auto", backend, N, MODEL, 24 * GiB, 4096)
    assert layers == N + 1  # every block plus the output layer
    assert "all 32 layers" in msg and backend.upper() in msg


def test_auto_counts_kv_cache_and_reserve() -> None:
    kv = estimate_kv_bytes(N, 4096)
    assert kv == N * 4096 * 4096  # 512 MiB for Llama-3-8B-like GQA at 4k
    exact = MODEL + kv + 512 * MiB
    assert choose_gpu_layers("auto", "cuda", N, MODEL, exact, 4096)[0] == N + 1
    assert choose_gpu_layers("auto", "cuda", N, MODEL, exact - 1, 4096)[0] < N + 1
    # a bigger context needs more memory: the same card no longer holds everything
    assert choose_gpu_layers("auto", "cuda", N, MODEL, exact, 32768)[0] < N + 1


def test_auto_partial_is_proportional() -> None:
    need = MODEL + estimate_kv_bytes(N, 4096)
    free = need // 2 + 512 * MiB  # half of it fits after the reserve
    layers, msg = choose_gpu_layers("auto", "cuda", N, MODEL, free, 4096)
    assert layers == int((need // 2) // (need / (N + 1)))
    assert 14 <= layers <= 17
    assert f"{layers} of {N} layers" in msg and "rest runs on CPU" in msg


def test_auto_too_little_memory_means_cpu() -> None:
    layers, msg = choose_gpu_layers("auto", "cuda", N, MODEL, 300 * MiB, 4096)
    assert layers == 0 and "CPU" in msg
    layers, _ = choose_gpu_layers("auto", "cuda", N, MODEL, 0, 4096)
    assert layers == 0


def test_auto_unknown_free_memory_tries_all() -> None:
    layers, msg = choose_gpu_layers("auto", "cuda", N, MODEL, None, 4096)
    assert layers == N + 1 and "unknown" in msg


def test_explicit_kv_bytes_per_token_is_used() -> None:
    small_kv = choose_gpu_layers("auto", "cuda", N, MODEL, 5 * GiB + 100 * MiB, 4096, kv_bytes_per_token=1024)
    assert small_kv[0] == N + 1
    big_kv = choose_gpu_layers(
        "auto", "cuda", N, MODEL, 5 * GiB + 100 * MiB, 4096, kv_bytes_per_token=1 << 20
    )
    assert big_kv[0] < N + 1


@pytest.mark.parametrize(
    ("req", "want"), [(0, 0), (10, 10), (N, N), (N + 1, N + 1), (999, N + 1), (-1, N + 1)]
)
def test_int_requests_are_clamped(req: int, want: int) -> None:
    assert choose_gpu_layers(req, "cuda", N, MODEL, 1 * GiB, 4096)[0] == want


def test_bad_request_string() -> None:
    with pytest.raises(ValueError):
        choose_gpu_layers("most", "cuda", N, MODEL, None, 4096)


def test_detection_here_is_cpu() -> None:
    """This build has no GPU offload (CPU-only wheel), so detection must say so and not guess."""
    assert detect_backend() in ("cpu", "cuda", "metal")
    if detect_backend() == "cpu":
        assert free_vram_bytes("cpu") is None


def test_metal_free_memory_is_two_thirds_of_ram() -> None:
    free = free_vram_bytes("metal")
    assert free is None or free > 0


@pytest.mark.gpu
@pytest.mark.skipif(
    detect_backend() == "cpu", reason="needs a CUDA or Metal build of llama-cpp-python and a GPU"
)
def test_real_gpu_load(smollm_path) -> None:
    from sillok.models.llm import LocalLLM

    llm = LocalLLM(smollm_path, n_ctx=1024, n_gpu_layers="auto")
    assert llm.info.backend in ("cuda", "metal") and llm.info.n_gpu_layers == llm.info.n_layers + 1
    assert llm.complete([{"role": "user", "content": "Hi"}], max_tokens=8)
