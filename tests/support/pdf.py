"""The one PDF writer of the tests: real, valid PDF files written byte by byte.

Why by hand rather than a library: the tests need exact control of what is in the file (a text layer or
none, a page that only draws an image, a broken or hostile object graph), and the one PDF library we
ship (pypdf) reads PDFs; it cannot lay out text. Every PDF a test writes comes from here, so a fix to
the file layout (xref offsets, string escapes) is made once; tests/test_architecture.py checks that no
test writes PDF bytes of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

VERSION = b"%PDF-1.4\n"
BINARY_MARK = b"%\xe2\xe3\xcf\xd3\n"  # high bytes in the 2nd line: tools then treat the file as binary

# A page: one string (lines split at "\n"), a list of lines, or None / "" / [] for a page with no text.
PageText = str | Sequence[str] | None


def pdf_string(text: str) -> str:
    """`text` as a PDF literal string: parentheses and backslashes escaped."""
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def assemble_pdf(objects: Sequence[bytes], *, root: int = 1, info: int | None = None) -> bytes:
    """Objects numbered 1..n in order (`root` the catalog) with a correct xref table and trailer.

    The bodies are written as given, so a test can build any object graph, hostile ones included.
    """
    out = bytearray(VERSION + BINARY_MARK)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    trailer = f"<< /Size {len(objects) + 1} /Root {root} 0 R" + (f" /Info {info} 0 R" if info else "") + " >>"
    out += f"trailer\n{trailer}\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _lines(page: PageText) -> list[str]:
    if not page:
        return []
    return page.split("\n") if isinstance(page, str) else list(page)


def build_pdf(pages: Sequence[PageText], title: str | None = None, image_pages: tuple[int, ...] = ()) -> bytes:
    """A multi-page PDF with a Helvetica text layer (WinAnsi, so Latin-1 text): each page's lines
    from the top left (72, 720), 14 points apart. `title` goes in the info dictionary; `image_pages`
    (0-based) also draw a 2x2 grey image over the page, as a scanner would."""
    objs: list[bytes] = [b"", b""]  # catalog and page tree, filled in once the pages are numbered
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    font = len(objs)
    resources = f"/Font << /F1 {font} 0 R >>"
    if image_pages:
        objs.append(b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
                    b"/BitsPerComponent 8 /Length 4 >>\nstream\n\x80\x80\x80\x80\nendstream")
        resources += f" /XObject << /Im1 {len(objs)} 0 R >>"
    kids = []
    for i, page in enumerate(pages):
        ops = ["q 500 0 0 700 50 50 cm /Im1 Do Q"] if i in image_pages else []
        lines = _lines(page)
        if lines:
            ops.append("BT /F1 12 Tf 14 TL 72 720 Td")
            ops += [f"{pdf_string(line)} Tj T*" for line in lines]
            ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {len(objs)} 0 R "
                    f"/Resources << {resources} >> >>".encode())
        kids.append(len(objs))
    objs[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    info = None
    if title:
        objs.append(f"<< /Title {pdf_string(title)} >>".encode("latin-1"))
        info = len(objs)
    return assemble_pdf(objs, root=1, info=info)


def write_pdf(path: Path, pages: Sequence[PageText], **kwargs: object) -> Path:
    """`build_pdf(pages, **kwargs)` written to `path`; returns `path`."""
    path.write_bytes(build_pdf(pages, **kwargs))  # type: ignore[arg-type]
    return path


def broken_pdf(body: bytes) -> bytes:
    """A file that starts like a PDF (the version line) and goes on with `body`: no valid structure."""
    return VERSION + body
