"""First run tells the truth: the bundled model is English-only and tiny, a model for the person's
language and memory is recommended, a non-commercial licence is confirmed before any download, IT's
copied .gguf can be added offline, and a failed download reads as a sentence, not `<urlopen error>`."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from sillok.foundation.settings import load_settings
from sillok.models.catalogue import RECOMMENDED, RecommendedModel
from sillok.models.tiny_gguf import write_tiny_llama_gguf


def test_first_run_says_what_the_bundled_model_can_do_and_recommends_korean(qtbot, tmp_path: Path) -> None:
    from sillok.app.desktop.first_run import FirstRunDialog, should_show

    settings = load_settings(home=tmp_path / "home")
    assert should_show(settings)
    dlg = FirstRunDialog(settings, "ko", gpu="cpu")
    qtbot.addWidget(dlg)
    assert "135 million" in dlg.about_bundled.text() and "English only" in dlg.about_bundled.text()
    assert dlg.best is not None and "ko" in dlg.best.model.languages
    text = dlg.advice.text()
    assert dlg.best.model.name in text and "memory" in text
    if "NC" in dlg.best.model.license or "non-commercial" in dlg.best.model.license.lower():
        assert "non-commercial licence" in text
    assert str(tmp_path / "home" / "models") in dlg.offline.text() and ".gguf" in dlg.offline.text()
    # Offline: the file IT copied over is added and chosen.
    chosen: list[str] = []
    dlg.modelChosen.connect(chosen.append)
    (tmp_path / "usb").mkdir()
    copied = write_tiny_llama_gguf(tmp_path / "usb" / "EXAONE-copy.gguf")
    dlg.add_file(str(copied))
    assert chosen == [str(copied)]
    assert not should_show(load_settings(home=tmp_path / "home"))  # once per data folder


def test_english_user_gets_an_english_model(qtbot, tmp_path: Path) -> None:
    from sillok.app.desktop.first_run import FirstRunDialog

    dlg = FirstRunDialog(load_settings(home=tmp_path / "home"), "en", gpu="cpu")
    qtbot.addWidget(dlg)
    assert "en" in dlg.best.model.languages


def test_a_non_commercial_licence_is_confirmed_before_download(qtbot, tmp_path: Path, monkeypatch) -> None:
    from sillok.app.desktop.model_download import DownloadDialog

    exaone = next(m for m in RECOMMENDED if m.name.startswith("EXAONE-3.5-2.4B"))
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    dlg = DownloadDialog(tmp_path / "models", models=[exaone], base_url="http://127.0.0.1:9")
    qtbot.addWidget(dlg)
    dlg.download_btn.click()
    assert asked and "commercial" in asked[0] and exaone.license in asked[0]
    assert dlg.fetch is None and "licence was not accepted" in dlg.status.text()
    assert not list((tmp_path / "models").glob("*"))


@pytest.mark.parametrize("lang,expect", [("en", "there is no internet connection"), ("ko", "인터넷")])
def test_a_failed_download_is_a_sentence(qtbot, tmp_path: Path, lang, expect) -> None:
    from sillok.app.desktop.i18n import install_language
    from sillok.app.desktop.model_download import DownloadDialog

    install_language(lang)
    try:
        spec = RecommendedModel("Tiny", "t/t", "tiny.gguf", 0.01, "F32", 0.1, "MIT", "en", "")
        dlg = DownloadDialog(tmp_path / "models", models=[spec], base_url="http://no-such-host.invalid")
        qtbot.addWidget(dlg)
        dlg.download_btn.click()
        qtbot.waitUntil(lambda: dlg.fetch is None and dlg.status.text() != "" and "…" not in dlg.status.text(),
                        timeout=60_000)
        text = dlg.status.text()
        assert expect in text and "urlopen" not in text and "Errno" not in text, text
        assert "tiny.gguf" in text
    finally:
        install_language("en")
