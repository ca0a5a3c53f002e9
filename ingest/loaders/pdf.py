"""PDF via pypdf (pure Python, BSD licensed, no native dependency to ship with the desktop app).

One Page per PDF page with its real 1-based number, so answers can cite "p. 12". Pages without a text
layer that draw an image are scans: with an OCR context (sillok.ingest.loaders.scan) they are rendered by
pdfium and read by OCR, text pages and scanned pages of one file alike; without one (or without an OCR
engine) they are left out, and a file with no text at all is reported as needing OCR instead of being
indexed empty. Pages that draw a ruled table are re-read with their tables as Markdown
(ingest/loaders/pdf_tables.py).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sillok.foundation.errors import LoadError, NeedsOCR
from sillok.foundation.types import Document, Page

if TYPE_CHECKING:
    from sillok.ingest.loaders.scan import OcrContext

log = logging.getLogger(__name__)
# pypdf logs what it tolerates or gives up on ("invalid pdf header", "EOF marker not found") as
# warnings on its own logger; with no logging set up Python prints them to stderr, ahead of our own line
# for the same file ("✗ file: corrupt or unreadable PDF"). The reason reaches the person through
# LoadError; pypdf's own remarks are kept for errors only.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _has_images(obj: Any, depth: int = 0) -> bool:
    """Whether a page (or form XObject) draws an image XObject; best effort, never raises."""
    try:
        resources = obj.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        if xobjects is None:
            return False
        for ref in xobjects.get_object().values():
            xobj = ref.get_object()
            subtype = xobj.get("/Subtype")
            if subtype == "/Image":
                return True
            if subtype == "/Form" and depth < 3 and _has_images(xobj, depth + 1):
                return True
    except Exception:  # malformed resources: treat as "no image found"
        return False
    return False


def _open(path: Path) -> Any:
    from pypdf import PdfReader

    try:
        reader = PdfReader(path)
    except Exception as exc:
        raise LoadError(path, f"corrupt or unreadable PDF ({type(exc).__name__})") from exc
    if reader.is_encrypted:
        try:
            ok = reader.decrypt("")
        except Exception as exc:  # e.g. AES without a crypto backend, or a broken /Encrypt dict
            raise LoadError(path, "encrypted PDF (cannot decrypt)") from exc
        if not ok:
            raise LoadError(path, "encrypted PDF (password protected)")
    return reader


def _title(reader: Any) -> str:
    try:
        meta = reader.metadata
        title = str(meta.title).strip() if meta is not None and meta.title else ""
    except Exception:
        return ""
    return title


def load_pdf(path: Path, ocr: OcrContext | None = None) -> Document:
    reader = _open(path)
    try:
        pages_obj = list(reader.pages)
    except Exception as exc:
        raise LoadError(path, f"corrupt PDF (page tree unreadable: {type(exc).__name__})") from exc
    if not pages_obj:
        raise LoadError(path, "PDF has no pages")
    pages: list[Page] = []
    failed = 0
    scanned: list[int] = []  # pages with no text layer that draw an image
    use_ocr = ocr is not None and ocr.available()
    for number, page in enumerate(pages_obj, start=1):
        try:
            text = _clean(page.extract_text() or "")
        except Exception as exc:  # one broken page must not lose the whole document
            log.warning("%s: page %d: text extraction failed: %s", path, number, exc)
            failed += 1
            continue
        if text:
            pages.append(Page(number=number, text=text))
        elif (use_ocr or not scanned) and _has_images(page):
            scanned.append(number)
    images = bool(scanned)
    if pages:  # text pages that draw ruled tables are re-read with them as Markdown
        from sillok.ingest.loaders.pdf_tables import with_tables

        pages = with_tables(path, pages_obj, pages)
    if scanned and use_ocr and ocr is not None:
        from sillok.ingest.loaders.scan import document_from, ocr_pdf_pages

        read = ocr_pdf_pages(path, scanned, ocr)
        return document_from(path, read, "pdf", pages, _title(reader) or path.stem)
    if pages:
        return Document(path=path, pages=pages, title=_title(reader) or path.stem, format="pdf")
    if failed == len(pages_obj):
        raise LoadError(path, "corrupt PDF (text extraction failed on every page)")
    if images:
        raise NeedsOCR(path, "needs OCR: pages are images with no text layer (scanned)")
    raise NeedsOCR(path, "needs OCR: no text layer on any page")
