"""UI language: Qt translation files (sillok_ko.ts → sillok_ko.qm, compiled with pyside6-lrelease).

Every UI string goes through ``tr()`` (QCoreApplication.translate with one context, "Sillok"), so a
single .ts file covers the window; tests/desktop/test_i18n.py checks that each tr() string has a
Korean translation. Rebuild the .qm after editing the .ts:
    .venv/bin/pyside6-lrelease app/desktop/i18n/sillok_ko.ts -qm app/desktop/i18n/sillok_ko.qm
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

CONTEXT = "Sillok"
HERE = Path(__file__).resolve().parent
LANGUAGES = {"ko": "한국어", "en": "English"}
_installed: list[QTranslator] = []


def tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    return QCoreApplication.translate(CONTEXT, text, disambiguation, n)


def system_language() -> str:
    """Korean when the OS locale is Korean, otherwise English."""
    return "ko" if QLocale.system().language() == QLocale.Language.Korean else "en"


def install_language(lang: str) -> str:
    """Install the translator for ``lang`` ("ko" / "en" / "" = follow the system); returns the language used.

    Installing or removing a translator sends a LanguageChange event to every widget, which the
    window answers by re-setting its texts (``retranslate``)."""
    app = QCoreApplication.instance()
    lang = lang if lang in LANGUAGES else system_language()
    while _installed:
        app.removeTranslator(_installed.pop())
    if lang != "en":
        # Ours, then Qt's own (qtbase_ko.qm from PySide6's translations folder): the buttons and
        # texts of QMessageBox, QFileDialog, QDialogButtonBox… ("OK", "Cancel", "Yes", "Look in:").
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for folder, name in ((HERE, f"sillok_{lang}"), (qt_dir, f"qtbase_{lang}")):
            translator = QTranslator(app)
            if translator.load(name, str(folder)):
                app.installTranslator(translator)
                _installed.append(translator)
    return lang
