"""kill -9 in the middle of OCR (issue 15): the real CLI ingests a six-page image-only PDF and is killed
twice while pages are being read; the third run finishes. The collection must equal a clean run's
(no duplicate, nothing half-done: tests/support/durability.problems), and the pages read before each
kill must not be read again (their stored readings, timing included, are unchanged)."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.durability import _env, assert_same, cli, read_snapshot
from tests.support.scans import SCANNED, lines_for, need_ocr, scan_pdf

PAGES = 6


def _read_pages(home: Path) -> dict[int, str]:
    """page → its stored reading, from the OCR cache (raw sqlite3, never through the code under test)."""
    path = home / "ocr.db"
    if not path.exists():
        return {}
    try:
        with sqlite3.connect(path, timeout=30) as db:
            return {int(p): str(d) for p, d in db.execute("SELECT page, data FROM pages")}
    except sqlite3.OperationalError:
        return {}


@pytest.mark.slow
def test_kill_during_ocr_then_finish_without_duplicates_or_rereading(tmp_path: Path) -> None:
    need_ocr()
    docs = tmp_path / "docs"
    docs.mkdir()
    scan_pdf(docs / "scan.pdf", [(lines_for("en" if i % 2 else "ko", 6, seed=i), "en" if i % 2 else "ko", SCANNED)
                                 for i in range(PAGES)])
    settings = {"embedding_model": "minilm", "ocr_workers": 1}
    ref_home = tmp_path / "ref"
    cli(["ingest", str(docs)], _env(ref_home, **settings))
    ref = read_snapshot(ref_home)
    assert len(ref["documents"]) == 1 and ref["documents"][0][5] == PAGES

    home = tmp_path / "home"
    before: dict[int, str] = {}
    for target in (2, 4):  # kill once two pages are stored, then once four are
        proc = subprocess.Popen([sys.executable, "-m", "sillok.app.cli", "ingest", str(docs)], env=_env(home, **settings),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 300
        while len(_read_pages(home)) < target and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before its kill"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        stored = _read_pages(home)
        assert target <= len(stored) < PAGES
        assert all(stored[p] == d for p, d in before.items()), "a page read before the kill was read again"
        before = stored
    rc, out, _wall = cli(["ingest", str(docs)], _env(home, **settings))
    assert rc == 0 and "1 indexed" in out
    final = _read_pages(home)
    assert sorted(final) == list(range(1, PAGES + 1))
    assert all(final[p] == d for p, d in before.items()), "a page read before a kill was read again"
    assert_same(home, ref)
