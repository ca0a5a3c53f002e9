"""Reading a GGUF file's header: is it a model, which architecture, chat template and size, is it whole.

Why a hand-written header reader: ``gguf.GGUFReader`` builds numpy views of every field and takes
about 2 s on a 100 MB model; we only need the magic, a few scalars and the tensor table (to spot a
truncated copy before llama.cpp sees it), which a linear scan reads in milliseconds.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sillok.foundation.errors import SillokError

GGUF_MAGIC = b"GGUF"
_SCALARS = {
    0: "<B",
    1: "<b",
    2: "<H",
    3: "<h",
    4: "<I",
    5: "<i",
    6: "<f",
    7: "<?",
    10: "<Q",
    11: "<q",
    12: "<d",
}
_STRING, _ARRAY = 8, 9
_KEEP_ARRAY = 64  # arrays longer than this (token lists, merges) are skipped, not stored


@dataclass(frozen=True)
class GGUFInfo:
    """What the header of a GGUF file says. ``expected_size`` is None when a tensor type is unknown."""

    path: Path
    version: int
    metadata: dict[str, Any]
    n_tensors: int
    file_size: int
    expected_size: int | None

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", ""))

    @property
    def name(self) -> str:
        return str(self.metadata.get("general.name") or self.path.stem)

    @property
    def chat_template(self) -> str | None:
        t = self.metadata.get("tokenizer.chat_template")
        return t if isinstance(t, str) and t.strip() else None

    def arch_int(self, key: str, default: int = 0) -> int:
        v = self.metadata.get(f"{self.architecture}.{key}", default)
        if isinstance(v, list):  # per-layer values (some models): take the max
            v = max(v) if v else default
        return int(v)

    @property
    def n_layers(self) -> int:
        return self.arch_int("block_count")

    def kv_bytes_per_token(self) -> int | None:
        """f16 K+V bytes per context token over all layers, from the attention shape."""
        n_embd, n_head = self.arch_int("embedding_length"), self.arch_int("attention.head_count")
        if not (n_embd and n_head and self.n_layers):
            return None
        n_head_kv = self.arch_int("attention.head_count_kv", n_head)
        head_dim = self.arch_int("attention.key_length", n_embd // n_head)
        return 2 * 2 * self.n_layers * n_head_kv * head_dim


def check_magic(path: str | Path) -> Path:
    """Raise SillokError unless ``path`` exists and starts with b"GGUF"."""
    p = Path(path)
    if not p.is_file():
        raise SillokError(f"{p}: model file not found")
    with p.open("rb") as f:
        head = f.read(4)
    if head != GGUF_MAGIC:
        raise SillokError(
            f"{p}: not a GGUF model file (wrong magic {head!r}); pick a .gguf file from llama.cpp"
        )
    return p


def inspect_gguf(path: str | Path) -> GGUFInfo:
    """Read the header of a GGUF file; SillokError naming the file if it is missing, not GGUF or truncated."""
    p = check_magic(path)
    size = p.stat().st_size
    try:
        with p.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            return _parse(p, buf, size)
    except (struct.error, ValueError, IndexError, UnicodeDecodeError) as e:
        raise SillokError(f"{p}: truncated or corrupt GGUF header ({e})") from None


def _parse(p: Path, buf: Any, size: int) -> GGUFInfo:
    pos = 4

    def take(fmt: str) -> Any:
        nonlocal pos
        v = struct.unpack_from(fmt, buf, pos)[0]
        pos += struct.calcsize(fmt)
        return v

    def string() -> str:
        nonlocal pos
        n = take("<Q")
        if pos + n > size:
            raise ValueError("string runs past end of file")
        s = bytes(buf[pos : pos + n]).decode("utf-8", errors="replace")
        pos += n
        return s

    def value(t: int, keep: bool = True) -> Any:
        nonlocal pos
        if t in _SCALARS:
            return take(_SCALARS[t])
        if t == _STRING:
            return string()
        if t == _ARRAY:
            et, n = take("<I"), take("<Q")
            if et in _SCALARS and not (keep and n <= _KEEP_ARRAY):
                pos += struct.calcsize(_SCALARS[et]) * n
                return None
            items = [value(et, keep and n <= _KEEP_ARRAY) for _ in range(n)]
            return items if keep and n <= _KEEP_ARRAY else None
        raise ValueError(f"unknown metadata type {t}")

    version = take("<I")
    if version not in (2, 3):
        raise SillokError(f"{p}: unsupported GGUF version {version}")
    n_tensors, n_kv = take("<Q"), take("<Q")
    meta: dict[str, Any] = {}
    for _ in range(n_kv):
        key = string()
        v = value(take("<I"))
        if v is not None:
            meta[key] = v
    tensors = []
    for _ in range(n_tensors):
        string()
        dims = [take("<Q") for _ in range(take("<I"))]
        tensors.append((dims, take("<I"), take("<Q")))
    align = int(meta.get("general.alignment", 32))
    data_start = (pos + align - 1) // align * align
    return GGUFInfo(p, version, meta, n_tensors, size, _expected_size(tensors, data_start))


def _expected_size(tensors: list[tuple[list[int], int, int]], data_start: int) -> int | None:
    from gguf import GGML_QUANT_SIZES, GGMLQuantizationType

    end = data_start
    for dims, ttype, offset in tensors:
        try:
            block, nbytes = GGML_QUANT_SIZES[GGMLQuantizationType(ttype)]
        except (ValueError, KeyError):
            return None
        n = 1
        for d in dims:
            n *= d
        end = max(end, data_start + offset + n // block * nbytes)
    return end


def validate_gguf(path: str | Path) -> GGUFInfo:
    """inspect_gguf plus the size check: a file shorter than its tensor table says is truncated."""
    info = inspect_gguf(path)
    if info.expected_size is not None and info.file_size < info.expected_size:
        raise SillokError(
            f"{info.path}: truncated GGUF file ({info.file_size} bytes, header needs {info.expected_size}); "
            "download it again"
        )
    return info
