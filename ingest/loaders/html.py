"""HTML via BeautifulSoup + lxml.

Page chrome (scripts, styles, navigation, headers, footers) is dropped so menus do not pollute search;
headings become Markdown headings, block elements become paragraphs and tables Markdown tables (ingest/loaders/tables.py).
Bytes are decoded by the declared charset when there is one, else by the same rules as plain text
(so an undeclared EUC-KR page is not read as Latin-1).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

from sillok.foundation.errors import LoadError
from sillok.foundation.types import Document, Page
from sillok.ingest.loaders.tables import render_table
from sillok.ingest.loaders.text import decode_bytes

_DROP = ("script", "style", "nav", "header", "footer", "noscript", "template", "svg", "iframe", "head")
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_PARAGRAPHS = {"p", "pre", "dt", "dd", "caption", "figcaption", "address", "summary", "legend"}
_CONTAINERS = {
    "html",
    "body",
    "main",
    "article",
    "section",
    "div",
    "aside",
    "ul",
    "ol",
    "dl",
    "blockquote",
    "form",
    "fieldset",
    "figure",
    "details",
    "center",
    "hgroup",
    "menu",
}
_SKIP_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _span(value: object) -> int:
    try:
        n = int(str(value)) if value is not None else 1
    except ValueError:
        return 1
    return n if 1 <= n <= 64 else 1


def _decode(data: bytes) -> str | None:
    m = _CHARSET.search(data[:4096])
    if m:
        name = m.group(1).decode("ascii", "ignore").lower()
        if name in ("euc-kr", "ks_c_5601-1987", "ksc5601", "x-windows-949"):
            name = "cp949"  # browsers treat EUC-KR labels as windows-949 too
        try:
            codecs.lookup(name)
            return data.decode(name, errors="replace")
        except LookupError:
            pass
    return decode_bytes(data)


class _Walker:
    """Collects blocks (paragraph strings) from the element tree in document order."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self._inline: list[str] = []
        self._prefix = ""  # "- " while inside a list item whose text is not yet flushed

    def flush(self, prefix: str = "") -> None:
        text = _squash("".join(self._inline))
        self._inline = []
        if text:
            self.blocks.append((prefix or self._prefix) + text)
            self._prefix = ""

    def table(self, table: Tag) -> None:
        """The table's own rows (nested tables are read through their cell's text), placed on a grid:
        a colspan leaves the columns it covers empty, a rowspan repeats the text down its rows."""
        rows: list[list[str]] = []
        below: dict[int, tuple[str, int]] = {}  # column -> (text, rows still covered) from a rowspan
        for tr in table.find_all("tr"):
            if tr.find_parent("table") is not table:
                continue
            row: list[str] = []
            for cell in tr.find_all(["td", "th"], recursive=False):
                while len(row) in below:
                    row.append(self._carry(below, len(row)))
                text = _squash(cell.get_text(" "))
                col = len(row)
                span, down = _span(cell.get("colspan")), _span(cell.get("rowspan"))
                row += [text] + [""] * (span - 1)
                if down > 1:
                    below[col] = (text, down - 1)
            while below and max(below) >= len(row):
                row.append(self._carry(below, len(row)) if len(row) in below else "")
            rows.append(row)
        text = render_table(rows)
        if text:
            self.blocks.append(text)

    @staticmethod
    def _carry(below: dict[int, tuple[str, int]], col: int) -> str:
        text, left = below[col]
        if left > 1:
            below[col] = (text, left - 1)
        else:
            del below[col]
        return text

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, _SKIP_STRINGS):
                    self._inline.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = (child.name or "").lower()
            if name in _HEADINGS:
                self.flush()
                self._inline.append(child.get_text(" "))
                self.flush("#" * _HEADINGS[name] + " ")
            elif name == "table":
                self.flush()
                self.table(child)
            elif name == "li":
                self.flush()
                self._prefix = "- "
                self.walk(child)
                self.flush()
                self._prefix = ""
            elif name in _PARAGRAPHS:
                self.flush()
                if name == "pre":
                    text = child.get_text().strip("\n")
                    if text.strip():
                        self.blocks.append(text)
                else:
                    self.walk(child)
                    self.flush()
            elif name in _CONTAINERS:
                self.flush()
                self.walk(child)
                self.flush()
            elif name == "br":
                self._inline.append(" ")
            else:
                self.walk(child)


def load_html(path: Path, data: bytes) -> Document:
    text = _decode(data)
    if text is None:
        raise LoadError(path, "cannot detect text encoding")
    try:
        soup = BeautifulSoup(text, "lxml")
        title_tag = soup.find("title")
        title = _squash(title_tag.get_text()) if title_tag else ""
        for tag in soup.find_all(_DROP):
            tag.decompose()
        walker = _Walker()
        walker.walk(soup)
        walker.flush()
    except Exception as exc:
        raise LoadError(path, f"cannot parse HTML ({type(exc).__name__})") from exc
    if not walker.blocks:
        raise LoadError(path, "no text found")
    if not title:
        title = next((b.lstrip("#").strip() for b in walker.blocks if b.startswith("# ")), "") or path.stem
    body = "\n\n".join(walker.blocks)
    return Document(path=path, pages=[Page(number=None, text=body)], title=title, format="html")
