"""The first-run step: what the bundled model can and cannot do, which model suits this person's
language and this computer, and how to add one — by download, or from a .gguf file IT copied over.

Why: without it a Korean office got the English-only 135M model with no word about it and judged
Sillok by its weak answers. Shown once per data folder (the user settings remember it) from the entry
point (sillok.app.desktop.main), never from tests' windows; Help → First-run guide shows it again.
The memory is read here (cheap); whether a GPU can be used needs llama.cpp, so it is asked on the
worker and the advice is refreshed when the answer comes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sillok.app.desktop.i18n import tr
from sillok.foundation.errors import SillokError
from sillok.service.model_admin import Advice, bundled, noncommercial, recommend, total_memory_gb

DONE_KEY = "first_run_done"


def should_show(settings: Any) -> bool:
    return not settings.user_values().get(DONE_KEY) and settings.llm_model == "default" and not settings.office_mode


class FirstRunDialog(QDialog):
    """``modelChosen(path)`` when a model file was downloaded or added."""

    modelChosen = Signal(str)  # noqa: N815

    def __init__(self, settings: Any, language: str, parent: QWidget | None = None, gpu: str = "cpu") -> None:
        super().__init__(parent)
        self.settings, self.language, self.gpu = settings, language, gpu
        self.memory_gb = total_memory_gb()
        self.setWindowTitle(tr("Welcome to Sillok"))
        self.about_bundled = QLabel()
        self.advice = QLabel()
        self.offline = QLabel()
        for label in (self.about_bundled, self.advice, self.offline):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
        self.download_btn = QPushButton(tr("Download the recommended model…"))
        self.download_btn.clicked.connect(self.download)
        self.add_btn = QPushButton(tr("Add a model file (.gguf)…"))
        self.add_btn.clicked.connect(self.add_file)
        buttons = QDialogButtonBox()
        buttons.addButton(self.download_btn, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.add_btn, QDialogButtonBox.ButtonRole.ActionRole)
        self.keep_btn = buttons.addButton(tr("Start with the small model"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        lay = QVBoxLayout(self)
        for w in (self.about_bundled, self.advice, self.offline):
            lay.addWidget(w)
        lay.addWidget(buttons)
        self.set_gpu(gpu)
        self.setMinimumWidth(620)

    def set_gpu(self, gpu: str) -> None:
        self.gpu = gpu
        self.advices = recommend(self.language, self.memory_gb, gpu)
        self._fill()

    @property
    def best(self) -> Advice | None:
        return self.advices[0] if self.advices else None

    def _fill(self) -> None:
        small = bundled()
        self.about_bundled.setText(
            "<b>" + tr("The model that comes with Sillok is small.") + "</b><br>" +
            tr("{0} has 135 million parameters and reads and writes English only. It shows how Sillok works, "
               "but its answers are weak, and it cannot answer Korean documents in Korean.").format(
                small.name.replace(" (default)", "")))
        memory = f"{self.memory_gb:.0f} GB" if self.memory_gb else tr("unknown")
        machine = tr("This computer: {0} memory, {1}.").format(
            memory, tr("graphics card usable") if self.gpu != "cpu" else tr("no usable graphics card (answers on the CPU)"))
        lines = [f"<b>{tr('Recommended for you')}</b>", machine]
        for a in self.advices[:3]:
            tag = "" if a.fits else f" — <i>{tr('too large for this computer')}</i>"
            nc = f" — <b>{tr('non-commercial licence: check that your office may use it')}</b>" if noncommercial(a.model) else ""
            why = tr("{0:.1f} GB download, about {1:.0f} GB of memory; languages: {2}; licence: {3}").format(
                a.model.size_gb, a.model.ram_gb, a.model.languages, a.model.license)
            lines.append(f"• <b>{a.model.name}</b> — {why}{tag}{nc}")
        self.advice.setText("<br>".join(lines))
        best = self.best.model.filename if self.best else "model.gguf"
        self.offline.setText("<b>" + tr("No internet on this computer?") + "</b><br>" + tr(
            "Ask IT to copy a model file such as {0} to this computer (a USB stick or a shared folder), then "
            "choose “Add a model file”. Files placed in {1} are found by themselves.").format(
                best, self.settings.home / "models"))
        self.download_btn.setEnabled(bool(self.best))

    def download(self) -> None:
        from sillok.app.desktop.model_download import DownloadDialog

        dlg = DownloadDialog(self.settings.home / "models", self, select=self.best.model if self.best else None)
        dlg.downloaded.connect(self._chosen)
        self.download_dialog = dlg  # tests reach it here
        dlg.open()

    def add_file(self, path: str | None = None) -> None:
        from sillok.service.model_admin import ModelRegistry

        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, tr("Add a GGUF model"), "", "GGUF (*.gguf)")
        if not path:
            return
        try:
            entry = ModelRegistry(self.settings.home, self.settings.home / "models").add(path)
        except SillokError as e:
            QMessageBox.warning(self, tr("Not a usable model"), str(e))
            return
        self._chosen(entry.path)

    def _chosen(self, path: str) -> None:
        self.modelChosen.emit(path)
        self.accept()

    def done(self, result: int) -> None:  # noqa: D102 - every way out marks the step as done
        self.settings.save_user_values({DONE_KEY: True})
        super().done(result)
