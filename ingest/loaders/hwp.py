"""HWP 5.0 binary documents (Hangul's legacy format, still the bulk of Korean public-sector files).

Hand-written on purpose: the maintained Python HWP parser, pyhwp, is AGPL-3.0 (incompatible with
shipping this Apache-2.0 desktop app) and the other libraries are Java/JS or unmaintained. Text
extraction needs only a small part of the format (HWP 5.0 spec, "문서 파일 구조" and "문단 텍스트"):

* the file is an OLE2 compound file; ``FileHeader`` holds the signature and property flags
  (bit 0 compressed, bit 1 password, bit 2 distribution/DRM — those keep the body in encrypted
  ``ViewText`` streams, which we refuse rather than decrypt);
* ``BodyText/Section<n>`` streams are raw-deflate compressed record streams; each record header is a
  uint32 (tag bits 0-9, level bits 10-19, size bits 20-31, size 0xFFF → a uint32 size follows);
* ``HWPTAG_PARA_TEXT`` records hold UTF-16LE text in which codes 0-31 are controls: "char" controls
  (0, 10, 13, 24-31) take one unit, "inline" (4-9, 19, 20) and "extended" (1-3, 11, 12, 14-18,
  21-23) controls take 8 units (code, 12 bytes of data, code again) and are skipped whole — tab (9)
  is an inline control and becomes "\\t".

Tables are rebuilt from the cell list headers (column and row address, spans) into Markdown tables
(ingest/loaders/tables.py); if that layout is not recognised, cell text still comes out as plain
paragraphs.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import olefile

from sillok.foundation.errors import LoadError, NeedsOCR
from sillok.foundation.types import Document, Page
from sillok.ingest.loaders.limits import MAX_UNZIPPED_BYTES
from sillok.ingest.loaders.tables import render_table

SIGNATURE = b"HWP Document File"
FLAG_COMPRESSED, FLAG_PASSWORD, FLAG_DISTRIBUTION = 0x1, 0x2, 0x4
_BEGIN = 16
TAG_PARA_TEXT = _BEGIN + 51
TAG_CTRL_HEADER = _BEGIN + 55
TAG_LIST_HEADER = _BEGIN + 56
TAG_TABLE = _BEGIN + 61
TAG_PICTURE = _BEGIN + 69  # HWPTAG_SHAPE_COMPONENT_PICTURE
_TBL_ID = b" lbt"  # control id 'tbl ' stored as a little-endian uint32
_CHAR_CONTROLS = {0, 10, 13, *range(24, 32)}
_CHAR_MAP = {10: "\n", 24: "-", 30: " ", 31: " "}
_DRM = "HWP distribution document (DRM-protected): open it in Hangul and save an unprotected copy"


@dataclass
class _Table:
    level: int
    seen_table_record: bool = False
    caption: list[str] = field(default_factory=list)
    # (row, column, rows spanned, columns spanned, paragraphs), in file order.
    cells: list[tuple[int, int, int, int, list[str]]] = field(default_factory=list)

    def render(self) -> str:
        grid: dict[tuple[int, int], str] = {}
        for row, col, rows, cols, paras in self.cells:
            text = " ".join(" ".join(p.split()) for p in paras)
            for dr in range(rows):  # a merged cell's text repeats down the rows it spans
                grid.setdefault((row + dr, col), text)
                for dc in range(1, cols):
                    grid.setdefault((row + dr, col + dc), "")
        table = ""
        if grid:
            n_rows, n_cols = max(r for r, _ in grid) + 1, max(c for _, c in grid) + 1
            table = render_table([[grid.get((r, c), "") for c in range(n_cols)] for r in range(n_rows)])
        return "\n".join([*(" ".join(c.split()) for c in self.caption), table]).strip()


def _cell_address(payload: bytes, row_guess: int, col_guess: int) -> tuple[int, int, int, int]:
    """(row, column, rows spanned, columns spanned) from a cell's LIST_HEADER (column, row, column
    span, row span as UINT16 at offsets 8-15), falling back to the next place where a value is absurd."""
    col, row, cols, rows = struct.unpack_from("<HHHH", payload, 8) if len(payload) >= 16 else (0, 0, 0, 0)
    if len(payload) < 16 or row > 4096 or col > 256:
        if len(payload) >= 12:
            (row,) = struct.unpack_from("<H", payload, 10)
        else:
            row = row_guess
        col, rows, cols = col_guess, 1, 1
    return row, col, rows if 1 <= rows <= 64 else 1, cols if 1 <= cols <= 64 else 1


def decode_para_text(payload: bytes) -> str:
    """Text of one PARA_TEXT record with controls resolved (see module docstring)."""
    n = len(payload) // 2
    units = struct.unpack(f"<{n}H", payload[: n * 2])
    out: list[str] = []
    run_start = -1
    i = 0

    def flush(end: int) -> None:
        if run_start >= 0:
            out.append(payload[run_start * 2 : end * 2].decode("utf-16-le", errors="replace"))

    while i < n:
        code = units[i]
        if code >= 32:
            if run_start < 0:
                run_start = i
            i += 1
            continue
        flush(i)
        run_start = -1
        if code in _CHAR_CONTROLS:
            out.append(_CHAR_MAP.get(code, ""))
            i += 1
        else:
            if code == 9:
                out.append("\t")
            i += 8
    flush(n)
    return "".join(out)


def iter_records(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """(tag, level, payload) for each record; stops quietly at a truncated tail."""
    pos, end = 0, len(data)
    while pos + 4 <= end:
        (header,) = struct.unpack_from("<I", data, pos)
        pos += 4
        tag, level, size = header & 0x3FF, (header >> 10) & 0x3FF, header >> 20
        if size == 0xFFF:
            if pos + 4 > end:
                return
            (size,) = struct.unpack_from("<I", data, pos)
            pos += 4
        if pos + size > end:
            return
        yield tag, level, data[pos : pos + size]
        pos += size


def _inflate(path: Path, raw: bytes) -> bytes:
    try:
        d = zlib.decompressobj(-15)
        data = d.decompress(raw, MAX_UNZIPPED_BYTES)
    except zlib.error as exc:
        raise LoadError(path, "corrupt HWP (body stream does not decompress)") from exc
    if d.unconsumed_tail:
        raise LoadError(path, "refused: HWP body inflates past the size limit")
    return data


def _section_blocks(records: Iterator[tuple[int, int, bytes]], counter: list[int]) -> list[str]:
    """Paragraph blocks of one section, with tables folded into Markdown tables."""
    blocks: list[str] = []
    stack: list[_Table] = []
    target: list[list[str]] = [blocks]  # where paragraph text goes now (top level, a cell, a caption)

    def close_until(level: int) -> None:
        while stack and stack[-1].level >= level:
            table = stack.pop()
            target.pop()
            text = table.render()
            if text:
                target[-1].append(text)

    for tag, level, payload in records:
        close_until(level)
        if tag == TAG_PICTURE:
            counter[0] += 1
        elif tag == TAG_CTRL_HEADER and payload[:4] == _TBL_ID:
            stack.append(_Table(level))
            target.append([])  # placeholder until the first cell or caption
        elif tag == TAG_TABLE and stack and level == stack[-1].level + 1:
            stack[-1].seen_table_record = True
        elif tag == TAG_LIST_HEADER and stack and level == stack[-1].level + 1:
            table = stack[-1]
            if table.seen_table_record and len(payload) >= 12:
                last = table.cells[-1] if table.cells else (0, -1, 1, 1, [])
                table.cells.append((*_cell_address(payload, last[0], last[1] + last[3]), []))
                target[-1] = table.cells[-1][4]
            else:
                target[-1] = table.caption
        elif tag == TAG_PARA_TEXT:
            text = "\n".join(" ".join(line.split()) for line in decode_para_text(payload).split("\n")).strip()
            if text:
                target[-1].append(text)
    close_until(0)
    return blocks


def _title(ole: olefile.OleFileIO) -> str:
    """Title (PID 2) from ``\\x05HwpSummaryInformation``, an OLE property set, parsed by hand.

    olefile's ``getproperties`` can spin for minutes and gigabytes on a corrupt property set, and
    also over-reads HWP's VT_LPWSTR values; this reads one bounded string and gives up on anything odd.
    """
    try:
        if not ole.exists("\x05HwpSummaryInformation"):
            return ""
        data = ole.openstream("\x05HwpSummaryInformation").read(1 << 16)
        (section,) = struct.unpack_from("<I", data, 44)  # after the 28-byte header and the FMTID
        (count,) = struct.unpack_from("<I", data, section + 4)
        for i in range(min(count, 64)):
            pid, offset = struct.unpack_from("<II", data, section + 8 + 8 * i)
            if pid != 2:
                continue
            vtype, length = struct.unpack_from("<II", data, section + offset)
            if vtype != 0x1F or length > 1024:  # VT_LPWSTR, length in characters
                return ""
            start = section + offset + 8
            title = data[start : start + 2 * length].decode("utf-16-le", errors="ignore").split("\x00", 1)[0]
            title = " ".join(title.split())
            return title if title.isprintable() and any(ch.isalpha() for ch in title) else ""
    except Exception:  # summary info is optional; a broken one just means "no title"
        return ""
    return ""


def _section_streams(ole: olefile.OleFileIO) -> list[str]:
    found = []
    for entry in ole.listdir(streams=True, storages=False):
        if len(entry) == 2 and entry[0] == "BodyText" and (m := re.fullmatch(r"Section(\d+)", entry[1])):
            found.append((int(m.group(1)), "/".join(entry)))
    return [name for _, name in sorted(found)]


def load_hwp(path: Path) -> Document:
    try:
        with open(path, "rb") as fh:
            head = fh.read(32)
    except OSError as exc:
        raise LoadError(path, f"cannot read file ({exc.strerror or exc})") from exc
    if head.startswith(b"HWP Document File V"):
        raise LoadError(
            path, "HWP 3.x document (pre-2002 format) is not supported: save it as HWPX in Hangul"
        )
    if not olefile.isOleFile(str(path)):
        raise LoadError(path, "not a valid HWP file (not an OLE compound document)")
    try:
        with olefile.OleFileIO(str(path)) as ole:
            if not ole.exists("FileHeader"):
                raise LoadError(path, "not a valid HWP file (no FileHeader)")
            header = ole.openstream("FileHeader").read(256)
            if not header.startswith(SIGNATURE) or len(header) < 40:
                raise LoadError(path, "not a valid HWP file (bad signature)")
            (flags,) = struct.unpack_from("<I", header, 36)
            if flags & FLAG_PASSWORD:
                raise LoadError(path, "password-protected HWP")
            if flags & FLAG_DISTRIBUTION:
                raise LoadError(path, _DRM)
            blocks: list[str] = []
            pictures = [0]
            for name in _section_streams(ole):
                raw = ole.openstream(name).read()
                data = _inflate(path, raw) if flags & FLAG_COMPRESSED else raw
                blocks.extend(_section_blocks(iter_records(data), pictures))
            title = _title(ole)
    except LoadError:
        raise
    except Exception as exc:
        raise LoadError(path, f"corrupt HWP ({type(exc).__name__})") from exc
    if not blocks:
        if pictures[0]:
            raise NeedsOCR(path, "needs OCR: only images, no text")
        raise LoadError(path, "no text found")
    return Document(
        path=path, pages=[Page(number=None, text="\n\n".join(blocks))], title=title or path.stem, format="hwp"
    )
