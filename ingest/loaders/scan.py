"""Scanned pages to text: image files (PNG, JPEG, TIFF incl. multi-page) and the image-only pages of PDFs.

Pages are rendered here, one at a time on the calling thread (pdfium is not thread-safe; Pillow decodes
TIFF frames in order), and read by the OCR engine (sillok.ingest.ocr) on a small thread pool sized to
the machine: Tesseract releases the GIL, so the window stays responsive and the cores are used. Each
page read is stored at once in the OCR cache (sillok.ingest.ocr_cache) under the file's hash, so a kill
costs at most the pages in flight, and the cited page's words are there for the source viewer. Between
pages the cancel token is checked; a page over the time limit is skipped with its reason.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import LoadError, NeedsOCR
from sillok.foundation.types import Document, OcrPage, Page
from sillok.ingest import ocr, ocr_image
from sillok.ingest.ocr_cache import OcrCache

log = logging.getLogger(__name__)
PageProgress = Callable[[str, int, int], None]  # (file, pages done, pages to read)


def pool_size() -> int:
    """Worker threads for OCR: the cores this process may use, less one for the window and the
    rendering, at least one."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        cores = os.cpu_count() or 1
    return max(1, cores - 1)


@dataclass
class OcrContext:
    """What a loader needs to read scans: where finished pages are kept, progress and cancel, the time
    limit per page, and the engine with its pool (made on first use, shared by the files of one run;
    `close` ends the pool)."""

    cache: OcrCache | None = None
    progress: PageProgress | None = None
    cancel: CancelToken | None = None
    page_seconds: float = 60.0
    workers: int = 0  # 0: pool_size()
    tessdata: str = ""
    sha256: str = ""  # the file's hash when the caller has it (else read here)
    _engine: ocr.Engine | None = field(default=None, repr=False)
    _pool: ThreadPoolExecutor | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def available(self) -> bool:
        return ocr.available(self.tessdata)

    def engine(self) -> ocr.Engine:
        with self._lock:
            if self._engine is None:
                self._engine = ocr.Engine(self.tessdata, self.page_seconds)
                self._pool = ThreadPoolExecutor(self.workers or pool_size(), thread_name_prefix="ocr")
            return self._engine

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool, self._engine = None, None


def file_sha(path: Path, ctx: OcrContext) -> str:
    return ctx.sha256 or hashlib.sha256(path.read_bytes()).hexdigest()


def read_pages(path: Path, numbers: Sequence[int], render: Callable[[int], Any], ctx: OcrContext) -> dict[int, OcrPage]:
    """OCR the pages `numbers` of `path` (render(n) gives page n's image), taking finished ones from the
    cache; returns page number → OcrPage. Raises Cancelled (after the pages in flight are stored)."""
    sha = file_sha(path, ctx)
    done = ctx.cache.get(sha) if ctx.cache else {}
    out = {n: done[n] for n in numbers if n in done}
    todo = [n for n in numbers if n not in done]
    total = len(numbers)

    def report() -> None:
        if ctx.progress:
            ctx.progress(str(path), len(out), total)

    report()
    if not todo:
        return out
    engine = ctx.engine()
    pool = ctx._pool
    assert pool is not None
    cancel = ctx.cancel or CancelToken()
    running: dict[Future[OcrPage], int] = {}
    limit = max(1, (ctx.workers or pool_size())) + 1  # one rendered page waiting per worker, no more

    def collect(block: bool) -> None:
        finished, _ = wait(list(running), return_when=FIRST_COMPLETED) if block else (
            [f for f in running if f.done()], None)
        for fut in finished:
            n = running.pop(fut)
            try:
                page = fut.result()
            except Exception as exc:  # noqa: BLE001 - one unreadable page must not lose the file
                log.warning("%s: page %d: OCR failed: %s", path, n, exc)
                page = OcrPage(n, "", skipped=f"OCR failed ({type(exc).__name__})")
            else:
                if ctx.cache:  # stored at once: a kill from here on never costs this page again
                    ctx.cache.put(sha, page)
            out[n] = page
            report()

    try:
        for n in todo:
            while len(running) >= limit and not cancel.cancelled:
                collect(True)
            if cancel.cancelled:
                break  # the pages in flight finish and are kept; the rest wait for the next run
            try:
                image = render(n)
            except Exception as exc:  # noqa: BLE001 - a page that cannot be drawn is named, the rest read
                log.warning("%s: page %d: cannot render: %s", path, n, exc)
                out[n] = OcrPage(n, "", skipped=f"page cannot be rendered ({type(exc).__name__})")
                report()
                continue
            running[pool.submit(engine.recognise, image, n)] = n
            collect(False)
        while running:
            collect(True)
    finally:
        for fut in list(running):  # an error: keep what finished, drop the rest
            fut.cancel()
    cancel.check()
    return out


def document_from(path: Path, pages: dict[int, OcrPage], fmt: str, text_pages: Sequence[Page] = (),
                  title: str = "") -> Document:
    """The Document of a file whose pages `pages` were read by OCR (and `text_pages` had text)."""
    ocr_text = [Page(n, p.text) for n, p in pages.items() if p.text.strip()]
    merged = sorted([*text_pages, *ocr_text], key=lambda p: p.number or 0)
    if not merged:
        skipped = [p for p in pages.values() if p.skipped]
        if skipped:
            raise LoadError(path, f"scanned: every page skipped ({skipped[0].skipped})", status="needs_ocr")
        raise LoadError(path, "scanned, but OCR found no readable text", status="needs_ocr")
    ocr_pages = tuple(pages[n] for n in sorted(pages))
    return Document(path=path, pages=merged, title=title or path.stem, format=fmt, ocr=ocr_pages)


# -- images ----------------------------------------------------------------------------------------

def _frames(path: Path) -> Iterator[Any]:
    from PIL import Image, ImageOps

    with Image.open(path) as img:
        for i in range(getattr(img, "n_frames", 1)):
            img.seek(i)
            frame = ImageOps.exif_transpose(img) if i == 0 else img
            yield _pil_grey(frame)


def _pil_grey(img: Any) -> np.ndarray:
    from PIL import Image

    dpi = img.info.get("dpi", (ocr.DPI, ocr.DPI))[0] or ocr.DPI
    if img.mode not in ("L", "RGB"):
        img = img.convert("RGBA") if "A" in img.mode or img.mode == "P" else img.convert("RGB")
        if img.mode == "RGBA":  # transparent parts are paper, not ink
            back = Image.new("RGB", img.size, (255, 255, 255))
            back.paste(img, mask=img.getchannel("A"))
            img = back
    img = img.convert("L")
    scale = ocr.DPI / float(dpi)
    if 0.2 < scale < 0.8 or 1.25 < scale < 4:  # bring a 400 dpi or a 100 dpi scan near 200 dpi
        img = img.resize((max(1, int(img.width * scale)), max(1, int(img.height * scale))),
                         Image.Resampling.LANCZOS)
    return np.asarray(img, dtype=np.uint8)


def image_count(path: Path) -> int:
    from PIL import Image

    with Image.open(path) as img:
        return int(getattr(img, "n_frames", 1))


def load_image(path: Path, ctx: OcrContext | None) -> Document:
    """An image file: every frame (a TIFF's pages) read by OCR. Without an engine it needs OCR."""
    if ctx is None or not ctx.available():
        raise NeedsOCR(path, "needs OCR: image file (no OCR engine on this computer)")
    try:
        from PIL import Image  # noqa: F401
    except ImportError as exc:
        raise NeedsOCR(path, "needs OCR: image file (Pillow is not installed)") from exc
    try:
        count = image_count(path)
        frames = _frames(path)
        state = {"next": 1}

        def render(n: int) -> np.ndarray:
            # frames come in order; pages already read are skipped over without decoding twice
            while state["next"] < n:
                next(frames)
                state["next"] += 1
            state["next"] += 1
            return next(frames)

        pages = read_pages(path, list(range(1, count + 1)), render, ctx)
    except (OSError, SyntaxError, ValueError, StopIteration) as exc:
        raise LoadError(path, f"unreadable image ({type(exc).__name__})") from exc
    return document_from(path, pages, fmt="image")


def page_image(path: Path, number: int) -> np.ndarray:
    """Page `number` (1-based) of a PDF or image file as the OCR saw it before turning (grey array)."""
    if path.suffix.lower() == ".pdf":
        return render_pdf_page(path, number)
    for i, frame in enumerate(_frames(path), start=1):
        if i == number:
            return frame
    raise LoadError(path, f"scanned PDF that cannot be rendered (no page {number})")


# -- PDF -------------------------------------------------------------------------------------------

def render_pdf_page(path: Path, number: int, pdf: Any = None) -> np.ndarray:
    """One PDF page at 200 dpi (capped for huge pages) as a grey array, by pdfium."""
    import pypdfium2 as pdfium

    doc = pdf if pdf is not None else pdfium.PdfDocument(str(path))
    try:
        page = doc[number - 1]
        w, h = page.get_size()
        scale = min(ocr.DPI / 72.0, 5000 / max(w, h, 1))
        bitmap = page.render(scale=scale, grayscale=True)
        arr = ocr_image.grey(bitmap.to_numpy())
        page.close()
        return arr
    finally:
        if pdf is None:
            doc.close()


def ocr_pdf_pages(path: Path, numbers: Sequence[int], ctx: OcrContext) -> dict[int, OcrPage]:
    """OCR these pages of a PDF (opened once by pdfium for all of them)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise LoadError(path, f"scanned PDF that cannot be rendered ({exc})", status="needs_ocr") from exc
    try:
        return read_pages(path, numbers, lambda n: render_pdf_page(path, n, pdf), ctx)
    finally:
        pdf.close()
