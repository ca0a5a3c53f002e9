"""Ruled tables on PDF text-layer pages, kept as Markdown tables (issue 15, part 5).

pypdf (ingest/loaders/pdf.py) reads a table as a run of words with no cell boundaries. pdfplumber
(MIT; built on pdfminer.six) finds tables from the ruling lines a PDF draws around cells — how office
suites and hospital/billing systems export lab panels and fee schedules — and gives each cell's text.
Only ruled tables are looked for ("lines" strategy): guessing tables from text alignment alone turns
ordinary two-column prose into false tables.

pdfplumber is slower than pypdf (pdfminer is pure Python), so it is asked only about pages whose content
stream strokes or fills enough lines and rectangles to make a grid; all other pages keep pypdf's text.
A page with a table gets its whole text from pdfplumber: the text above, beside and below each table
in reading order, each table as Markdown, so the page's text (and chunk offsets into it) stays one
consistent string. Any failure here only means the page keeps pypdf's text.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from sillok.foundation.types import Page
from sillok.ingest.loaders.tables import render_table

log = logging.getLogger(__name__)
logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its remarks on odd fonts are not the person's

_NUM = rb"-?(?:\d+\.?\d*|\.\d+)\s+"
# Path operators that can draw a grid: rectangles (x y w h re) and line segments (x y l).
_RULES = re.compile(rb"(?:" + _NUM * 4 + rb"re|" + _NUM * 2 + rb"l)(?![A-Za-z])")
MIN_RULES = 4  # the fewest rectangles or segments that make a table with at least two rows and columns
MAX_SCAN_BYTES = 4 * 1024 * 1024  # a content stream larger than this is a drawing, not scanned for rules


def has_rules(page: Any) -> bool:
    """Whether a pypdf page draws enough lines/rectangles to hold a ruled table; never raises."""
    try:
        contents = page.get_contents()
        data = contents.get_data() if contents is not None else b""
    except Exception:
        return False
    if len(data) > MAX_SCAN_BYTES:
        data = data[:MAX_SCAN_BYTES]
    count = 0
    for _ in _RULES.finditer(data):
        count += 1
        if count >= MIN_RULES:
            return True
    return False


def with_tables(path: Path, pdf_pages: list[Any], pages: list[Page]) -> list[Page]:
    """``pages`` (pypdf text) with each page that holds a ruled table re-read by pdfplumber."""
    candidates = [p.number for p in pages if p.number is not None and has_rules(pdf_pages[p.number - 1])]
    if not candidates:
        return pages
    try:
        texts = _table_pages(path, candidates)
    except Exception as exc:  # pdfplumber missing or confused: the pypdf text still stands
        log.warning("%s: table extraction skipped: %s", path, exc)
        return pages
    return [Page(number=p.number, text=texts.get(p.number or 0) or p.text) for p in pages]


def _table_pages(path: Path, numbers: list[int]) -> dict[int, str]:
    import pdfplumber

    out: dict[int, str] = {}
    with pdfplumber.open(path) as pdf:
        for number in numbers:
            page = pdf.pages[number - 1]
            try:
                text = _page_text(page)
            except Exception as exc:  # one odd page keeps its pypdf text
                log.warning("%s: page %d: table extraction failed: %s", path, number, exc)
                text = None
            finally:
                page.close()  # pdfplumber caches every object it parsed on the page
            if text:
                out[number] = text
    return out


def _page_text(page: Any) -> str | None:
    """The page's text with its tables as Markdown, or None when no real table (two rows and two
    columns at least) is on it."""
    from pdfplumber.utils import extract_text

    found = []
    for table in page.find_tables():
        text = render_table(table.extract())
        if text:
            found.append((table.bbox, text))
    if not any(text.startswith("|") for _, text in found):
        return None
    found.sort(key=lambda f: f[0][1])
    boxes = [bbox for bbox, _ in found]
    bands: list[list[dict[str, Any]]] = [[] for _ in range(len(found) + 1)]
    for ch in page.chars:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        if any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes):
            continue
        # Text beside a table goes ahead of it: a char belongs to the first table it is not below.
        band = next((i for i, (_, _, _, bottom) in enumerate(boxes) if cy <= bottom), len(boxes))
        bands[band].append(ch)
    parts: list[str] = []
    for i, chars in enumerate(bands):
        prose = extract_text(chars, x_tolerance=1.5, y_tolerance=3).strip() if chars else ""
        if prose:
            parts.append(prose)
        if i < len(found):
            parts.append(found[i][1])
    return "\n\n".join(parts)
