"""`sillok reembed`: after an embedding change the collection is re-embedded on request, once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sillok.app.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, object]:
    code = main([*argv, "--json"])
    return code, json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_reembed_after_an_embedding_change(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = tmp_path / "memo.txt"
    doc.write_text("Metformin lowers glucose. Insulin is injected before meals.\n\n" * 3, encoding="utf-8")
    home = str(tmp_path / "home")
    assert run(capsys, "ingest", str(doc), "--data-dir", home)[0] == 0
    code, out = run(capsys, "reembed", "--data-dir", home)
    assert code == 0 and out["embedded"] == 0  # already current
    monkeypatch.setenv("SILLOK_EMBEDDING_MAX_SEQ_LENGTH", "64")  # a different embedding key
    code, out = run(capsys, "reembed", "--data-dir", home)
    _, cols = run(capsys, "collections", "--data-dir", home)
    assert code == 0 and out["embedded"] == cols[0]["chunks"] > 0
    assert run(capsys, "reembed", "--data-dir", home)[1]["embedded"] == 0
    _, hits = run(capsys, "search", "glucose", "--data-dir", home)
    assert hits
