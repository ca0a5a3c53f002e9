"""Settings: model, GPU layers, context size, temperature, embedding model, data folder, UI language.

The dialog only reads the current values and returns the changed ones (``values()``); the window saves
them with ``Settings.save_user_values`` and rebuilds the facade on the worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.desktop.i18n import LANGUAGES, tr
from core.errors import SillokError


def _row(*widgets: QWidget) -> QWidget:
    w = QWidget()
    lay = QHBoxLayout(w)
    lay.setContentsMargins(0, 0, 0, 0)
    for i, x in enumerate(widgets):
        lay.addWidget(x, 1 if i == 0 else 0)
    return w


class SettingsDialog(QDialog):
    def __init__(self, settings: Any, language: str, parent: QWidget | None = None) -> None:
        from models.registry import RECOMMENDED, ModelRegistry

        super().__init__(parent)
        self.setWindowTitle(tr("Settings"))
        self.settings = settings
        self.registry = ModelRegistry(settings.home, settings.home / "models")
        self.model = QComboBox()
        self._fill_models(settings.llm_model)
        add = QPushButton(tr("Add file…"))
        add.clicked.connect(self._add_model)
        self.recommended = QListWidget()
        self.recommended.setMaximumHeight(110)
        for r in RECOMMENDED:
            self.recommended.addItem(f"{r.name} — {r.size_gb:.1f} GB, {r.quant}, {r.languages}; {r.license}")
        self.layers_mode = QComboBox()
        self.layers_mode.addItems([tr("Automatic"), tr("Manual")])
        self.layers = QSpinBox()
        self.layers.setRange(0, 999)
        auto = str(settings.n_gpu_layers) == "auto"
        self.layers_mode.setCurrentIndex(0 if auto else 1)
        self.layers.setValue(0 if auto else int(settings.n_gpu_layers))
        self.layers.setEnabled(not auto)
        self.layers_mode.currentIndexChanged.connect(lambda i: self.layers.setEnabled(i == 1))
        self.n_ctx = QSpinBox()
        self.n_ctx.setRange(512, 131072)
        self.n_ctx.setSingleStep(1024)
        self.n_ctx.setValue(settings.n_ctx)
        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(0.0, 2.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setValue(settings.temperature)
        self.embedding = QLineEdit(settings.embedding_model)
        self.embedding.setToolTip(tr("“default” is the bundled model; or a sentence-transformers folder"))
        emb_btn = QPushButton(tr("Folder…"))
        emb_btn.clicked.connect(lambda: self._pick_dir(self.embedding))
        self.home = QLineEdit(str(settings.home))
        home_btn = QPushButton(tr("Folder…"))
        home_btn.clicked.connect(lambda: self._pick_dir(self.home))
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(language)))

        form = QFormLayout()
        form.addRow(tr("Language model"), _row(self.model, add))
        form.addRow(tr("Recommended models"), self.recommended)
        form.addRow(tr("GPU layers"), _row(self.layers_mode, self.layers))
        form.addRow(tr("Context size (tokens)"), self.n_ctx)
        form.addRow(tr("Temperature"), self.temperature)
        form.addRow(tr("Embedding model"), _row(self.embedding, emb_btn))
        form.addRow(tr("Data folder"), _row(self.home, home_btn))
        form.addRow(tr("Language"), self.language)
        note = QLabel(tr("Changes to models or the data folder apply to the next question."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(buttons)
        self.resize(640, self.sizeHint().height())

    def _fill_models(self, current: str) -> None:
        self.model.clear()
        self.model.addItem(tr("Default (bundled)"), "default")
        for e in self.registry.list():
            if e.source == "default":
                continue
            label = f"{e.name} ({e.size_bytes / 2**30:.1f} GB)" + (f" — {tr('unusable')}" if e.error else "")
            self.model.addItem(label, e.path)
        if current != "default" and self.model.findData(current) < 0:
            self.model.addItem(Path(current).name, current)
        self.model.setCurrentIndex(max(0, self.model.findData(current)))

    def _add_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Add a GGUF model"), "", "GGUF (*.gguf)")
        if not path:
            return
        try:
            entry = self.registry.add(path)
        except SillokError as e:
            QMessageBox.warning(self, tr("Not a usable model"), str(e))
            return
        self._fill_models(entry.path)

    def _pick_dir(self, edit: QLineEdit) -> None:
        path = QFileDialog.getExistingDirectory(self, tr("Choose a folder"), edit.text())
        if path:
            edit.setText(path)

    def values(self) -> dict[str, Any]:
        """Settings values as the user file stores them (only what the dialog shows)."""
        return {
            "llm_model": self.model.currentData() or "default",
            "n_gpu_layers": "auto" if self.layers_mode.currentIndex() == 0 else self.layers.value(),
            "n_ctx": self.n_ctx.value(),
            "temperature": round(self.temperature.value(), 2),
            "embedding_model": self.embedding.text().strip() or "default",
            "home": self.home.text().strip() or str(self.settings.home),
            "ui_language": self.language.currentData(),
        }
