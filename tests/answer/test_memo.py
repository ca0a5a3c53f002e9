"""The cited memo (sillok.service.memo): a .docx whose citations are real footnotes (file, page or
article, verbatim quote), read back with python-docx and converted by LibreOffice headless when present."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from sillok.foundation.types import Citation
from sillok.service.memo import MemoTurn, markdown, read_footnotes, write_memo

STATUTE = Citation(1, "/docs/근로기준법.md", None, "제56조(연장·야간 및 휴일 근로) 제1항",
                   "① 사용자는 연장근로에 대하여는 통상임금의 100분의 50 이상을 가산하여 근로자에게 지급하여야 한다.",
                   "k-00001", title="근로기준법")
NOTE = Citation(2, "/docs/patient_note.pdf", 2, None, "환자 김민지 (850314-2******, 010-****-6789)는 2024-03-15 내원.",
                "n-00002")
TURNS = [
    MemoTurn("연장근로 가산임금과 환자 내원일은?",
             "연장근로에는 통상임금의 50% 이상을 가산합니다 [1]. 환자는 3월 15일 내원했습니다 [2]. "
             "**다시 말해** 가산이 필요합니다 [1].\n\n- 근거 조문 [1]\n- 기록 [9]", [STATUTE, NOTE]),
    MemoTurn("And the lease?", "Rent is due on the first [1].",
             [{"n": 1, "source": "/docs/lease.pdf", "page": 3, "article": None, "quote": "Rent is due on the 1st.",
               "chunk_id": "l-1"}]),
]


def test_memo_has_question_answer_and_footnotes(tmp_path: Path) -> None:
    import docx

    path = write_memo(tmp_path / "memo.docx", TURNS)
    d = docx.Document(str(path))
    text = [p.text for p in d.paragraphs]
    assert "연장근로 가산임금과 환자 내원일은?" in text and "And the lease?" in text
    assert "연장근로에는 통상임금의 50% 이상을 가산합니다. 환자는 3월 15일 내원했습니다. 다시 말해 가산이 필요합니다." in text
    assert "기록 [9]" in text  # a marker with no citation stays as written
    assert not any("[1]" in t or "[2]" in t for t in text)
    notes = read_footnotes(path)
    assert notes[0] == ("근로기준법 제56조 제1항 (근로기준법.md). “① 사용자는 연장근로에 대하여는 통상임금의 100분의 50 "
                        "이상을 가산하여 근로자에게 지급하여야 한다.”")
    assert notes[1] == "patient_note.pdf, 2쪽. “환자 김민지 (850314-2******, 010-****-6789)는 2024-03-15 내원.”"
    assert notes[2] == "근로기준법 제56조 제1항; 각주 1 참조." and notes[3] == notes[2]
    assert notes[4] == "lease.pdf, 3쪽. “Rent is due on the 1st.”"  # the memo's language: Korean
    assert len(notes) == 5
    with zipfile.ZipFile(path) as z:
        body = z.read("word/document.xml").decode()
        assert body.count("<w:footnoteReference ") == 5
        assert 'w:footnotePr' in z.read("word/settings.xml").decode()
        assert "footnotes+xml" in z.read("[Content_Types].xml").decode()
    bold = [r.text for p in d.paragraphs for r in p.runs if r.bold]
    assert bold == ["다시 말해"]


def test_english_memo_and_markdown(tmp_path: Path) -> None:
    path = write_memo(tmp_path / "en.docx", TURNS[1:])
    assert read_footnotes(path) == ["lease.pdf, p. 3. “Rent is due on the 1st.”"]
    md = markdown(TURNS[:1])
    assert "## 출처" in md and "[1] 근로기준법 제56조 제1항 — /docs/근로기준법.md" in md and "> ① 사용자는" in md
    assert "[2] patient_note.pdf, 2쪽 — " in md and "## Sources" in markdown(TURNS[1:])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_the_memo_with_its_footnotes(tmp_path: Path) -> None:
    path = write_memo(tmp_path / "memo.docx", TURNS)
    out = tmp_path / "out"
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                           "--convert-to", "odt", "--outdir", str(out), str(path)],
                          capture_output=True, text=True, timeout=180)
    odt = out / "memo.odt"
    assert done.returncode == 0 and odt.is_file(), done.stderr
    with zipfile.ZipFile(odt) as z:
        content = z.read("content.xml").decode()
    assert content.count('text:note-class="footnote"') == 5  # LibreOffice read five real footnotes
    assert "근로기준법 제56조 제1항" in content and "010-****-6789" in content
