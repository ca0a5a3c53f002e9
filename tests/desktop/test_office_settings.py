"""Settings window: "This computer" vs "Office server", server addresses, tokens into the OS keyring
(an in-memory backend: this machine has none) and never into the settings file; the status bar says
which is in use. No server is started here (tests/server/test_desktop_office.py does that)."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from sillok.foundation.secrets import SERVICE
from sillok.foundation.settings import load_settings
from tests.support.keyring_memory import memory_keyring

INDEX, MODEL = "https://sillok.office.lan:8444", "https://sillok.office.lan:8443/v1"
SECRET_A, SECRET_B = "3f9c-index-token-not-for-files", "8d21-model-token-not-for-files"


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    """QMessageBox.warning is modal (it would block an offscreen test): record what it would say."""
    from PySide6.QtWidgets import QMessageBox

    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: said.append(text))
    return said


def dialog(qtbot, home: Path):
    from sillok.app.desktop.settings_dialog import SettingsDialog

    dlg = SettingsDialog(load_settings(home=home), "en")
    qtbot.addWidget(dlg)
    return dlg


def test_office_server_choice_saves_addresses_and_keeps_tokens_out_of_the_file(tmp_path, qtbot, warnings):
    from PySide6.QtWidgets import QDialog

    from sillok.app.desktop.settings_dialog import where_text

    home = tmp_path / "home"
    with memory_keyring() as ring:
        dlg = dialog(qtbot, home)
        assert dlg.where_local.isChecked() and not dlg.chroma_url.isEnabled() and not dlg.llm_token.isEnabled()
        assert dlg.values()["office_mode"] is False
        dlg.where_office.setChecked(True)
        assert dlg.chroma_url.isEnabled() and dlg.emb_model.isEnabled()
        dlg.chroma_url.setText(INDEX)
        dlg.chroma_token.setText(SECRET_A)
        dlg.llm_url.setText(MODEL)
        dlg.llm_model_name.setText("qwen2.5-7b-instruct")
        dlg.llm_token.setText(SECRET_B)
        dlg.accept()
        assert dlg.result() == QDialog.DialogCode.Accepted and warnings == []
        assert ring.store == {(SERVICE, "https://sillok.office.lan:8444"): SECRET_A,
                              (SERVICE, "https://sillok.office.lan:8443"): SECRET_B}
        values = dlg.values()
        assert {k: values[k] for k in ("office_mode", "chroma_url", "llm_server_url", "llm_server_model",
                                       "embedding_server_url")} == {
            "office_mode": True, "chroma_url": INDEX, "llm_server_url": MODEL,
            "llm_server_model": "qwen2.5-7b-instruct", "embedding_server_url": ""}
        settings = load_settings(home=home)
        settings.save_user_values(values)  # what the window does with them
        raw = settings.user_file.read_bytes()
        assert SECRET_A.encode() not in raw and SECRET_B.encode() not in raw
        assert b"token" not in raw.lower()
        again = load_settings(home=home)
        assert again.office_mode and again.chroma_url == INDEX and again.llm_server_url == MODEL
        assert where_text(again) == "Office server: sillok.office.lan"
        # Reopened: office chosen, addresses shown, tokens not shown (only that one is stored).
        dlg2 = dialog(qtbot, home)
        assert dlg2.where_office.isChecked() and dlg2.chroma_url.text() == INDEX
        assert dlg2.chroma_token.text() == "" and dlg2.chroma_token.placeholderText() == "token stored"
        assert dlg2.emb_token.placeholderText() == "token"
        dlg2.accept()  # empty token fields keep the stored tokens
        assert ring.store[(SERVICE, "https://sillok.office.lan:8444")] == SECRET_A
        dlg2.where_local.setChecked(True)
        assert dlg2.values()["office_mode"] is False and dlg2.values()["chroma_url"] == INDEX  # kept for later
    assert where_text(load_settings(home=tmp_path / "other")) == "This computer"


@pytest.mark.parametrize("fill,expected", [
    ({}, "Enter the address of the index server or the model server"),
    ({"chroma_url": "ftp://files.office.lan"}, "is not a server address"),
    ({"chroma_url": "https://sillok.office.lan:port"}, "is not a server address"),
    ({"llm_url": MODEL, "emb_url": "http://10.0.5.20:8445"}, "name of the embedding server's model"),
    ({"llm_url": MODEL, "emb_token": "t"}, "server address that the token belongs to"),
])
def test_bad_input_keeps_the_dialog_open(tmp_path, qtbot, warnings, fill, expected):
    dlg = dialog(qtbot, tmp_path / "home")
    dlg.where_office.setChecked(True)
    for name, text in fill.items():
        getattr(dlg, name).setText(text)
    dlg.accept()
    assert len(warnings) == 1 and expected in warnings[0] and dlg.result() == 0


def test_no_keyring_says_where_the_token_goes_instead(tmp_path, qtbot, warnings):
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        dlg = dialog(qtbot, tmp_path / "home")
        dlg.where_office.setChecked(True)
        dlg.llm_url.setText(MODEL)
        dlg.llm_token.setText(SECRET_B)
        dlg.accept()
    finally:
        keyring.set_keyring(previous)
    assert len(warnings) == 1 and "SILLOK_SERVER_TOKEN" in warnings[0] and dlg.result() == 0
    assert not (tmp_path / "home" / "settings.json").exists()


def test_status_bar_says_where_in_both_languages(tmp_path, make_window):
    from sillok.app.desktop.i18n import install_language
    from sillok.app.desktop.settings_dialog import where_text

    w = make_window(tmp_path / "home")
    assert w.where_label.text() == "This computer" and w.where_label.toolTip() == ""
    w.set_language("ko")
    assert w.where_label.text() == "이 컴퓨터"
    office = load_settings(home=tmp_path / "x", office_mode=True, chroma_url=INDEX, llm_server_url="http://10.0.5.21:8443")
    assert where_text(office) == "사무실 서버: sillok.office.lan, 10.0.5.21"
    install_language("en")
