"""Scans in the window (issue 15): a citation of a scanned page opens the page image with the quoted
words outlined; a scan with low-confidence pages is flagged "check OCR" in the document list (Korean
too), with the pages to check in the tooltip."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from sillok.foundation.types import Citation, DocumentInfo
from tests.support.scans import SCANNED, lines_for, need_ocr, scan_pdf


def _scan_doc(name: str, low: tuple[int, ...]) -> DocumentInfo:
    return DocumentInfo(f"/m/{name}", "d", "indexed", 3, 4, "2026-11-23T10:00:00", "", name, 0, 3,
                        0.71 if low else 0.95, low)


def test_low_confidence_scans_are_flagged_in_the_list(qtbot) -> None:
    from sillok.app.desktop.doc_model import STATUS
    from sillok.app.desktop.i18n import install_language
    from sillok.app.desktop.sidebar import Sidebar

    sb = Sidebar()
    qtbot.addWidget(sb)
    sb.set_documents([_scan_doc("fax.pdf", (2, 3)), _scan_doc("clear.pdf", ()), _scan_doc("plain.docx", ())])
    status = {r[0]: r[1] for r in sb.document_rows()}
    assert status == {"clear.pdf": "indexed", "fax.pdf": "check OCR", "plain.docx": "indexed"}
    fax = next(i for i in range(3) if sb.model.source_at(i) == "/m/fax.pdf")
    tip = sb.model.data(sb.model.index(fax, STATUS), Qt.ItemDataRole.ToolTipRole)
    assert "confidence 71%" in tip and "check page 2, 3" in tip
    sb.filter.setText("check ocr")
    assert [r[0] for r in sb.document_rows()] == ["fax.pdf"]
    sb.filter.setText("")
    install_language("ko")
    try:
        sb.set_documents([_scan_doc("fax.pdf", (2,))])
        assert sb.document_rows()[0][1] == "OCR 확인 필요"
        tip = sb.model.data(sb.model.index(0, STATUS), Qt.ItemDataRole.ToolTipRole)
        assert "신뢰도 71%" in tip and "2쪽을 확인하세요" in tip
    finally:
        install_language("en")


def test_a_citation_on_a_scan_outlines_the_quoted_words(tmp_path: Path, make_window, qtbot) -> None:
    need_ocr()
    from sillok.foundation.settings import load_settings
    from sillok.service.facade import Sillok

    home = tmp_path / "home"
    load_settings(home=home).save_user_values({"embedding_model": "minilm"})
    lines = lines_for("en", 6, seed=4)
    first = [x for x in lines_for("en", 10, seed=1) if x not in lines]  # page 1 shares no line with page 2
    pdf = scan_pdf(tmp_path / "contract.pdf", [(first, "en", SCANNED), (lines, "en", SCANNED)])
    svc = Sillok(settings=load_settings(home=home))
    svc.ingest([pdf])
    quote = " ".join(lines[0].split()[:8])  # the first line of page 2
    hit = svc.search(quote)[0]
    assert hit.page == 2
    svc.close()
    w = make_window(home)
    w.show_citation(Citation(1, hit.source, hit.page, None, quote, hit.chunk_id))
    qtbot.waitUntil(lambda: bool(w.viewer.outlined), timeout=60_000)
    viewer = w.viewer
    assert viewer.stack.currentWidget() is viewer.scan_view and viewer.highlight.split() == quote.split()
    assert len(viewer.outlined) == len(quote.split())  # one box per quoted word
    top = min(b[1] for b in viewer.outlined)
    assert all(abs(b[1] - top) < 0.02 for b in viewer.outlined)  # all on the same line of the page
    img = viewer.scan_view.image
    x0, y0, x1, _ = viewer.outlined[0]
    pen = img.pixelColor(int(x0 * img.width()) - 3, int(y0 * img.height()) + 5)  # the outline's left edge
    assert pen.red() > 200 and pen.blue() < 80, pen.name()


def test_the_ingest_panel_shows_the_ocr_page(qtbot) -> None:
    from sillok.app.desktop.i18n import install_language
    from sillok.app.desktop.ingest_panel import IngestPanel, result_text
    from sillok.foundation.types import FileResult, Progress

    panel = IngestPanel()
    qtbot.addWidget(panel)
    panel.start("default", ["/m/fax.pdf"])
    panel.on_progress(Progress("ocr", 0, 3, 0, "/m/fax.pdf", None, 1, 5))
    assert "OCR page 2 of 5: fax.pdf" in panel.detail.text() and panel.bar.maximum() == 3
    line = result_text(FileResult("/m/fax.pdf", "indexed", "OCR: 5 pages, confidence 0.71; low confidence on p. 2", 4, 5))
    assert line.endswith("— read by OCR; some pages need checking")
    install_language("ko")
    try:
        panel.on_progress(Progress("ocr", 0, 3, 0, "/m/fax.pdf", None, 4, 5))
        assert "OCR 5쪽 중 5쪽: fax.pdf" in panel.detail.text()
    finally:
        install_language("en")
