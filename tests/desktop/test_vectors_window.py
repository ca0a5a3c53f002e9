"""The window makes vectors in the background: a dropped file is found by keyword at once, its vectors
follow in slices between other jobs; an embedding-model upgrade is re-embedded on first start, with
progress and Pause / Resume, searchable all along. Real window (offscreen), real index and embedders."""

from __future__ import annotations

from pathlib import Path

from sillok.app.desktop import jobs

LONG = 180_000
TEXT = "\n\n".join(
    f"Section {i}. The tenant shall pay the rent of {100 + i} dollars on the first day of month {i}. "
    f"Late payment in month {i} incurs a fee of {i} percent." for i in range(1, 61))


def _debt(home: Path, **values: object) -> int:
    from sillok.service.facade import Sillok

    return Sillok(home=home, **values).vector_debt()


def test_dropped_file_is_searchable_first_and_its_vectors_follow(tmp_path: Path, make_window, qtbot,
                                                                 monkeypatch) -> None:
    monkeypatch.setattr(jobs, "VECTOR_SLICE", 4)  # several slices, so other jobs can go between them
    doc = tmp_path / "lease.txt"
    doc.write_text(TEXT, encoding="utf-8")
    home = tmp_path / "home"
    w = make_window(home)
    seen: list[int] = []
    monkeypatch.setattr(w, "_show_vectors", lambda left, orig=w._show_vectors: (seen.append(left), orig(left)))
    w.add_paths([str(doc)])
    qtbot.waitUntil(lambda: len(w.sidebar.document_rows()) == 1, timeout=LONG)
    qtbot.waitUntil(lambda: w._vector_job is None and w._ingest_job is None and seen and seen[-1] == 0,
                    timeout=LONG)
    assert len([n for n in seen if n]) >= 2, seen  # it went in slices, each reporting what is left
    since_ingest = seen[[i for i, n in enumerate(seen) if n][0]:]  # (a 0 at start: the empty collection)
    assert since_ingest == sorted(since_ingest, reverse=True), seen
    assert _debt(home) == 0
    assert not w.vectors_bar.isVisible()


def test_upgrade_is_reembedded_on_first_start_with_pause_and_resume(tmp_path: Path, make_window, qtbot,
                                                                    monkeypatch) -> None:
    from sillok.service.facade import Sillok

    home = tmp_path / "home"
    doc = tmp_path / "lease.txt"
    doc.write_text(TEXT, encoding="utf-8")
    old = Sillok(home=home, embedding_model="minilm")
    old.ingest([str(doc)])
    assert old.vector_debt() == 0
    total = _debt(home)  # the default model (multilingual-e5-small) has no vectors here yet
    assert total > 0

    monkeypatch.setattr(jobs, "VECTOR_SLICE", 2)
    w = make_window(home)
    qtbot.waitUntil(lambda: w.vectors_bar.isVisible() or _debt(home) == 0, timeout=LONG)
    w.toggle_vectors()  # pause
    assert w.vectors_pause.text() == "Resume"
    qtbot.waitUntil(lambda: w._vector_job is None, timeout=LONG)
    paused_at = _debt(home)
    qtbot.wait(1500)
    assert _debt(home) == paused_at  # nothing more while paused
    # search works meanwhile, from the last complete (MiniLM) set and the keyword index
    assert Sillok(home=home).search("late payment fee in month 7", k=3)
    w.toggle_vectors()  # resume
    assert w.vectors_pause.text() == "Pause" or not w.vectors_pause.isVisible()
    qtbot.waitUntil(lambda: _debt(home) == 0 and w._vector_job is None, timeout=LONG)
    assert not w.vectors_bar.isVisible()
