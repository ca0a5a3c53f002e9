"""A scanned page in the source pane: the page image as OCR read it (upright, straightened), with the
quoted words outlined, so staff can see the passage on the scan itself and judge OCR's reading.

The service hands over the page as plain data (sillok.foundation.types.ScanView: grey pixels, the OCR
text and each word's box as fractions of the page); the words to outline are those whose characters
overlap the cited span of the page text, so the same offsets that highlight a text page outline a scan.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget

OUTLINE = QColor(230, 120, 0)
FILL = QColor(255, 230, 120, 90)


def words_in_span(words: Any, span: tuple[int, int] | None) -> list[Any]:
    """The OCR words (sillok.foundation.types.OcrWord) whose characters overlap `span` of the page text."""
    if not span:
        return []
    return [w for w in words if w.start < span[1] and w.end > span[0]]


def page_image(view: Any, boxes: list[tuple[float, float, float, float]]) -> QImage:
    """The page (ScanView) as a colour image with `boxes` outlined and lightly filled."""
    grey = QImage(view.pixels, view.width, view.height, view.width, QImage.Format.Format_Grayscale8)
    img = grey.convertToFormat(QImage.Format.Format_RGB32)  # a copy: the pixels' bytes may go
    painter = QPainter(img)
    pen = QPen(OUTLINE)
    pen.setWidth(max(2, view.width // 400))
    painter.setPen(pen)
    pad = max(2, view.width // 500)
    for x0, y0, x1, y1 in boxes:
        rect = QRectF(x0 * view.width - pad, y0 * view.height - pad,
                      (x1 - x0) * view.width + 2 * pad, (y1 - y0) * view.height + 2 * pad)
        painter.fillRect(rect, FILL)
        painter.drawRect(rect)
    painter.end()
    return img


class ScanPane(QScrollArea):
    """Shows one page image fitted to the pane's width, scrolled to the outlined words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setWidget(self.label)
        self.setWidgetResizable(True)
        self.image: QImage | None = None
        self.boxes: list[tuple[float, float, float, float]] = []

    def show_page(self, view: Any, boxes: list[tuple[float, float, float, float]]) -> None:
        self.image, self.boxes = page_image(view, boxes), boxes
        self._fit()

    def _fit(self) -> None:
        if self.image is None:
            return
        width = max(200, self.viewport().width() - 4)
        self.label.setPixmap(QPixmap.fromImage(self.image).scaledToWidth(
            width, Qt.TransformationMode.SmoothTransformation))
        if self.boxes:
            top = min(b[1] for b in self.boxes) * self.image.height() * width / max(1, self.image.width())
            self.verticalScrollBar().setValue(max(0, int(top) - 60))

    def clear_page(self) -> None:
        self.image, self.boxes = None, []
        self.label.clear()

    def resizeEvent(self, e: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(e)
        self._fit()
