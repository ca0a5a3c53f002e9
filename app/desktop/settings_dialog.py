"""Settings: model, GPU layers, context size, temperature, embedding model, data folder, UI language,
and where the work happens: "This computer" or "Office server" (index, model and embedding servers).

The dialog only reads the current values and returns the changed ones (``values()``); the window saves
them with ``Settings.save_user_values`` and rebuilds the facade on the worker. Office-server tokens are
the exception: they never enter ``values()`` (so never the settings file); ``accept()`` puts them in
the OS keyring through sillok.foundation.secrets, and stays open with the reason when that is not possible.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sillok.app.desktop.i18n import LANGUAGES, tr
from sillok.foundation.errors import SillokError


def office_servers(settings: Any) -> list[tuple[str, str]]:
    """(label, address) of each office server the settings use; empty on "This computer"."""
    if not getattr(settings, "office_mode", False):
        return []
    pairs = [(tr("Index server"), settings.chroma_url), (tr("Model server"), settings.llm_server_url),
             (tr("Embedding server"), getattr(settings, "embedding_server_url", ""))]
    return [(label, url) for label, url in pairs if url]


def where_text(settings: Any) -> str:
    """What the status bar says: "This computer" or "Office server: host[, host]"."""
    hosts = list(dict.fromkeys(urlsplit(u if "://" in u else f"http://{u}").hostname or u
                               for _, u in office_servers(settings)))
    return tr("Office server: {0}").format(", ".join(hosts)) if hosts else tr("This computer")


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    try:
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port or 1) > 0
    except ValueError:  # a port that is not a number
        ok = False
    if not ok:
        raise SillokError(tr("{0} is not a server address; use e.g. https://sillok.office.lan:8444").format(url))


def _row(*widgets: QWidget) -> QWidget:
    w = QWidget()
    lay = QHBoxLayout(w)
    lay.setContentsMargins(0, 0, 0, 0)
    for i, x in enumerate(widgets):
        lay.addWidget(x, 1 if i == 0 else 0)
    return w


class SettingsDialog(QDialog):
    def __init__(self, settings: Any, language: str, parent: QWidget | None = None) -> None:
        from sillok.service.model_admin import RECOMMENDED, ModelRegistry

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
        for r in RECOMMENDED:  # short lines; the details are in the tooltip and the Download dialog
            self.recommended.addItem(f"{r.name} — {r.size_gb:.1f} GB, {r.languages}")
            self.recommended.item(self.recommended.count() - 1).setToolTip(
                f"{r.quant}, {r.ram_gb:.0f} GB RAM; {r.license}\n{r.notes}")
        self.download_btn = QPushButton(tr("Download…"))
        self.download_btn.setToolTip(tr("Fetch a recommended model from the Hugging Face hub (needs internet)"))
        self.download_btn.clicked.connect(self._download)
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
        office = self._build_office(settings)

        form = QFormLayout()
        form.addRow(tr("Language model"), _row(self.model, add))
        form.addRow(tr("Recommended models"), _row(self.recommended, self.download_btn))
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
        lay.addWidget(office)
        lay.addWidget(note)
        lay.addWidget(buttons)
        self.resize(640, self.sizeHint().height())

    # -- where: this computer or the office servers -------------------------------------------------
    def _build_office(self, settings: Any) -> QGroupBox:
        box = QGroupBox(tr("Where documents and questions go"))
        self.where_local = QRadioButton(tr("This computer"))
        self.where_office = QRadioButton(tr("Office server"))
        (self.where_office if settings.office_mode else self.where_local).setChecked(True)

        def edit(value: str, tip: str = "") -> QLineEdit:
            e = QLineEdit(value)
            e.setPlaceholderText(tip)
            return e

        self.chroma_url = edit(settings.chroma_url, "https://sillok.office.lan:8444")
        self.llm_url = edit(settings.llm_server_url, "https://sillok.office.lan:8443")
        self.llm_model_name = edit(settings.llm_server_model, "default")
        self.emb_url = edit(settings.embedding_server_url, tr("optional: embeddings on this computer"))
        self.emb_model = edit(settings.embedding_server_model, "multilingual-e5-small")
        self.chroma_token, self.llm_token, self.emb_token = (self._token_edit(u) for u in (
            settings.chroma_url, settings.llm_server_url, settings.embedding_server_url))
        self._office_fields = [self.chroma_url, self.llm_url, self.llm_model_name, self.emb_url, self.emb_model,
                               self.chroma_token, self.llm_token, self.emb_token]
        form = QFormLayout()
        form.addRow(_row(self.where_local, self.where_office))
        form.addRow(tr("Index server"), _row(self.chroma_url, self.chroma_token))
        form.addRow(tr("Model server"), _row(self.llm_url, self.llm_model_name, self.llm_token))
        form.addRow(tr("Embedding server"), _row(self.emb_url, self.emb_model, self.emb_token))
        note = QLabel(tr("Tokens are kept in the OS keyring, never in the settings file. Leave a token "
                         "empty to keep the one stored."))
        note.setWordWrap(True)
        form.addRow(note)
        box.setLayout(form)
        self.where_office.toggled.connect(self._office_toggled)
        self._office_toggled(self.where_office.isChecked())
        return box

    def _token_edit(self, url: str) -> QLineEdit:
        from sillok.foundation.secrets import read_token

        e = QLineEdit()
        e.setEchoMode(QLineEdit.EchoMode.Password)
        e.setMaximumWidth(170)
        where = read_token(url).where if url else "none"
        e.setPlaceholderText({"keyring": tr("token stored"), "environment": tr("token from environment")}
                             .get(where, tr("token")))
        return e

    def _office_toggled(self, on: bool) -> None:
        for w in self._office_fields:
            w.setEnabled(on)

    def _servers(self) -> list[tuple[QLineEdit, QLineEdit]]:
        return [(self.chroma_url, self.chroma_token), (self.llm_url, self.llm_token), (self.emb_url, self.emb_token)]

    def save_tokens(self) -> int:
        """Check the addresses and put the typed tokens in the OS keyring; returns how many were stored."""
        from sillok.foundation.secrets import store_token

        if self.where_office.isChecked() and not (self.chroma_url.text().strip() or self.llm_url.text().strip()):
            raise SillokError(tr("Enter the address of the index server or the model server, or choose This computer."))
        if self.emb_url.text().strip() and not self.emb_model.text().strip():
            raise SillokError(tr("Enter the name of the embedding server's model (it keeps the vectors of "
                                 "different models apart)."))
        for url_edit, _ in self._servers():
            if url_edit.text().strip():
                _check_url(url_edit.text().strip())
        stored = 0
        for url_edit, token_edit in self._servers():
            token = token_edit.text().strip()
            if token:
                if not url_edit.text().strip():
                    raise SillokError(tr("Enter the server address that the token belongs to."))
                store_token(url_edit.text().strip(), token)
                token_edit.clear()
                stored += 1
        return stored

    def accept(self) -> None:
        try:
            self.save_tokens()
        except SillokError as e:
            QMessageBox.warning(self, tr("Office server"), str(e))
            return
        super().accept()

    def _fill_models(self, current: str) -> None:
        self.model.clear()
        self.model.addItem(tr("Default (bundled)"), "default")
        for e in self.registry.list():
            if e.source == "default":
                continue
            # the file name, which people chose and recognise; the GGUF's training tag goes to the tooltip
            label = f"{Path(e.path).name} ({e.size_bytes / 2**30:.1f} GB)" + (f" — {tr('unusable')}" if e.error else "")
            self.model.addItem(label, e.path)
            self.model.setItemData(self.model.count() - 1, e.error or e.name, Qt.ItemDataRole.ToolTipRole)
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

    def _download(self) -> None:
        """Only here does Sillok go online for a model: the person chose a model and pressed Download."""
        from sillok.app.desktop.model_download import DownloadDialog

        dlg = DownloadDialog(self.settings.home / "models", self)
        dlg.downloaded.connect(self._fill_models)  # the new file appears in the list, selected
        self.download_dialog = dlg  # tests reach it here
        dlg.open()

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
            "office_mode": self.where_office.isChecked(),
            "chroma_url": self.chroma_url.text().strip(),
            "llm_server_url": self.llm_url.text().strip(),
            "llm_server_model": self.llm_model_name.text().strip() or "default",
            "embedding_server_url": self.emb_url.text().strip(),
            "embedding_server_model": self.emb_model.text().strip(),
        }
