"""The settings' Download dialog: a recommended model fetched from a loopback server, with progress,
checked (sha256, GGUF), announced; a broken download named with its reason. Never the real hub."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from sillok.models.catalogue import RecommendedModel
from sillok.models.tiny_gguf import write_tiny_llama_gguf
from tests.support.fileserver import FileServer


@pytest.fixture()
def server(tmp_path: Path):
    data = write_tiny_llama_gguf(tmp_path / "src.gguf").read_bytes()
    s = FileServer(data)
    yield s, data
    s.close()


def spec(data: bytes, sha: str | None = None) -> RecommendedModel:
    return RecommendedModel("Tiny test model", "test/tiny", "tiny.gguf", 0.001, "F32", 0.01, "MIT", "en",
                            "for tests", sha256=sha or hashlib.sha256(data).hexdigest())


def test_download_shows_progress_and_announces_the_model(qtbot, tmp_path: Path, server) -> None:
    from sillok.app.desktop.model_download import DownloadDialog

    srv, data = server
    bundled = RecommendedModel("Bundled", "x/y", "", 0.1, "Q4", 1, "MIT", "en", "", bundled=True)
    dlg = DownloadDialog(tmp_path / "models", models=[bundled, spec(data)], base_url=srv.url)
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 1  # nothing to download for a bundled model
    with qtbot.waitSignal(dlg.downloaded, timeout=30_000) as got:
        dlg.download_btn.click()
    path = Path(got.args[0])
    assert path == tmp_path / "models" / "tiny.gguf" and path.read_bytes() == data
    assert dlg.bar.value() == 100 and dlg.download_btn.isEnabled() and not dlg.cancel_btn.isEnabled()
    assert "Downloaded and checked" in dlg.status.text()


def test_a_corrupt_download_is_named_and_nothing_is_installed(qtbot, tmp_path: Path, server) -> None:
    from sillok.app.desktop.model_download import DownloadDialog

    srv, data = server
    dlg = DownloadDialog(tmp_path / "models", models=[spec(data, sha="0" * 64)], base_url=srv.url)
    qtbot.addWidget(dlg)
    announced: list[str] = []
    dlg.downloaded.connect(announced.append)
    dlg.download_btn.click()
    qtbot.waitUntil(lambda: dlg.fetch is None and "corrupt" in dlg.status.text(), timeout=30_000)
    assert "tiny.gguf" in dlg.status.text() and not announced
    assert not (tmp_path / "models" / "tiny.gguf").exists()


def test_settings_download_button_fetches_and_selects_the_model(qtbot, tmp_path: Path, server,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import sillok.app.desktop.model_download as md
    from sillok.app.desktop.settings_dialog import SettingsDialog
    from sillok.foundation.settings import load_settings

    srv, data = server
    monkeypatch.setattr(md, "RECOMMENDED", [spec(data)])
    monkeypatch.setenv("HF_ENDPOINT", srv.url)  # the hub address, pointed at loopback for the test
    dlg = SettingsDialog(load_settings(home=tmp_path / "home"), "en")
    qtbot.addWidget(dlg)
    assert dlg.model.currentData() == "default"
    dlg.download_btn.click()
    fetch = dlg.download_dialog
    with qtbot.waitSignal(fetch.downloaded, timeout=30_000):
        fetch.download_btn.click()
    assert dlg.model.currentData() == str(tmp_path / "home" / "models" / "tiny.gguf")
    assert dlg.values()["llm_model"] == dlg.model.currentData()
