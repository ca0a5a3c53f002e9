"""Hostile sizes and shapes: each is stopped with a clear LoadError, quickly, and the batch goes on.

Zip bombs (DOCX, HWPX: a real 600 MB run of zeros deflated to ~0.6 MB; and many small members adding up
past the 500 MB limit), a zip nested in a zip, XML nested 200,000 deep, a PDF whose page content inflates
to 300 MB, PDFs with a 5,000-deep or looping page tree and a 100,000-deep array, HTML nested 100,000 deep,
20,000 empty PDF pages, and a 60 MB single-line .txt. Files are built here with zipfile/zlib (no fixtures
on disk). Measured here (2 shared cores): every refusal < 2.5 s except the 20,000-page PDF (~8 s, pypdf
walks every page) and the 60 MB line (13 s and *accepted* before the limit patch in the trust report).
"""

from __future__ import annotations

import shutil
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from sillok.foundation.errors import LoadError
from sillok.ingest.loaders import limits, load
from tests.support.hwpx import HWPX_MIME, HWPX_NS, hwpx_para
from tests.support.pdf import assemble_pdf, build_pdf

MB = 1 << 20


def _timed_refusal(path: Path, budget_s: float = 10.0) -> LoadError:
    t0 = time.perf_counter()
    with pytest.raises(LoadError) as err:
        load(path)
    took = time.perf_counter() - t0
    assert took < budget_s, f"{path.name}: refused only after {took:.1f}s"
    assert err.value.reason and str(path) in str(err.value)
    return err.value


def _docx_parts() -> dict[str, str]:
    return {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                               '2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
        "word/document.xml": '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                             "<w:body><w:p><w:r><w:t>본문</w:t></w:r></w:p></w:body></w:document>",
    }


def _hwpx_parts() -> dict[str, str]:
    return {"mimetype": HWPX_MIME, "Contents/section0.xml": f"<hs:sec {HWPX_NS}>{hwpx_para('본문')}</hs:sec>"}


@pytest.fixture(scope="module")
def bomb_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One zip holding a 600 MB member of zeros (deflated at level 9: ~0.6 MB), built once (~3 s)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.zip"
    chunk = bytes(MB)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("BinData/image1.bmp", "w", force_zip64=True) as fh:
            for _ in range(600):
                fh.write(chunk)
    return path


def _with_parts(src: Path, dest: Path, parts: dict[str, str]) -> Path:
    shutil.copy(src, dest)
    with zipfile.ZipFile(dest, "a", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return dest


@pytest.mark.parametrize("suffix, parts", [(".docx", _docx_parts), (".hwpx", _hwpx_parts)])
def test_zip_bomb_member_is_refused(tmp_path: Path, bomb_zip: Path, suffix: str,
                                    parts: Callable[[], dict[str, str]]) -> None:
    path = _with_parts(bomb_zip, tmp_path / f"bomb{suffix}", parts())
    assert path.stat().st_size < 2 * MB
    err = _timed_refusal(path, 3)
    assert "zip bomb" in err.reason and "image1.bmp" in err.reason


@pytest.mark.parametrize("suffix, parts", [(".docx", _docx_parts), (".hwpx", _hwpx_parts)])
def test_many_members_past_the_total_limit_are_refused(tmp_path: Path, suffix: str,
                                                       parts: Callable[[], dict[str, str]]) -> None:
    path = tmp_path / f"wide{suffix}"
    member = bytes(9 * MB)  # under the ratio rule's floor: only the total can catch these
    n = limits.MAX_UNZIPPED_BYTES // len(member) + 2
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, text in parts().items():
            zf.writestr(name, text)
        for i in range(n):
            zf.writestr(f"BinData/part{i}.bin", member)
    err = _timed_refusal(path, 3)
    assert "uncompressed size" in err.reason and "limit" in err.reason


def test_zip_nested_in_zip_is_never_opened(tmp_path: Path, bomb_zip: Path) -> None:
    """An HWPX carrying zip-in-zip-in-bomb as an attachment: the attachment is never inflated."""
    inner = bomb_zip.read_bytes()
    for level in range(3):
        nested = tmp_path / f"level{level}.zip"
        with zipfile.ZipFile(nested, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr(f"level{level}.zip", inner)
        inner = nested.read_bytes()
    path = tmp_path / "nested.hwpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in _hwpx_parts().items():
            zf.writestr(name, text)
        zf.writestr("BinData/attachment.zip", inner)
    t0 = time.perf_counter()
    doc = load(path)
    assert doc.pages[0].text == "본문" and time.perf_counter() - t0 < 3


def test_deeply_nested_xml_is_refused(tmp_path: Path) -> None:
    depth = 200_000
    path = tmp_path / "deep.hwpx"
    section = (f"<hs:sec {HWPX_NS}>" + "<hp:p>" * depth + "<hp:run><hp:t>x</hp:t></hp:run>"
               + "</hp:p>" * depth + "</hs:sec>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", HWPX_MIME)
        zf.writestr("Contents/section0.xml", section)
    _timed_refusal(path, 5)
    docx_path = tmp_path / "deep.docx"
    body = "<w:sdt><w:sdtContent>" * depth + "<w:p><w:r><w:t>x</w:t></w:r></w:p>" + "</w:sdtContent></w:sdt>" * depth
    parts = _docx_parts()
    parts["word/document.xml"] = parts["word/document.xml"].replace("<w:body>", "<w:body>" + body)
    with zipfile.ZipFile(docx_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    _timed_refusal(docx_path, 5)


def test_deeply_nested_html_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<div>" * 100_000 + "text" + "</div>" * 100_000 + "</body></html>")
    _timed_refusal(path, 10)


def test_pdf_flate_bomb_is_refused(tmp_path: Path) -> None:
    comp = zlib.compressobj(9)
    stream = b"".join(comp.compress(b" " * MB) for _ in range(300)) + comp.flush()  # 300 MB → ~0.3 MB
    path = tmp_path / "flate.pdf"
    path.write_bytes(assemble_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]))
    _timed_refusal(path, 5)


def test_pdf_pathological_object_graphs_are_refused(tmp_path: Path) -> None:
    deep_tree = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    deep_tree += [b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (i + 3) for i in range(5000)]
    deep_tree.append(b"<< /Type /Page /MediaBox [0 0 612 792] >>")
    loop = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R >>"]
    nested = [b"<< /Type /Catalog /Pages 2 0 R /X " + b"[" * 100_000 + b"]" * 100_000 + b" >>",
              b"<< /Type /Pages /Kids [] /Count 0 >>"]
    for name, objs in (("deeptree", deep_tree), ("loop", loop), ("nested", nested)):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(assemble_pdf(objs))
        _timed_refusal(path, 5)


def test_pdf_with_twenty_thousand_empty_pages_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty-pages.pdf"
    path.write_bytes(build_pdf([None] * 20_000))
    err = _timed_refusal(path, 30)
    assert err.status == "needs_ocr"


def test_huge_single_line_text_is_refused(tmp_path: Path) -> None:
    if not hasattr(limits, "MAX_LINE_BYTES"):
        pytest.xfail("no line/text limit for .txt yet: a 60 MB single line loads (13 s here) and would be "
                     "chunked and embedded for hours; patch for ingest/loaders in the trust report")
    path = tmp_path / "dump.txt"
    path.write_bytes(b"A" * (60 * MB))
    err = _timed_refusal(path, 5)
    assert "line" in err.reason


def test_the_batch_goes_on(tmp_path: Path, bomb_zip: Path) -> None:
    from sillok.service.facade import Sillok

    docs = tmp_path / "docs"
    docs.mkdir()
    _with_parts(bomb_zip, docs / "bomb.docx", _docx_parts())
    _with_parts(bomb_zip, docs / "bomb.hwpx", _hwpx_parts())
    (docs / "loop.pdf").write_bytes(assemble_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                                  b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
                                                  b"<< /Type /Page /Parent 2 0 R >>"]))
    (docs / "deep.html").write_text("<html><body>" + "<b>" * 100_000 + "x" + "</b>" * 100_000 + "</body></html>")
    (docs / "good.md").write_text("# 정상 문서\n\n제1조(목적) 이 문서는 정상이다.\n", encoding="utf-8")
    report = Sillok(home=tmp_path / "home").ingest([docs])
    status = {Path(f.path).name: (f.status, f.reason) for f in report.files}
    assert status["good.md"][0] == "indexed"
    for name in ("bomb.docx", "bomb.hwpx", "loop.pdf", "deep.html"):
        assert status[name][0] == "failed" and status[name][1], status
    assert "zip bomb" in status["bomb.docx"][1]
