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
    streams: list[str] = []
    for i, page in enumerate(pages):
        ops = ["q 500 0 0 700 50 50 cm /Im1 Do Q"] if i in image_pages else []
        lines = _lines(page)
        if lines:
            ops.append("BT /F1 12 Tf 14 TL 72 720 Td")
            ops += [f"{pdf_string(line)} Tj T*" for line in lines]
            ops.append("ET")
        streams.append("\n".join(ops))
    _page_tree(objs, streams, resources)
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


# --- Pages with ruled tables and Korean text (issue 15: tables kept as tables) -----------------------

# A page of laid-out items, top to bottom: a text line (str) or a ruled table (rows of cell strings, the
# first row the header).
LayoutItem = str | Sequence[Sequence[str]]

# Korean without embedding a font file: Adobe-Korea1 CID font named by the PDF standard's predefined
# UniKS-UCS2-H CMap (every viewer and text extractor maps its codes, UCS-2, back to Unicode).
_KOREAN_FONT = (
    b"<< /Type /Font /Subtype /Type0 /BaseFont /HYSMyeongJo-Medium /Encoding /UniKS-UCS2-H "
    b"/DescendantFonts [%d 0 R] >>",
    b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /HYSMyeongJo-Medium /CIDSystemInfo "
    b"<< /Registry (Adobe) /Ordering (Korea1) /Supplement 1 >> /FontDescriptor %d 0 R /DW 1000 "
    b"/W [1 95 500] >>",
    b"<< /Type /FontDescriptor /FontName /HYSMyeongJo-Medium /Flags 6 /FontBBox [0 -148 1001 880] "
    b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 91 >>",
)
_SIZE = 10  # points, cell and line text
_ROW_H = 18  # points per table row


def _wide(text: str) -> bool:
    return any(ord(ch) > 0xFF for ch in text)


def _width(text: str) -> float:
    """Rough advance of `text` at _SIZE points: half an em for Latin, a full em for Korean."""
    return sum(_SIZE if ord(ch) > 0xFF else _SIZE * 0.55 for ch in text)


def _show(text: str, x: float, y: float) -> str:
    """A text object drawing `text` at (x, y): Helvetica for Latin-1, the CID font for the rest."""
    if _wide(text):
        return f"BT /F2 {_SIZE} Tf {x:.1f} {y:.1f} Td <{text.encode('utf-16-be').hex()}> Tj ET"
    return f"BT /F1 {_SIZE} Tf {x:.1f} {y:.1f} Td {pdf_string(text)} Tj ET"


def _table_ops(rows: Sequence[Sequence[str]], top: float) -> tuple[list[str], float]:
    """Stroked grid lines and cell text for a table whose top edge is at `top`; returns its bottom."""
    n_cols = max(len(r) for r in rows)
    widths = [max(_width(r[c]) if c < len(r) else 0 for r in rows) + 12 for c in range(n_cols)]
    xs = [72.0]
    for w in widths:
        xs.append(xs[-1] + w)
    bottom = top - _ROW_H * len(rows)
    ops = ["0.5 w"]
    ops += [f"{xs[0]:.1f} {top - i * _ROW_H:.1f} m {xs[-1]:.1f} {top - i * _ROW_H:.1f} l S" for i in range(len(rows) + 1)]
    ops += [f"{x:.1f} {top:.1f} m {x:.1f} {bottom:.1f} l S" for x in xs]
    for i, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell:
                ops.append(_show(cell, xs[c] + 6, top - (i + 1) * _ROW_H + 5))
    return ops, bottom


def build_layout_pdf(pages: Sequence[Sequence[LayoutItem]], title: str | None = None) -> bytes:
    """A PDF whose pages hold text lines and ruled tables (grid lines drawn as strokes, as office
    suites export them), Korean included, laid out from the top (y 740) down. Items are not broken
    across pages: give each page what fits (about 35 table rows)."""
    objs: list[bytes] = [b"", b""]
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    f1 = len(objs)
    n = len(objs) + 1
    objs += [_KOREAN_FONT[0] % (n + 1), _KOREAN_FONT[1] % (n + 2), _KOREAN_FONT[2]]
    resources = f"/Font << /F1 {f1} 0 R /F2 {n} 0 R >>"
    streams: list[str] = []
    for items in pages:
        ops: list[str] = []
        y = 740.0
        for item in items:
            if isinstance(item, str):
                y -= 16
                ops.append(_show(item, 72, y))
            else:
                table_ops, y = _table_ops(item, y - 8)
                ops += table_ops
                y -= 8
        streams.append("\n".join(ops))
    _page_tree(objs, streams, resources)
    info = None
    if title:  # a text string in UTF-16BE with its byte order mark, so a Korean title is kept
        objs.append(f"<< /Title <feff{title.encode('utf-16-be').hex()}> >>".encode())
        info = len(objs)
    return assemble_pdf(objs, root=1, info=info)


def _page_tree(objs: list[bytes], streams: list[str], resources: str) -> None:
    """Append one content stream and Page object per page (US Letter) and fill the catalog and page tree
    into the two slots the writers keep at objs[0] and objs[1]."""
    kids = []
    for ops in streams:
        stream = ops.encode("latin-1")
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {len(objs)} 0 R "
                    f"/Resources << {resources} >> >>".encode())
        kids.append(len(objs))
    objs[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
