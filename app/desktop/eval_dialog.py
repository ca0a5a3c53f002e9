"""File → Evaluate this collection…: run the office's own questions (a JSONL file) and show the report.

Why a dialog of its own: an evaluation takes minutes with the answering model, so it runs on the
window's worker (sillok.app.desktop.jobs.evaluate → Sillok.evaluate) with a progress bar and Cancel,
and the report (sillok.service.eval_report, the same HTML `sillok eval --out` writes) appears here when
it is done. Qt's text browser draws no SVG, so the recall@k chart is drawn once with QtSvg into an
image the page refers to. "Save report…" writes report.md and report.html into a folder.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QUrl
from PySide6.QtGui import QImage, QPainter, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sillok.app.desktop.i18n import tr
from sillok.app.desktop.reasons import reason_text

CHART_URL = "sillok-recall-chart.png"


def report_words() -> dict[str, str]:
    """The report's labels (sillok.service.eval_report) in the window's language; saved files stay English."""
    return {
        "Sillok evaluation": tr("Sillok evaluation"), "Summary": tr("Summary"), "Figure": tr("Figure"),
        "Value": tr("Value"), "Questions": tr("Questions"), "Questions file": tr("Questions file"),
        "Collection": tr("Collection"), "Search model": tr("Search model"),
        "Answering model": tr("Answering model"), "not used (retrieval only)": tr("not used (retrieval only)"),
        "Run at": tr("Run at"), "Questions with an expected source": tr("Questions with an expected source"),
        "Recall@1 / @3 / @5 / @10": tr("Recall@1 / @3 / @5 / @10"),
        "MRR of the expected source": tr("MRR of the expected source"),
        "Refusals of unanswerable questions ({0})": tr("Refusals of unanswerable questions ({0})"),
        "Wrongful refusals of answerable questions ({0})": tr("Wrongful refusals of answerable questions ({0})"),
        "Answers with a verified citation": tr("Answers with a verified citation"),
        "Answers citing the expected source": tr("Answers citing the expected source"),
        "Answers containing the expected answer": tr("Answers containing the expected answer"),
        "Answer time": tr("Answer time"), "Retrieval time": tr("Retrieval time"), "Total time": tr("Total time"),
        "{0} ms mean, {1} ms median": tr("{0} ms mean, {1} ms median"), "Line": tr("Line"),
        "Question": tr("Question"), "Expected source": tr("Expected source"), "Rank": tr("Rank"),
        "Top document": tr("Top document"), "Answerable": tr("Answerable"), "Answered": tr("Answered"),
        "Cited": tr("Cited"), "Has expected answer": tr("Has expected answer"), "Answer": tr("Answer"),
        "Answer ms": tr("Answer ms"), "Retrieval ms": tr("Retrieval ms"), "yes": tr("yes"), "no": tr("no"),
        "Recall@k of the expected source": tr("Recall@k of the expected source"),
        "Expected sources not in the collection": tr("Expected sources not in the collection"),
        "line {0}: {1}": tr("line {0}: {1}"),
    }


def chart_image(svg: str) -> QImage:
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    size = renderer.defaultSize()
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return image


class EvalDialog(QDialog):
    """Start (with or without the answering model), progress and Cancel, then the report."""

    def __init__(self, window: Any, path: str, collection: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_, self.path, self.collection = window, path, collection
        self.job: Any = None
        self.report: Any = None
        self.setWindowTitle(tr("Evaluate this collection"))
        self.what = QLabel(tr("Questions: {0}\nCollection: {1}").format(path, collection))
        self.what.setWordWrap(True)
        self.search_only = QCheckBox(tr("Search only (faster; does not load the answering model)"))
        self.bar = QProgressBar()
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.hide()
        self.start_btn = QPushButton(tr("Start"))
        self.start_btn.clicked.connect(self.start)
        self.cancel_btn = QPushButton(tr("Cancel evaluation"))
        self.cancel_btn.setEnabled(False)
        self.cancel_btn.clicked.connect(self.cancel)
        self.save_btn = QPushButton(tr("Save report…"))
        self.save_btn.setEnabled(False)
        self.save_btn.clicked.connect(lambda: self.save())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        for b in (self.start_btn, self.cancel_btn, self.save_btn):
            buttons.addButton(b, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        for w in (self.what, self.search_only, self.bar, self.status):
            lay.addWidget(w)
        lay.addWidget(self.browser, 1)
        lay.addWidget(buttons)
        self.resize(980, 720)

    @property
    def running(self) -> bool:
        return self.job is not None

    def start(self) -> None:
        from sillok.app.desktop import jobs

        if self.running:
            return
        path, coll, search_only = self.path, self.collection, self.search_only.isChecked()
        self.start_btn.setEnabled(False)
        self.search_only.setEnabled(False)
        self.cancel_btn.setEnabled(True)
        self.bar.setRange(0, 0)
        self.status.setText(tr("Starting…"))
        self.job = self.window_.worker.submit(lambda s, j: jobs.evaluate(s, j, path, coll, search_only),
                                              name="evaluate", done=self._done, error=self._failed,
                                              progress=self._progress)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel.cancel()
            self.status.setText(tr("Cancelling…"))

    def _progress(self, p: Any) -> None:
        self.bar.setRange(0, max(1, p.files_total))
        self.bar.setValue(p.files_done)
        self.status.setText(tr("Question {0} of {1}: {2}").format(min(p.files_done + 1, p.files_total),
                                                                  p.files_total, p.current)
                            if p.current else tr("{0} questions done").format(p.files_done))

    def _finish(self) -> None:
        self.job = None
        self.cancel_btn.setEnabled(False)
        self.start_btn.setEnabled(True)
        self.search_only.setEnabled(True)

    def _failed(self, message: str) -> None:
        self._finish()
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.status.setText(reason_text(message))

    def _done(self, report: Any) -> None:
        self._finish()
        if report is None:  # cancelled
            self.bar.setRange(0, 1)
            self.bar.setValue(0)
            self.status.setText(tr("Evaluation cancelled."))
            return
        from sillok.service.eval_report import recall_svg, to_html

        self.report = report
        words = report_words()
        t = lambda text: words.get(text, text)  # noqa: E731
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.status.setText(tr("Done: {0} questions in {1:.0f} s.").format(len(report.rows), report.seconds))
        doc = self.browser.document()
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(CHART_URL), chart_image(recall_svg(report, t=t)))
        self.browser.setHtml(to_html(report, chart=f'<p><img src="{CHART_URL}"></p>', t=t))
        self.browser.show()
        self.save_btn.setEnabled(True)

    def save(self, folder: str | None = None) -> None:
        """report.md and report.html into a folder the person picks."""
        from sillok.foundation.errors import SillokError
        from sillok.service.eval_report import write_reports

        if self.report is None:
            return
        folder = folder or QFileDialog.getExistingDirectory(self, tr("Save the report into a folder"))
        if not folder:
            return
        try:
            md, page = write_reports(self.report, folder)
        except SillokError as e:
            self.status.setText(reason_text(str(e)))
            return
        self.status.setText(tr("Report saved: {0}").format(page))

    def reject(self) -> None:
        """Closing cancels a running evaluation."""
        self.cancel()
        super().reject()
