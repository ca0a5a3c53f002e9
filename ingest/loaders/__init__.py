"""Document loaders: one function per format, one entry point, one error type.

``load`` turns a file into a :class:`~sillok.foundation.types.Document` (Markdown-style headings, "a | b" table
rows, paragraphs separated by blank lines) or raises :class:`~sillok.foundation.errors.LoadError` with a short
human reason — :class:`~sillok.foundation.errors.NeedsOCR` for scans. Nothing else escapes: ingestion of a whole
folder must survive any single bad file and tell the person which one and why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sillok.foundation.errors import Cancelled, LoadError
from sillok.foundation.types import Document
from sillok.ingest.loaders.limits import (
    DEFAULT_MAX_BYTES,
    check_file_size,
    check_text_bytes,
    check_text_chars,
)

if TYPE_CHECKING:
    from sillok.ingest.loaders.scan import OcrContext

log = logging.getLogger(__name__)

IMAGE_SUFFIXES: frozenset[str] = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})  # scans, read by OCR
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".pdf", ".docx", ".hwp", ".hwpx", ".html", ".htm", ".txt", ".md"}
) | IMAGE_SUFFIXES

__all__ = ["SUPPORTED_SUFFIXES", "is_supported", "load"]


def is_supported(path: str | Path) -> bool:
    return Path(path).suffix.lower() in SUPPORTED_SUFFIXES


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"cannot read file ({exc.strerror or exc})") from exc


def _by_path(suffix: str, ocr: OcrContext | None) -> Callable[[Path], Document]:
    if suffix == ".pdf":
        from sillok.ingest.loaders.pdf import load_pdf

        return lambda p: load_pdf(p, ocr)
    if suffix in IMAGE_SUFFIXES:
        from sillok.ingest.loaders.scan import load_image

        return lambda p: load_image(p, ocr)
    if suffix == ".docx":
        from sillok.ingest.loaders.docx import load_docx

        return load_docx
    if suffix == ".hwp":
        from sillok.ingest.loaders.hwp import load_hwp

        return load_hwp
    from sillok.ingest.loaders.hwpx import load_hwpx

    return load_hwpx


def load(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, ocr: OcrContext | None = None) -> Document:
    """Load one file; raise LoadError (or NeedsOCR) for anything that cannot give text. With `ocr`
    (sillok.ingest.loaders.scan.OcrContext) and an OCR engine, scanned pages and image files are read
    by OCR; Cancelled passes through (the person stopped a long OCR)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(path, f"unsupported file type ({suffix or 'no extension'})")
    check_file_size(path, max_bytes)
    try:
        if suffix in (".txt", ".md"):
            from sillok.ingest.loaders.text import load_text

            data = _read(path)
            check_text_bytes(path, data)
            doc = load_text(path, data)
        elif suffix in (".html", ".htm"):
            from sillok.ingest.loaders.html import load_html

            doc = load_html(path, _read(path))
        else:
            doc = _by_path(suffix, ocr)(path)
    except (LoadError, Cancelled):
        raise
    except RecursionError as exc:
        raise LoadError(path, "document too deeply nested to read") from exc
    except MemoryError as exc:
        raise LoadError(path, "not enough memory to read this file") from exc
    except Exception as exc:  # last guard: a library bug must not abort a whole ingest run
        log.exception("unexpected error loading %s", path)
        raise LoadError(path, f"unreadable file ({type(exc).__name__})") from exc
    check_text_chars(path, doc.char_count)
    if not any(page.text.strip() for page in doc.pages):
        raise LoadError(path, "no text found")
    return doc
