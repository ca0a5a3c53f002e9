"""OCR of scans (issue 15): the real Tesseract engine on pages generated here (tests/support/scans.py):
Korean and English, skewed, turned, speckled, blurred; image files and image-only PDFs; the per-page
cache, cancel between pages and the time limit. Skipped, with what to install, where Pillow or the
engine is missing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import Cancelled, NeedsOCR
from sillok.ingest import ocr_image
from sillok.ingest.loaders import load
from sillok.ingest.loaders.scan import OcrContext
from sillok.ingest.ocr_cache import OcrCache
from tests.support.scans import (
    POOR,
    SCANNED,
    Look,
    accuracy,
    lines_for,
    need_ocr,
    render_page,
    save_images,
    scan_pdf,
)


@pytest.fixture(scope="module")
def engine():
    need_ocr()
    from sillok.ingest.ocr import Engine

    return Engine()


def _ctx(tmp_path: Path, **kw: object) -> OcrContext:
    return OcrContext(cache=OcrCache(tmp_path / "ocr.db"), **kw)  # type: ignore[arg-type]


def test_deskew_and_sideways_are_measured() -> None:
    need_ocr()
    lines = lines_for("en", 8)
    assert abs(ocr_image.skew_angle(np.asarray(render_page(lines, "en", Look(skew=3.0)))) - 3.0) <= 0.3
    assert abs(ocr_image.skew_angle(np.asarray(render_page(lines, "en", Look(skew=-2.0, blur=0.6)))) + 2.0) <= 0.3
    assert not ocr_image.sideways(np.asarray(render_page(lines, "en", Look(skew=1.0))))
    assert ocr_image.sideways(np.asarray(render_page(lines, "en", Look(skew=-2.0, turn=90))))


@pytest.mark.parametrize(("lang", "look", "turned"), [
    ("ko", Look(skew=2.5, speckle=300, blur=0.6), 0),
    ("ko", Look(skew=-3.0, speckle=300, blur=0.8, turn=90), 90),
    ("en", Look(skew=1.0, speckle=300, blur=0.6, turn=180), 180),
    ("en", Look(skew=-2.0, turn=270), 270),
])
def test_reads_skewed_and_turned_pages(engine, lang: str, look: Look, turned: int) -> None:
    lines = lines_for(lang, 8, seed=7)
    page = engine.recognise(np.asarray(render_page(lines, lang, look, seed=3)), 4)
    assert page.number == 4 and page.turn == turned and abs(page.skew - look.skew) <= 0.4
    assert page.lang == ("kor" if lang == "ko" else "eng")
    assert accuracy("\n".join(lines), page.text) >= 0.95, page.text
    assert page.confidence >= 0.85
    # every word's offsets point at its text in the page, and its box lies on the page
    assert page.words and all(page.text[w.start:w.end] == w.text for w in page.words)
    assert all(0 <= w.box[0] < w.box[2] <= 1 and 0 <= w.box[1] < w.box[3] <= 1 for w in page.words)


def test_korean_words_are_spaced_as_written(engine) -> None:
    lines = lines_for("ko", 6, seed=2)
    text = engine.recognise(np.asarray(render_page(lines, "ko", SCANNED))).text
    truth_words = " ".join(lines).split()
    read_words = set(text.split())
    # Tesseract's Korean model returns syllables; rebuilt from the boxes, most words come back whole
    assert sum(w in read_words for w in truth_words) / len(truth_words) >= 0.8, text


def test_blurred_page_has_low_confidence(engine) -> None:
    from sillok.ingest.ocr import LOW_CONFIDENCE

    page = engine.recognise(np.asarray(render_page(lines_for("en", 6), "en", POOR)))
    assert page.text and page.confidence < LOW_CONFIDENCE


def test_page_over_the_time_limit_is_skipped_with_its_reason() -> None:
    need_ocr()
    from sillok.ingest.ocr import Engine

    page = Engine(page_seconds=0.2).recognise(np.asarray(render_page(lines_for("ko", 10), "ko", SCANNED)), 2)
    assert page.skipped == "OCR took over 0 s" or page.skipped.startswith("OCR took over")
    assert page.text == "" and page.number == 2


def test_image_files_png_jpeg_and_multipage_tiff(tmp_path: Path) -> None:
    need_ocr()
    en = render_page(lines_for("en", 5, seed=1), "en", SCANNED)
    ko = render_page(lines_for("ko", 5, seed=2), "ko", Look(skew=-1.5, turn=180, speckle=200, blur=0.5))
    ctx = _ctx(tmp_path)
    tiff = load(save_images(tmp_path / "two.tiff", [en, ko]), ocr=ctx)
    assert [p.number for p in tiff.pages] == [1, 2] and tiff.format == "image"
    assert "Agreement" in tiff.pages[0].text and "근로" in tiff.pages[1].text
    assert [p.turn for p in tiff.ocr] == [0, 180]
    png = load(save_images(tmp_path / "one.png", [en]), ocr=ctx)
    jpg = load(save_images(tmp_path / "one.jpg", [en.convert("RGB")]), ocr=ctx)
    assert accuracy(tiff.pages[0].text, png.pages[0].text) > 0.97 and accuracy(png.pages[0].text, jpg.pages[0].text) > 0.9
    ctx.close()


def test_without_ocr_scans_still_need_ocr(tmp_path: Path) -> None:
    need_ocr()
    pdf = scan_pdf(tmp_path / "scan.pdf", [(lines_for("en", 4), "en", SCANNED)])
    png = save_images(tmp_path / "scan.png", [render_page(lines_for("en", 4), "en", SCANNED)])
    with pytest.raises(NeedsOCR, match="scanned"):
        load(pdf)
    with pytest.raises(NeedsOCR, match="image file"):
        load(png)


def test_finished_pages_are_kept_and_cancel_stops_between_pages(tmp_path: Path) -> None:
    need_ocr()
    pdf = scan_pdf(tmp_path / "three.pdf", [(lines_for("en", 4, seed=i), "en", SCANNED) for i in range(3)])
    seen: list[tuple[int, int]] = []
    cancel = CancelToken()

    def progress(_f: str, done: int, total: int) -> None:
        seen.append((done, total))
        if done >= 1:
            cancel.cancel()

    ctx = _ctx(tmp_path, progress=progress, cancel=cancel, workers=1)
    with pytest.raises(Cancelled):
        load(pdf, ocr=ctx)
    ctx.close()
    import hashlib

    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    kept = OcrCache(tmp_path / "ocr.db").get(sha)
    assert 1 <= len(kept) < 3 and seen[0] == (0, 3)
    # again: the pages kept are not read again, the rest are, and the document is whole
    again: list[tuple[int, int]] = []
    ctx2 = _ctx(tmp_path, progress=lambda _f, d, t: again.append((d, t)), workers=1)
    doc = load(pdf, ocr=ctx2)
    ctx2.close()
    assert [p.number for p in doc.pages] == [1, 2, 3] and again[0] == (len(kept), 3)
    assert {n: p.text for n, p in kept.items()} == {p.number: p.text for p in doc.ocr if p.number in kept}
    ctx3 = _ctx(tmp_path)
    assert [p.text for p in load(pdf, ocr=ctx3).pages] == [p.text for p in doc.pages]
    assert ctx3._engine is None  # everything from the cache: no engine was even started
