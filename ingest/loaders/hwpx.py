"""HWPX (OWPML, KS X 6101): a zip of XML parts, Hangul's current default format.

Sections are read in the order the package's spine (``Contents/content.hpf``) gives, else by section
number. Elements are matched by local name so the 2011/2016 namespace variants all work. Each ``p``
paragraph becomes a block; tables become Markdown tables (ingest/loaders/tables.py) placed by each
cell's address, with nested paragraphs of a cell joined by spaces.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from sillok.foundation.errors import LoadError, NeedsOCR
from sillok.foundation.types import Document, Page
from sillok.ingest.loaders.limits import check_zip, read_member
from sillok.ingest.loaders.tables import render_table

_SECTION = re.compile(r"^Contents/section(\d+)\.xml$", re.IGNORECASE)
_INLINE = {"tab": "\t", "lineBreak": "\n", "nbSpace": " ", "fwSpace": " ", "hyphen": "-"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, recover=True)


def _local(el: Any) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _t_text(t: Any) -> str:
    """Text of one ``t`` run: its text plus inline markers (tab, line break) and their tails."""
    parts = [t.text or ""]
    for child in t:
        parts.append(_INLINE.get(_local(child), ""))
        parts.append(child.tail or "")
    return "".join(parts)


def _top_paragraphs(el: Any) -> Any:
    """``p`` descendants of ``el`` not nested in another ``p`` (those are reached through their parent)."""
    for child in el:
        if _local(child) == "p":
            yield child
        else:
            yield from _top_paragraphs(child)


class _Extractor:
    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.pictures = 0

    def paragraph(self, p: Any, out: list[str]) -> None:
        """Append the paragraph's own text to ``out``; nested tables/paragraphs become their own blocks."""
        buf: list[str] = []

        def visit(el: Any) -> None:
            for child in el:
                name = _local(child)
                if name == "t":
                    buf.append(_t_text(child))
                elif name == "tbl":
                    self._flush(buf, out)
                    self.table(child, out)
                elif name == "p":
                    self._flush(buf, out)
                    self.paragraph(child, out)
                else:
                    if name == "pic":
                        self.pictures += 1
                    visit(child)

        visit(p)
        self._flush(buf, out)

    @staticmethod
    def _flush(buf: list[str], out: list[str]) -> None:
        text = "\n".join(" ".join(line.split()) for line in "".join(buf).split("\n")).strip()
        buf.clear()
        if text:
            out.append(text)

    def table(self, tbl: Any, out: list[str]) -> None:
        grid: dict[tuple[int, int], str] = {}
        for r, tr in enumerate(c for c in tbl if _local(c) == "tr"):
            col = 0
            for tc in (c for c in tr if _local(c) == "tc"):
                parts: list[str] = []
                for p in _top_paragraphs(tc):
                    self.paragraph(p, parts)
                row, col, rows, cols = _cell_place(tc, r, col)
                for dr in range(rows):  # a merged cell's text repeats down the rows it spans
                    grid.setdefault((row + dr, col), " ".join(parts))
                    for dc in range(1, cols):
                        grid.setdefault((row + dr, col + dc), "")
                col += cols
        if grid:
            n_rows = max(r for r, _ in grid) + 1
            n_cols = max(c for _, c in grid) + 1
            text = render_table([[grid.get((r, c), "") for c in range(n_cols)] for r in range(n_rows)])
            if text:
                out.append(text)


def _cell_place(tc: Any, row: int, col: int) -> tuple[int, int, int, int]:
    """(row, column, rows spanned, columns spanned) of a ``tc``, from its ``cellAddr`` and
    ``cellSpan`` where they are given and sane, else the next free place in its row."""

    def num(el: Any, name: str, default: int, top: int) -> int:
        try:
            value = int(el.get(name)) if el is not None and el.get(name) is not None else default
        except ValueError:
            return default
        return value if 0 <= value <= top else default

    addr = next((c for c in tc if _local(c) == "cellAddr"), None)
    span = next((c for c in tc if _local(c) == "cellSpan"), None)
    return (num(addr, "rowAddr", row, 4096), num(addr, "colAddr", col, 256),
            max(1, num(span, "rowSpan", 1, 64)), max(1, num(span, "colSpan", 1, 64)))


def _section_names(path: Path, zf: zipfile.ZipFile) -> tuple[list[str], str]:
    """Section parts in reading order, and the package title (empty when none)."""
    names = set(zf.namelist())
    ordered: list[str] = []
    title = ""
    if "Contents/content.hpf" in names:
        try:
            opf = etree.fromstring(read_member(path, zf, "Contents/content.hpf"), _PARSER)
            hrefs = {el.get("id"): el.get("href") for el in opf.iter() if _local(el) == "item"}
            title = next(
                (" ".join("".join(el.itertext()).split()) for el in opf.iter() if _local(el) == "title"), ""
            )
            title = title if any(ch.isalpha() for ch in title) else ""
            for ref in (el for el in opf.iter() if _local(el) == "itemref"):
                href = hrefs.get(ref.get("idref")) or ""
                if _SECTION.match(href) and href in names:
                    ordered.append(href)
        except LoadError:
            raise
        except Exception:  # a broken manifest: fall back to numbering
            ordered = []
    if not ordered:
        found = [(int(m.group(1)), n) for n in names if (m := _SECTION.match(n))]
        ordered = [n for _, n in sorted(found)]
    return ordered, title


def _encrypted(path: Path, zf: zipfile.ZipFile) -> bool:
    if "META-INF/manifest.xml" not in zf.namelist():
        return False
    data = read_member(path, zf, "META-INF/manifest.xml")
    return b"encryption-data" in data or b"encryption-method" in data.lower()


def load_hwpx(path: Path) -> Document:
    if not zipfile.is_zipfile(path):
        raise LoadError(path, "not a valid HWPX (corrupt zip)")
    try:
        with zipfile.ZipFile(path) as zf:
            check_zip(path, zf)
            if _encrypted(path, zf):
                raise LoadError(
                    path, "encrypted HWPX (password protected or DRM): save an unprotected copy in Hangul"
                )
            sections, title = _section_names(path, zf)
            if not sections:
                raise LoadError(path, "not a valid HWPX (no Contents/section*.xml)")
            ex = _Extractor()
            has_bindata = any(n.lower().startswith("bindata/") for n in zf.namelist())
            for name in sections:
                root = etree.fromstring(read_member(path, zf, name), _PARSER)
                if root is None:
                    raise LoadError(path, f"corrupt HWPX ({name} is not XML)")
                for p in (c for c in root if _local(c) == "p"):
                    ex.paragraph(p, ex.blocks)
    except LoadError:
        raise
    except Exception as exc:
        raise LoadError(path, f"corrupt HWPX ({type(exc).__name__})") from exc
    if not ex.blocks:
        if ex.pictures or has_bindata:
            raise NeedsOCR(path, "needs OCR: only images, no text")
        raise LoadError(path, "no text found")
    text = "\n\n".join(ex.blocks)
    return Document(path=path, pages=[Page(number=None, text=text)], title=title or path.stem, format="hwpx")
