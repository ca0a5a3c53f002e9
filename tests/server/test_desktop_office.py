"""The desktop window on the office servers: Settings → "Office server" with the address and token of a
real `chroma run` behind the token proxy (its own, empty), then a file is ingested and listed, and another
desktop sees it. The model-server part (asking through the window) is slow."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PySide6", reason="the desktop extra (PySide6) is not installed")

from sillok.service.facade import Sillok  # noqa: E402
from tests.support.keyring_memory import MemoryKeyring, memory_keyring  # noqa: E402
from tests.support.servers import TOKEN, Server, TokenProxy, chroma_server  # noqa: E402

LONG = 300_000
QUESTION = "What was the mean time required for in-flight intubation?"


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TokenProxy]:
    """An index server of its own, so the window's 'default' collection starts empty."""
    server = chroma_server(tmp_path_factory.mktemp("desktop-office")).start()
    proxy = TokenProxy(server.port, TOKEN)
    try:
        yield proxy
    finally:
        proxy.close()
        server.stop()


@pytest.fixture
def ring() -> Iterator[MemoryKeyring]:
    with memory_keyring() as mem:
        yield mem


def rows(w) -> dict[str, str]:
    return {row[0]: row[1] for row in w.sidebar.document_rows()}


def test_window_moves_to_the_office_server_then_ingests_and_lists(office, ring, make_window, qtbot, tmp_path, docs):
    from sillok.app.desktop.settings_dialog import SettingsDialog

    home = tmp_path / "home"
    w = make_window(home)
    assert w.where_label.text() == "This computer"
    dlg = SettingsDialog(w.settings, "en", w)
    dlg.where_office.setChecked(True)
    dlg.chroma_url.setText(office.url)
    dlg.chroma_token.setText(TOKEN)
    dlg.accept()
    assert dlg.result() == 1 and ring.store  # the token went to the keyring …
    w.snapshot = None
    w.apply_settings(dlg.values())
    assert TOKEN.encode() not in (home / "settings.json").read_bytes()  # … and not to the settings file
    qtbot.waitUntil(lambda: w.snapshot is not None, timeout=60_000)
    assert w.where_label.text() == "Office server: 127.0.0.1" and office.url in w.where_label.toolTip()
    assert [c.name for c in w.snapshot.collections] == ["default"]  # made on the office server
    w.add_paths([str(docs[0]), str(tmp_path / "missing.txt")])
    qtbot.waitUntil(lambda: w.ingest_panel.report is not None and not w.ingest_panel.running, timeout=LONG)
    assert {Path(f.path).name: f.status for f in w.ingest_panel.report.files} == {
        docs[0].name: "indexed", "missing.txt": "failed"}
    qtbot.waitUntil(lambda: docs[0].name in rows(w), timeout=30_000)
    assert rows(w)[docs[0].name] == "indexed" and "1 documents" in w.size_label.text()
    assert not (home / "chroma").exists() or not any((home / "chroma").iterdir())  # nothing indexed locally
    # Another desktop of the office sees the file at once.
    with memory_keyring() as other_ring:
        other_ring.store.update(ring.store)
        other = Sillok(home=tmp_path / "other", office_mode=True, chroma_url=office.url)
        assert [(Path(d.source).name, d.status) for d in other.documents()] == [(docs[0].name, "indexed")]


@pytest.mark.slow
def test_asking_in_the_window_uses_the_office_model_server(office, ring, make_window, qtbot, tmp_path, docs,
                                                           llm: Server):
    from sillok.foundation.secrets import store_token

    store_token(office.url, TOKEN)
    w = make_window(tmp_path / "home", office_mode=True, chroma_url=office.url, llm_server_url=llm.url,
               max_answer_tokens=48, n_ctx=2048)
    w.add_paths([str(d) for d in docs])
    qtbot.waitUntil(lambda: w.ingest_panel.report is not None and not w.ingest_panel.running, timeout=LONG)
    qtbot.waitUntil(lambda: w.status_info.get("loaded"), timeout=60_000)
    assert w.model_label.text() == "Model: default" and llm.url in w.model_label.toolTip()
    w.ask(QUESTION)
    qtbot.waitUntil(lambda: not w.chat.generating, timeout=LONG)
    turn = w.chat.turns[-1]
    assert turn.state == "done" and turn.text.strip(), turn.text
    got: list = []
    w.worker.submit(lambda s, j: s.llm.loaded, done=got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=30_000)
    assert got == [False]  # the local model was never loaded: the answer came from the server
