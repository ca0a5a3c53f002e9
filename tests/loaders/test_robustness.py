"""Damaged copies of real and generated files: the loaders may only ever raise LoadError.

A small deterministic fuzz (byte flips, truncation, overwritten ranges). A wider run of the same
kind (3,000 mutations) found a multi-gigabyte hang in olefile's property-set parser, now avoided.
"""

from __future__ import annotations

import random
from pathlib import Path

import docx
import pytest

from sillok.foundation.errors import LoadError
from sillok.ingest.loaders import load
from tests.support.paths import SAMPLES
from tests.support.pdf import build_pdf

PICKED = ["hwp/hwpjs_noori.hwp", "hwp/merging-cell.hwp", "hwpx/tool_textextractor_Table.hwpx"]


def _sources(tmp_path: Path) -> list[Path]:
    d = docx.Document()
    d.add_heading("제목", 1)
    d.add_paragraph("본문 " * 40)
    d.add_table(rows=2, cols=2).cell(0, 0).text = "셀"
    d.save(str(tmp_path / "src.docx"))
    (tmp_path / "src.pdf").write_bytes(build_pdf(["one", None, "three"], title="T", image_pages=(1,)))
    (tmp_path / "src.html").write_text(
        "<title>t</title><h1>A</h1><p>본문</p><table><tr><td>c</td></tr></table>"
    )
    (tmp_path / "src.txt").write_bytes("제1조(목적) 이 법은 목적으로 한다.\n".encode("cp949") * 5)
    found = [tmp_path / f"src{s}" for s in (".docx", ".pdf", ".html", ".txt")]
    return found + [SAMPLES / p for p in PICKED if (SAMPLES / p).is_file()]


def _mutate(data: bytes, rng: random.Random, mode: int) -> bytes:
    b = bytearray(data)
    if mode == 0:
        for _ in range(rng.randint(1, 20)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    elif mode == 1:
        b = b[: rng.randrange(1, len(b))]
    else:
        i = rng.randrange(len(b))
        j = min(len(b), i + rng.randint(1, 400))
        b[i:j] = bytes(rng.randrange(256) for _ in range(j - i))
    return bytes(b)


@pytest.mark.parametrize("seed", range(3))
def test_damaged_files_only_raise_loaderror(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    for src in _sources(tmp_path):
        data = src.read_bytes()
        for k in range(9):
            path = tmp_path / f"damaged{src.suffix}"
            path.write_bytes(_mutate(data, rng, k % 3))
            try:
                doc = load(path)
            except LoadError:
                continue
            assert any(p.text.strip() for p in doc.pages), f"{src.name} seed={seed} k={k}"
