"""Tables as Markdown, the one shape every loader gives them (issue 15, part 5).

A lab panel or a fee schedule flattened into a run of words loses which number belongs to which
column; as a Markdown table (header row, separator, one line per row) the chunker can keep rows whole
and repeat the header on every piece of a long table (ingest/chunking.py), so a question about one row
finds that row together with its column names.

Tables with a single row or a single column are layout, not data (Hangul and Word forms put whole
paragraphs in one-cell boxes): their cells come out as plain lines, as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_SPACE = re.compile(r"\s+")


def clean_cell(text: str | None) -> str:
    """One cell as one line: newlines flattened, runs of spaces squashed."""
    return _SPACE.sub(" ", text or "").strip()


def render_table(rows: Sequence[Sequence[str | None]]) -> str:
    """A Markdown table of ``rows`` (the first is the header), or plain "a | b" lines for a layout table.

    Empty rows are dropped, short rows padded and empty trailing columns removed, so every line has
    the header's number of cells. Leading rows with text in the first cell only (a title merged across
    the table) become plain lines above it.
    """
    grid = [[clean_cell(c) for c in row] for row in rows]
    grid = [row for row in grid if any(row)]
    if not grid:
        return ""
    width = max(len(row) for row in grid)
    while width and not any(len(row) >= width and row[width - 1] for row in grid):
        width -= 1
    grid = [(row + [""] * width)[:width] for row in grid]
    caption: list[str] = []
    while width >= 2 and grid and not any(grid[0][1:]):  # a title cell merged across the table
        caption.append(grid.pop(0)[0])
    if len(grid) < 2 or width < 2:
        return "\n".join(caption + [" | ".join(c for c in row if c) for row in grid])
    lines = caption + [_line(grid[0]), "| " + " | ".join("---" for _ in range(width)) + " |"]
    lines += [_line(row) for row in grid[1:]]
    return "\n".join(lines)


def _line(cells: list[str]) -> str:
    """A Markdown row; a ``|`` inside a cell is escaped so it does not split the cell."""
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"
