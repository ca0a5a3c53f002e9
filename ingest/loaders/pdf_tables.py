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

# Path pieces that can draw a grid: rectangles (x y w h re) and single segments (x y m x2 y2 l). The
# operator after them tells a painted path from a clipping one ("re W n" paints nothing). Operators are
# found first and their operands read back, which is several times faster than one regex for both.
_OPS = re.compile(rb"\s(re|l)\s+([A-Za-z*]+)?")
_CLIP = (b"W", b"W*", b"n")
_STROKE = (b"S", b"s", b"B", b"B*", b"b", b"b*")
THIN = 2.0  # points: a rectangle this narrow is a rule, not a box
MAX_SCAN_BYTES = 4 * 1024 * 1024  # a content stream larger than this is a drawing, scanned in part


def has_rules(page: Any) -> bool:
    """Whether a pypdf page draws at least two horizontal and two vertical rules (segments, thin
    rectangles, or the edges of boxes) — a grid that can hold a table of two rows and two columns.
    Underlines and a frame around a paragraph do not qualify. Never raises."""
    data = b"".join(_streams(page))
    try:
        big_w, big_h = 1.5 * abs(float(page.mediabox.width)), 1.5 * abs(float(page.mediabox.height))
    except Exception:
        big_w, big_h = 918.0, 1263.0
    across = down = 0
    for m in _OPS.finditer(data):
        before = data[max(0, m.start() - 96) : m.start()].split()
        try:
            if m.group(1) == b"re":
                w, h = abs(float(before[-2])), abs(float(before[-1]))
                if m.group(2) in _CLIP or w > big_w or h > big_h:  # a clip, or a background
                    continue
                if w > THIN and h > THIN:  # a box: two edges each way
                    across, down = across + 2, down + 2
                else:
                    across, down = across + (w > THIN), down + (h > THIN)
            elif m.group(2) in _STROKE and len(before) >= 5 and before[-3] == b"m":
                # only a lone stroked segment: a polyline going on is a box outline or a curve
                x0, y0, x1, y1 = (float(v) for v in (before[-5], before[-4], before[-2], before[-1]))
                across += abs(y1 - y0) <= THIN < abs(x1 - x0)
                down += abs(x1 - x0) <= THIN < abs(y1 - y0)
        except (ValueError, IndexError):  # not numbers: not a path we can read
            continue
    return across >= 2 and down >= 2 and across + down > 4  # more than one lone frame


def _streams(page: Any) -> list[bytes]:
    """The page's content stream and those of the page-sized form XObjects it draws (one level),
    MAX_SCAN_BYTES at most; what was read so far on any error."""
    out: list[bytes] = []
    try:
        # The raw streams, not page.get_contents(): that parses them into a ContentStream (slow).
        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else []
        for ref in contents if isinstance(contents, list) else [contents]:
            if sum(map(len, out)) < MAX_SCAN_BYTES:
                out.append(ref.get_object().get_data()[:MAX_SCAN_BYTES])
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        height = abs(float(page.mediabox.height)) or 842.0
        for ref in (xobjects.get_object().values() if xobjects is not None else []):
            xobj = ref.get_object()
            if xobj.get("/Subtype") != "/Form" or sum(map(len, out)) >= MAX_SCAN_BYTES:
                continue
            box = [float(v) for v in xobj.get("/BBox", [0, 0, 0, 0])]
            # A form far taller than the page is a whole document's canvas that every page shows a
            # window of (some HTML-to-PDF converters): its rules are not this page's.
            if len(box) == 4 and abs(box[3] - box[1]) <= 2 * height:
                out.append(xobj.get_data()[:MAX_SCAN_BYTES])
    except Exception:  # a malformed page: whatever was read so far
        return out
    return out


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
    with pdfplumber.open(path, pages=numbers) as pdf:  # only the candidate pages are parsed
        for page in pdf.pages:
            number = page.page_number
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


def _inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    return (inner[0] >= outer[0] - 1 and inner[1] >= outer[1] - 1 and inner[2] <= outer[2] + 1
            and inner[3] <= outer[3] + 1)


def _page_text(page: Any) -> str | None:
    """The page's text with its tables as Markdown, or None when no real table (two rows and two
    columns at least) is on it."""
    from pdfplumber.utils import extract_text

    width, height = float(page.width), float(page.height)
    found = []
    for table in page.find_tables():
        x0, top, x1, bottom = table.bbox
        if x0 < -1 or top < -1 or x1 > width + 1 or bottom > height + 1:
            continue  # ruled frames running off the page: a canvas larger than the page, not a table
        text = render_table(table.extract())
        if text.startswith("|") or "\n|" in text:
            found.append((table.bbox, text))
    # A ruled table holding other tables is a layout frame around them: the inner tables are kept and
    # the frame's other text read as prose.
    found = [f for f in found if not any(g is not f and _inside(g[0], f[0]) for g in found)]
    if not found:
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
