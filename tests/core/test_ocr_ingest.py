"""Scans through the whole service (issue 15): one ingest of a folder of generated scans — a Korean
image-only PDF with an upside-down page, an English two-page TIFF with a sideways page, a PDF with a text
page and a scanned page, a blurred PNG — then search finds their text at the right page, `documents`
reports OCR confidence and flags the blurred page, a citation's words have boxes on the page image, and
with OCR off the scans are named "needs OCR" as before."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from sillok.foundation.types import Progress
from tests.support.scans import (
    POOR,
    SCANNED,
    Look,
    lines_for,
    mixed_pdf,
    need_ocr,
    render_page,
    save_images,
    scan_pdf,
)

KO_P2 = "근로자란 직업의 종류와 관계없이 임금을 목적으로"  # on the upside-down page 2 of ko.pdf
EN_P2 = "Either party may terminate this Agreement upon sixty days written notice"  # sideways page 2


def _corpus(folder: Path) -> Path:
    folder.mkdir(parents=True)
    ko1 = [x for x in lines_for("ko", 10, seed=1) if "근로자란" not in x][:6]
    ko2 = [x for x in lines_for("ko", 10, seed=2) if "근로자란" in x] + ko1[:3]
    scan_pdf(folder / "ko.pdf", [(ko1, "ko", SCANNED), (ko2, "ko", Look(skew=-2.0, turn=180, speckle=200, blur=0.5))])
    en1 = [x for x in lines_for("en", 10, seed=3) if "terminate" not in x][:5]
    en2 = [x for x in lines_for("en", 10, seed=4) if "terminate" in x] + en1[:2]
    save_images(folder / "en.tiff", [render_page(en1, "en", SCANNED),
                                     render_page(en2, "en", Look(skew=1.5, turn=90, speckle=300, blur=0.6))])
    mixed_pdf(folder / "mixed.pdf", "Quarterly invoice for the Busan warehouse lease",
              ["The radiology report was faxed to the referring clinic on Monday."], "en")
    save_images(folder / "blurred.png", [render_page(lines_for("en", 5, seed=5), "en", POOR)])
    return folder


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory):
    need_ocr()
    from sillok.service.facade import Sillok

    root = tmp_path_factory.mktemp("scans")
    docs = _corpus(root / "docs")
    svc = Sillok(home=root / "home", embedding_model="minilm")
    seen: list[Progress] = []
    report = svc.ingest([docs], progress=seen.append)
    yield svc, docs, report, seen
    svc.close()


def test_scans_are_indexed_and_found_at_their_page(scanned) -> None:
    svc, docs, report, _ = scanned
    status = {Path(f.path).name: (f.status, f.pages) for f in report.files}
    assert status == {"ko.pdf": ("indexed", 2), "en.tiff": ("indexed", 2), "mixed.pdf": ("indexed", 2),
                      "blurred.png": ("indexed", 1)}
    for query, name, page in ((KO_P2, "ko.pdf", 2), (EN_P2, "en.tiff", 2),
                              ("radiology report faxed to the referring clinic", "mixed.pdf", 2),
                              ("Busan warehouse lease invoice", "mixed.pdf", 1)):
        hit = svc.search(query)[0]
        assert (Path(hit.source).name, hit.page) == (name, page), (query, hit)
    assert all(Path(h.source).name == "ko.pdf" for h in svc.search("근로자", mode="keyword")[:2])


def test_progress_goes_page_by_page(scanned) -> None:
    _, _, _, seen = scanned
    ocr = [(Path(p.current).name, p.page, p.pages) for p in seen if p.stage == "ocr"]
    assert ("ko.pdf", 0, 2) in ocr and ("ko.pdf", 2, 2) in ocr and ("en.tiff", 1, 2) in ocr
    assert ("mixed.pdf", 1, 1) in ocr  # only the scanned page of the mixed PDF is read by OCR


def test_confidence_is_reported_and_low_pages_flagged(scanned, capsys: pytest.CaptureFixture[str]) -> None:
    svc, docs, report, _ = scanned
    info = {Path(d.source).name: d for d in svc.documents()}
    assert info["ko.pdf"].ocr_pages == 2 and info["ko.pdf"].ocr_confidence > 0.85
    assert info["ko.pdf"].low_confidence_pages == () and info["mixed.pdf"].ocr_pages == 1
    assert info["blurred.png"].low_confidence_pages == (1,) and info["blurred.png"].ocr_confidence < 0.8
    notes = {Path(f.path).name: f.reason for f in report.files}
    assert notes["blurred.png"].startswith("OCR: 1 pages") and "low confidence on p. 1" in notes["blurred.png"]
    from sillok.app.cli import main

    assert main(["documents", "--data-dir", str(svc.settings.home), "--embedding-model", "minilm"]) == 0
    lines = {Path(line.split("] ", 1)[1].split(" — ")[0]).name: line for line in capsys.readouterr().out.splitlines()}
    assert "LOW CONFIDENCE, check p. 1" in lines["blurred.png"] and "OCR 2 pages" in lines["ko.pdf"]
    assert "LOW CONFIDENCE" not in lines["ko.pdf"]


def test_citation_words_have_boxes_on_the_page_image(scanned) -> None:
    svc, docs, _, _ = scanned
    hit = svc.search(KO_P2)[0]
    view = svc.scan_view(hit.source, hit.page)
    assert view is not None and len(view.pixels) == view.width * view.height
    assert view.width < view.height  # shown upright (the page was scanned upside down)
    at = view.text.find("임금을")
    words = [w for w in view.words if w.start < at + 3 and w.end > at]  # what the viewer outlines
    assert at >= 0 and words and "".join(w.text for w in words) == "임금을"
    assert svc.scan_view(str(docs / "mixed.pdf"), 1) is None  # a text page: shown as the PDF itself
    pages = svc.pages(hit.source)  # what the viewer gets: the cited offsets line up with the scan's text
    assert pages[hit.page - 1].text == view.text


def test_reingest_is_unchanged_and_remove_forgets_the_ocr_pages(scanned) -> None:
    svc, docs, _, _ = scanned
    again = svc.ingest([docs / "en.tiff"])
    assert [f.status for f in again.files] == ["unchanged"]
    sha = hashlib.sha256((docs / "blurred.png").read_bytes()).hexdigest()
    assert svc.ocr_cache().get(sha)
    svc.remove(docs / "blurred.png")
    assert svc.ocr_cache().get(sha) == {}


def test_with_ocr_off_scans_are_named_needs_ocr(tmp_path: Path) -> None:
    need_ocr()
    from sillok.service.facade import Sillok

    scan_pdf(tmp_path / "scan.pdf", [(lines_for("en", 4), "en", SCANNED)])
    save_images(tmp_path / "scan.png", [render_page(lines_for("en", 4), "en", SCANNED)])
    svc = Sillok(home=tmp_path / "home", embedding_model="minilm", ocr=False)
    report = svc.ingest([tmp_path / "scan.pdf", tmp_path / "scan.png"])
    assert [(Path(f.path).name, f.status) for f in report.files] == [("scan.pdf", "needs_ocr"), ("scan.png", "needs_ocr")]
    assert "needs OCR" in report.files[0].reason and "needs OCR" in report.files[1].reason
    assert svc.doctor()["ocr"]["enabled"] is False and svc.doctor()["ocr"]["available"] is True
