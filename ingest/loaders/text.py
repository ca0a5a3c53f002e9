"""Plain text and Markdown.

Korean offices still produce many CP949/EUC-KR text files, and statistical detectors misread short
Korean text as a Latin code page (mojibake that then gets indexed silently). So the encoding is found
by rules first — BOM, strict UTF-8, UTF-16 without BOM, strict CP949 yielding mostly Hangul — and only
then by charset-normalizer; if nothing decodes plausibly the file is refused rather than guessed.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from sillok.foundation.errors import LoadError
from sillok.foundation.types import Document, Page

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _is_hangul(ch: str) -> bool:
    o = ord(ch)
    return 0xAC00 <= o <= 0xD7A3 or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F


def _plausible(text: str) -> bool:
    """Reject decodings full of control characters or replacement marks (binary data, wrong codec)."""
    if not text:
        return True
    bad = sum(
        1
        for ch in text
        if ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Co", "Cs") and ch not in "\t\n\r\f\v")
    )
    return bad <= max(1, len(text) // 100)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text has a NUL in one byte of almost every ASCII character; cheap to recognise."""
    if len(data) < 4 or len(data) % 2:
        return None
    half = len(data) // 2
    even_nul = data[0::2].count(0) / half
    odd_nul = data[1::2].count(0) / half
    codec = (
        "utf-16-le"
        if odd_nul > 0.3 and even_nul < 0.05
        else "utf-16-be"
        if even_nul > 0.3 and odd_nul < 0.05
        else None
    )
    if codec is None:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return text if _plausible(text) else None


def _cp949(data: bytes) -> str | None:
    """Strict CP949 (a superset of EUC-KR) when the non-ASCII part decodes mostly to Hangul."""
    if sum(b >= 0x80 for b in data) < 2:
        return None
    try:
        text = data.decode("cp949")
    except UnicodeDecodeError:
        return None
    non_ascii = [ch for ch in text if ord(ch) >= 0x80]
    hangul = sum(_is_hangul(ch) for ch in non_ascii)
    return text if non_ascii and hangul / len(non_ascii) >= 0.6 and _plausible(text) else None


def decode_bytes(data: bytes) -> str | None:
    """Decode text bytes by the rules above; None when no encoding fits."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    try:
        text = data.decode("utf-8")
        return text if _plausible(text) else None
    except UnicodeDecodeError:
        pass
    for attempt in (_utf16_without_bom, _cp949):
        text = attempt(data)
        if text is not None:
            return text
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:  # a detector failure just means "unknown encoding"
        return None
    if best is None:
        return None
    text = str(best)
    return text if _plausible(text) else None


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _md_title(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip().strip("#").strip()
    return ""


def load_text(path: Path, data: bytes) -> Document:
    """Load a .txt or .md file whose bytes were already read (size checked by the caller)."""
    text = decode_bytes(data)
    if text is None:
        raise LoadError(path, "cannot detect text encoding")
    text = normalise_newlines(text).lstrip("\ufeff")
    text = re.sub(r"[ \t]+\n", "\n", text).strip()
    if not text:
        raise LoadError(path, "no text found")
    fmt = "md" if path.suffix.lower() == ".md" else "txt"
    title = (_md_title(text) if fmt == "md" else "") or path.stem
    return Document(path=path, pages=[Page(number=None, text=text)], title=title, format=fmt)
