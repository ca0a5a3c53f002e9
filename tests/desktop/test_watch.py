"""The window watches the folders added to it: a file added, changed or deleted in a remembered folder
is followed by the index (debounced, through the ingest panel) until it matches a fresh ingest of the
folder; a folder that goes away is reported and its documents are kept."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.durability import make_folder, mutate

LONG = 300_000


def _docs(w, qtbot, collection: str) -> list[tuple[str, str, int, int]]:
    got: list = []
    w.worker.submit(lambda s, j: s.documents(collection), done=got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=LONG)
    return sorted((d.source, d.status, d.pages, d.chunks) for d in got[0])


def test_the_watcher_keeps_the_index_as_a_fresh_ingest(tmp_path: Path, make_window, qtbot) -> None:
    folder = make_folder(tmp_path, n=5)
    w = make_window(tmp_path / "home")
    w.add_paths([str(folder)])
    qtbot.waitUntil(lambda: w.ingest_panel.report is not None and not w.ingest_panel.running, timeout=LONG)
    assert str(folder.resolve()) in w.watcher._watches  # remembered and watched
    first = len(_docs(w, qtbot, "default"))
    assert first == 5
    what = mutate(folder)
    qtbot.waitUntil(lambda: w.ingest_panel.running or w._ingest_job is not None, timeout=30_000)
    qtbot.waitUntil(lambda: w._ingest_job is None and not w._ingest_queue, timeout=LONG)
    lines = [w.ingest_panel.results.item(i).text() for i in range(w.ingest_panel.results.count())]
    assert any(what["deleted"].name in x and "removed" in x for x in lines), lines
    w.worker.submit(lambda s, j: s.ingest([str(folder)], "fresh"))
    synced = _docs(w, qtbot, "default")
    fresh = _docs(w, qtbot, "fresh")
    assert synced == fresh and len(synced) == first  # one added, one deleted

    # The folder goes away (a USB disk unplugged): reported, nothing removed.
    messages: list[str] = []
    w.statusBar().messageChanged.connect(messages.append)
    shutil.move(str(folder), str(tmp_path / "away"))
    w.watcher.check()
    assert any("not available" in m for m in messages)
    qtbot.wait(2500)  # past the debounce: the deletions the watcher saw must not remove anything
    qtbot.waitUntil(lambda: w._ingest_job is None and not w._ingest_queue, timeout=LONG)
    assert _docs(w, qtbot, "default") == synced
    shutil.move(str(tmp_path / "away"), str(folder))


def test_a_folder_added_while_closed_is_synced_at_start(tmp_path: Path, make_window, qtbot) -> None:
    folder = make_folder(tmp_path, n=3)
    home = tmp_path / "home"
    w = make_window(home)
    w.add_paths([str(folder)])
    qtbot.waitUntil(lambda: w.ingest_panel.report is not None and not w.ingest_panel.running, timeout=LONG)
    w.close()
    mutate(folder)  # while the window is closed (or killed)
    w2 = make_window(home)
    qtbot.waitUntil(lambda: w2._ingest_job is None and not w2._ingest_queue and w2.ingest_panel.report is not None,
                    timeout=LONG)
    names = sorted(Path(d[0]).name for d in _docs(w2, qtbot, "default"))
    assert names == sorted(p.name for p in folder.rglob("doc-*") if ".trash" not in p.parts)


def test_stop_watching_and_removing_a_folder(tmp_path: Path, make_window, qtbot, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    folder = make_folder(tmp_path, n=3)
    w = make_window(tmp_path / "home")
    w.add_paths([str(folder)])
    qtbot.waitUntil(lambda: len(w.sidebar.document_rows()) == 3, timeout=LONG)
    w.watched_folders()
    dlg = w.folders_dialog
    assert dlg.list.count() == 1 and dlg.selected() == str(folder.resolve())
    dlg.stop_btn.click()
    assert dlg.list.count() == 0 and not w.watcher._watches
    (folder / "late.md").write_text("# Late\n\nA file added after the folder stopped being watched.\n", encoding="utf-8")
    qtbot.wait(2500)  # past the debounce: nothing happens
    assert len(w.sidebar.document_rows()) == 3
    w.add_paths([str(folder)])  # watched again (and the late file indexed)
    qtbot.waitUntil(lambda: len(w.sidebar.document_rows()) == 4, timeout=LONG)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    w.watched_folders()
    w.folders_dialog.remove_btn.click()
    qtbot.waitUntil(lambda: len(w.sidebar.document_rows()) == 0, timeout=LONG)
    assert not w.watcher._watches and "Removed 4 documents" in w.statusBar().currentMessage()


def test_network_shares_are_polled() -> None:
    from sillok.app.desktop.folder_watch import network_fs

    mounts = ("/dev/sda1 / ext4 rw 0 0\n//nas/cases /mnt/cases cifs rw 0 0\n"
              "nas:/export /srv/share\\040docs nfs4 rw 0 0\n/dev/sdb1 /mnt/cases/local ext4 rw 0 0\n")
    assert network_fs("/mnt/cases/2024", mounts) and network_fs("/srv/share docs/a", mounts)
    assert not network_fs("/home/me/docs", mounts) and not network_fs("/mnt/cases/local/x", mounts)
