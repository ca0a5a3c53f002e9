"""Size guards shared by the loaders.

A desktop indexer walks whatever folder a person points it at, so one huge or hostile file must not
exhaust memory: the file size is checked before anything is read, and zip containers (DOCX, HWPX) are
checked for their declared uncompressed size and compression ratio before any member is inflated.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from sillok.foundation.errors import LoadError

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 200 * MB
#: Most a zip container may inflate to, in total.
MAX_UNZIPPED_BYTES = 500 * MB
#: Ratio above which a large member is taken for a zip bomb (real office XML compresses ~5-20x).
MAX_RATIO = 200
#: Members smaller than this are never called bombs, whatever their ratio (tiny XML can compress well).
RATIO_FLOOR_BYTES = 10 * MB
# A text file with a megabyte-long line or tens of millions of characters is a data dump, not a
# document: chunking and embedding it would take hours.
MAX_LINE_BYTES = 1 * MB
MAX_TEXT_CHARS = 20_000_000


def _mb(n: int) -> str:
    return f"{n / MB:.0f}" if n >= MB else f"{n / MB:.2f}"


def check_file_size(path: Path, max_bytes: int) -> int:
    """Return the size of ``path``; raise LoadError when it is missing, not a file, empty or too large."""
    try:
        if not path.is_file():
            raise LoadError(path, "file not found" if not path.exists() else "not a regular file")
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(path, f"cannot read file ({exc.strerror or exc})") from exc
    if size == 0:
        raise LoadError(path, "empty file")
    if size > max_bytes:
        raise LoadError(path, f"too large ({_mb(size)} MB > limit {_mb(max_bytes)} MB)")
    return size


def check_zip(path: Path, zf: zipfile.ZipFile, max_unzipped: int = MAX_UNZIPPED_BYTES) -> None:
    """Refuse a zip whose members would inflate past ``max_unzipped`` or at an absurd ratio (zip bomb)."""
    total = 0
    for info in zf.infolist():
        total += info.file_size
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise LoadError(path, f"refused: suspicious compression ratio in {info.filename!r} (zip bomb?)")
    if total > max_unzipped:
        raise LoadError(path, f"refused: uncompressed size {_mb(total)} MB > limit {_mb(max_unzipped)} MB")


def read_member(path: Path, zf: zipfile.ZipFile, name: str, limit: int = MAX_UNZIPPED_BYTES) -> bytes:
    """Read one zip member without trusting its declared size: stop once ``limit`` bytes came out."""
    with zf.open(name) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise LoadError(path, f"refused: {name!r} inflates past {_mb(limit)} MB (zip bomb?)")
    return data


def check_text_bytes(path: Path, data: bytes) -> None:
    if len(data) <= MAX_LINE_BYTES:
        return
    longest = max(map(len, data.replace(b"\r", b"\n").split(b"\n")))
    if longest > MAX_LINE_BYTES:
        raise LoadError(path, f"refused: a single line of {_mb(longest)} MB (limit {_mb(MAX_LINE_BYTES)} MB): "
                              "a data dump, not a document?")


def check_text_chars(path: Path, chars: int) -> None:
    if chars > MAX_TEXT_CHARS:
        raise LoadError(path, f"refused: {chars / 1e6:.0f} million characters of text "
                              f"(limit {MAX_TEXT_CHARS / 1e6:.0f} million)")
