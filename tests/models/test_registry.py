"""Header inspection, the installed-model list, and resumable download against a local server only."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import Cancelled, SillokError
from sillok.models.catalogue import RECOMMENDED, RecommendedModel
from sillok.models.defaults import default_embedding_path, default_llm_path
from sillok.models.download import download
from sillok.models.gguf_header import inspect_gguf, validate_gguf
from sillok.models.registry import ModelRegistry
from sillok.models.tiny_gguf import write_tiny_llama_gguf
from tests.support.fileserver import FileServer


def test_defaults_point_at_installed_packages() -> None:
    llm = default_llm_path()
    assert llm is not None and llm.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and llm.is_file()
    emb = default_embedding_path()
    assert emb is not None and (emb / "modules.json").is_file()


def test_inspect_smollm2(smollm_path: Path) -> None:
    info = validate_gguf(smollm_path)
    assert info.architecture == "llama" and info.n_layers == 30
    assert info.expected_size == info.file_size
    assert info.chat_template and "<|im_start|>" in info.chat_template
    assert info.kv_bytes_per_token() == 2 * 2 * 30 * 3 * 64  # f16 K+V, 3 KV heads of 64


def test_inspect_tiny(tiny_gguf: Path) -> None:
    info = inspect_gguf(tiny_gguf)
    assert (info.version, info.name, info.n_tensors) == (3, "tiny-llama-test", 3 + 9 * 2)
    assert "tokenizer.ggml.tokens" not in info.metadata  # long arrays are skipped, not stored


def test_registry_lists_and_persists(tmp_path: Path, tiny_gguf: Path) -> None:
    models_dir = tmp_path / "models"
    models_dir.mkdir()
    write_tiny_llama_gguf(models_dir / "in-folder.gguf")
    (models_dir / "broken.gguf").write_text("not a model")
    reg = ModelRegistry(tmp_path / "state", models_dir)
    entries = {Path(e.path).name: e for e in reg.list()}
    assert entries["SmolLM2-135M-Instruct.Q4_1.gguf"].source == "default"
    assert entries["in-folder.gguf"].source == "folder" and not entries["in-folder.gguf"].error
    assert "not a GGUF" in entries["broken.gguf"].error

    added = reg.add(tiny_gguf)
    assert added.source == "added" and added.architecture == "llama"
    again = ModelRegistry(tmp_path / "state", models_dir)  # persisted in JSON
    assert str(tiny_gguf.resolve()) in [e.path for e in again.list() if e.source == "added"]
    again.remove(tiny_gguf)
    assert all(e.source != "added" for e in ModelRegistry(tmp_path / "state").list())


def test_registry_add_rejects_non_gguf(tmp_path: Path) -> None:
    bad = tmp_path / "x.gguf"
    bad.write_bytes(b"PK\x03\x04 zip")
    with pytest.raises(SillokError, match="x.gguf: not a GGUF"):
        ModelRegistry(tmp_path).add(bad)


def test_recommended_table_is_complete() -> None:
    names = " ".join(m.name for m in RECOMMENDED)
    for want in (
        "EXAONE-3.5-2.4B",
        "EXAONE-3.5-7.8B",
        "Qwen2.5-3B",
        "Qwen2.5-7B",
        "Llama-3.1-8B",
        "gemma-2-2b",
        "gemma-2-9b",
        "KoAlpaca",
        "SmolLM2",
    ):
        assert want in names
    for m in RECOMMENDED:
        assert m.license and m.languages and m.size_gb > 0 and m.ram_gb >= m.size_gb
    exaone = next(m for m in RECOMMENDED if m.name.startswith("EXAONE-3.5-2.4B"))
    assert "non-commercial" in exaone.license
    assert exaone.url() == (
        "https://huggingface.co/lmstudio-community/EXAONE-3.5-2.4B-Instruct-GGUF/resolve/main/"
        "EXAONE-3.5-2.4B-Instruct-Q4_K_M.gguf"
    )


# ---- download, against 127.0.0.1 only -------------------------------------------------------


@pytest.fixture()
def served(tiny_gguf: Path) -> Iterator[tuple[FileServer, bytes]]:
    data = tiny_gguf.read_bytes()
    server = FileServer(data)
    yield server, data
    server.close()


def _spec(data: bytes, sha: str | None = "auto") -> RecommendedModel:
    digest = hashlib.sha256(data).hexdigest() if sha == "auto" else sha
    return RecommendedModel(
        "tiny", "test/tiny", "tiny.gguf", 0.001, "F32", 0.01, "MIT", "en", "", sha256=digest
    )


def test_download_whole_file_with_progress(tmp_path: Path, served) -> None:
    server, data = served
    seen: list[tuple[int, int | None]] = []
    path = download(
        _spec(data), tmp_path, lambda d, t: seen.append((d, t)), base_url=server.url, chunk=50_000
    )
    assert path.read_bytes() == data and not (tmp_path / "tiny.gguf.part").exists()
    assert seen[-1] == (len(data), len(data)) and len(seen) > 3
    assert server.ranges == [None]


def test_download_resumes_a_partial_file(tmp_path: Path, served) -> None:
    server, data = served
    (tmp_path / "tiny.gguf.part").write_bytes(data[:100_000])
    path = download(_spec(data), tmp_path, base_url=server.url)
    assert path.read_bytes() == data
    assert server.ranges == ["bytes=100000-"]


def test_download_restarts_when_server_ignores_range(tmp_path: Path, tiny_gguf: Path) -> None:
    data = tiny_gguf.read_bytes()
    server = FileServer(data, honour_range=False)
    try:
        (tmp_path / "tiny.gguf.part").write_bytes(b"garbage" * 10)
        assert download(_spec(data), tmp_path, base_url=server.url).read_bytes() == data
    finally:
        server.close()


def test_download_complete_part_gets_416(tmp_path: Path, served) -> None:
    server, data = served
    (tmp_path / "tiny.gguf.part").write_bytes(data)
    assert download(_spec(data), tmp_path, base_url=server.url).read_bytes() == data


def test_download_sha_mismatch(tmp_path: Path, served) -> None:
    server, data = served
    with pytest.raises(SillokError, match="corrupt: sha256"):
        download(_spec(data, sha="0" * 64), tmp_path, base_url=server.url)
    assert not (tmp_path / "tiny.gguf").exists() and not (tmp_path / "tiny.gguf.part").exists()


def test_download_cancel_keeps_part_for_resume(tmp_path: Path, served) -> None:
    server, data = served
    cancel = CancelToken()

    def progress(done: int, total: int | None) -> None:
        if done >= 100_000:
            cancel.cancel()

    with pytest.raises(Cancelled):
        download(_spec(data), tmp_path, progress, cancel, base_url=server.url, chunk=50_000)
    part = tmp_path / "tiny.gguf.part"
    kept = part.stat().st_size
    assert 0 < kept < len(data) and not (tmp_path / "tiny.gguf").exists()
    assert download(_spec(data), tmp_path, base_url=server.url).read_bytes() == data
    assert server.ranges[-1] == f"bytes={kept}-"


def test_download_http_error_and_bundled(tmp_path: Path, served) -> None:
    server, data = served
    with pytest.raises(SillokError, match="failed"):
        download(_spec(data), tmp_path, base_url="http://127.0.0.1:9")  # nothing listens on port 9
    with pytest.raises(SillokError, match="nothing to download"):
        download(RECOMMENDED[0], tmp_path)
