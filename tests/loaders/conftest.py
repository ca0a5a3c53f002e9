"""Fixtures that build real files (PDF, DOCX, HWPX) on disk for the loader tests: no mocks."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def build_pdf(pages: list[str | None], title: str | None = None, image_pages: tuple[int, ...] = ()) -> bytes:
    """A minimal valid PDF written by hand: Helvetica text per page (None = no text), optional images.

    ``image_pages`` are 0-based indexes of pages that draw a 2x2 grey image XObject (a "scan").
    """
    objs: list[bytes] = []

    def add(body: str | bytes) -> int:
        objs.append(body.encode("latin-1") if isinstance(body, str) else body)
        return len(objs)

    catalog = add("")  # filled in below, once the page tree's number is known
    pages_id = add("")
    font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    image = add(
        b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length 4 >>\nstream\n\x80\x80\x80\x80\nendstream"
    )
    kids = []
    for i, text in enumerate(pages):
        ops = []
        if i in image_pages:
            ops.append("q 500 0 0 700 50 50 cm /Im1 Do Q")
        if text:
            ops.append("BT /F1 12 Tf 72 720 Td 14 TL")
            for line in text.split("\n"):
                ops.append(f"{_pdf_string(line)} Tj T*")
            ops.append("ET")
        stream = "\n".join(ops)
        content = add(f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream")
        kids.append(
            add(
                f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 612 792] /Contents {content} 0 R "
                f"/Resources << /Font << /F1 {font} 0 R >> /XObject << /Im1 {image} 0 R >> >> >>"
            )
        )
    objs[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode()
    objs[pages_id - 1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    )
    info = add(f"<< /Title {_pdf_string(title)} >>") if title else None

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    trailer = f"<< /Size {len(objs) + 1} /Root {catalog} 0 R" + (f" /Info {info} 0 R" if info else "") + " >>"
    out += f"trailer\n{trailer}\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


@pytest.fixture
def make_pdf(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str, pages: list[str | None], **kwargs: object) -> Path:
        path = tmp_path / name
        path.write_bytes(build_pdf(pages, **kwargs))  # type: ignore[arg-type]
        return path

    return make


HWPX_NS = (
    'xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section" '
    'xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph"'
)


def hwpx_para(text: str) -> str:
    return f'<hp:p><hp:run charPrIDRef="0"><hp:t>{text}</hp:t></hp:run></hp:p>'


def hwpx_table(rows: list[list[str]]) -> str:
    trs = "".join(
        "<hp:tr>"
        + "".join(f"<hp:tc><hp:subList>{hwpx_para(c)}</hp:subList></hp:tc>" for c in row)
        + "</hp:tr>"
        for row in rows
    )
    return f"<hp:p><hp:run><hp:tbl>{trs}</hp:tbl></hp:run></hp:p>"


@pytest.fixture
def make_hwpx(tmp_path: Path) -> Callable[..., Path]:
    """Build an HWPX package: ``sections`` are XML bodies; ``spine`` orders them via content.hpf."""

    def make(
        name: str,
        sections: list[str],
        spine: list[int] | None = None,
        manifest: str = "",
        extra: dict[str, bytes] | None = None,
    ) -> Path:
        path = tmp_path / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("mimetype", "application/hwp+zip", compress_type=zipfile.ZIP_STORED)
            for i, body in enumerate(sections):
                zf.writestr(
                    f"Contents/section{i}.xml", f'<?xml version="1.0"?><hs:sec {HWPX_NS}>{body}</hs:sec>'
                )
            if spine is not None:
                items = "".join(
                    f'<opf:item id="s{i}" href="Contents/section{i}.xml"/>' for i in range(len(sections))
                )
                refs = "".join(f'<opf:itemref idref="s{i}"/>' for i in spine)
                zf.writestr(
                    "Contents/content.hpf",
                    '<opf:package xmlns:opf="http://www.idpf.org/2007/opf/"><opf:metadata><opf:title>'
                    f"</opf:title></opf:metadata><opf:manifest>{items}</opf:manifest>"
                    f"<opf:spine>{refs}</opf:spine></opf:package>",
                )
            if manifest:
                zf.writestr("META-INF/manifest.xml", manifest)
            for member, data in (extra or {}).items():
                zf.writestr(member, data)
        return path

    return make
