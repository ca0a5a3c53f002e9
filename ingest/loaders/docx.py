"""DOCX via python-docx.

Body paragraphs and tables are walked in document order (body children, content controls included) so a table stays next
to the paragraph that introduces it. Heading styles become Markdown headings and tables Markdown tables
(ingest/loaders/tables.py), which is what the chunker keys on whatever the source format.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import olefile

from sillok.foundation.errors import LoadError
from sillok.foundation.types import Document, Page
from sillok.ingest.loaders.limits import check_zip
from sillok.ingest.loaders.tables import render_table

_HEADING = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)


def _heading_level(paragraph: Any) -> int:
    """Markdown level for a paragraph's style (Title → 1, Heading N → N), 0 for body text."""
    try:
        style = paragraph.style
        names = [style.name or "", style.style_id or ""] if style is not None else []
    except Exception:  # a paragraph pointing at a missing style is body text
        return 0
    for name in names:
        if name.lower() == "title":
            return 1
        m = _HEADING.match(name.strip())
        if m:
            return min(int(m.group(1)), 6)
    return 0


def _table_rows(table: Any) -> list[list[str]]:
    """Cell texts row by row, one per grid column so the columns line up under the header: the
    continuation of a horizontally merged cell is left empty, a vertically merged cell repeats its
    text on every row it spans (so each row still says which group it belongs to)."""
    rows: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        prev: Any = None
        for cell in row.cells:
            same = prev is not None and cell._tc is prev
            prev = cell._tc
            cells.append("" if same else cell.text)
        rows.append(cells)
    return rows


def _check_container(path: Path) -> None:
    if olefile.isOleFile(str(path)):
        raise LoadError(path, "encrypted DOCX (password protected) or old binary .doc renamed")
    if not zipfile.is_zipfile(path):
        raise LoadError(path, "not a valid DOCX (corrupt zip)")
    try:
        with zipfile.ZipFile(path) as zf:
            check_zip(path, zf)
    except zipfile.BadZipFile as exc:
        raise LoadError(path, "not a valid DOCX (corrupt zip)") from exc


def _iter_blocks(element: Any, parent: Any) -> Iterator[Any]:
    """Paragraphs and tables under ``element`` in order, looking inside content controls (``w:sdt``)
    where Word keeps cover pages and tables of contents."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in element.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
        if tag == "p":
            yield Paragraph(child, parent)
        elif tag == "tbl":
            yield Table(child, parent)
        elif tag in ("sdt", "sdtContent", "customXml"):
            yield from _iter_blocks(child, parent)


def load_docx(path: Path) -> Document:
    _check_container(path)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        doc = docx.Document(str(path))
        blocks: list[str] = []
        first_heading = ""
        for item in _iter_blocks(doc.element.body, doc._body):
            if isinstance(item, Paragraph):
                text = " ".join(item.text.split())
                if not text:
                    continue
                level = _heading_level(item)
                if level:
                    first_heading = first_heading or text
                    text = "#" * level + " " + text
                blocks.append(text)
            elif isinstance(item, Table):
                table = render_table(_table_rows(item))
                if table:
                    blocks.append(table)
        core_title = (doc.core_properties.title or "").strip()
    except LoadError:
        raise
    except Exception as exc:
        raise LoadError(path, f"not a valid DOCX ({type(exc).__name__})") from exc
    if not blocks:
        raise LoadError(path, "no text found")
    text = "\n\n".join(blocks)
    title = core_title or first_heading or path.stem
    return Document(path=path, pages=[Page(number=None, text=text)], title=title, format="docx")
