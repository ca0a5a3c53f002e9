"""`sillok doctor` warns about real problems: an answering model that does not read the collection's
language (the bundled SmolLM2 with a Korean collection), failed documents, a disconnected folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sillok.service.checks import text_language, warnings
from tests.support.durability import _env, cli
from tests.support.pdf import broken_pdf


def test_language_of_text() -> None:
    assert text_language(["근로기준법 제56조 연장근로에 대하여는 통상임금의 100분의 50 이상을 가산하여 지급하여야 한다."] * 10) == "ko"
    assert text_language(["Either party may terminate this agreement by giving ninety days notice."] * 10) == "en"
    assert text_language(["짧다"]) is None


def test_doctor_warns_about_a_korean_collection_and_an_english_model(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "법.md").write_text("# 근로기준법\n\n" + "제56조(연장·야간 및 휴일 근로) 사용자는 연장근로에 대하여는 "
                               "통상임금의 100분의 50 이상을 가산하여 근로자에게 지급하여야 한다. " * 20, encoding="utf-8")
    (docs / "broken.pdf").write_bytes(broken_pdf(b"not really"))
    home = tmp_path / "home"
    cli(["folders", "add", str(docs)], _env(home))
    _rc, out, _ = cli(["doctor", "--json"], _env(home))
    found = json.loads(out)["warnings"]
    assert any("mostly Korean" in w and "SmolLM2" in w and "en only" in w for w in found), found
    assert any("1 document(s) could not be read" in w for w in found), found
    _rc, text, _ = cli(["doctor"], _env(home))
    assert "⚠ collection 'default' is mostly Korean" in text


def test_disconnected_folder_is_a_warning(svc, tmp_path: Path) -> None:
    from sillok.service.folders import FolderList

    (tmp_path / "usb").mkdir()
    FolderList(svc.settings.home).add("default", tmp_path / "usb")
    shutil.rmtree(tmp_path / "usb")
    assert any("is not available" in w for w in warnings(svc))
