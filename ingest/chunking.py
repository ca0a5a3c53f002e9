"""Structure-aware chunking: articles and headings first, paragraphs and sentences next, size last.

Every chunk keeps its page, its character offsets into that page's text, the heading path above it and,
for statutes, the article (제N조, with 항/호 where the chunk starts inside one). Headings and tables arrive
from the loaders as Markdown (heading lines, tables with a header row and separator), so one chunker
serves every format. A table is cut only between rows, and every piece of a long table after the first
starts with the table's header row and separator repeated, so a row found alone still says what its
columns are; that repeated header is the one part of a chunk's text not at page[start:end].

langchain-text-splitters' RecursiveCharacterTextSplitter is used for the size step (a paragraph that
alone exceeds the budget); the structure step is our own because no LangChain splitter knows Korean
statute structure (조/항/호) or reports offsets into the page after separators are dropped.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from sillok.foundation.types import Chunk, Document

# 제12조(경매의 청구) / 제3조의2 / 부칙 제1조 at the start of a line.
ARTICLE_RE = re.compile(r"^(?:부칙\s*)?제\s*(\d+)\s*조(?:\s*의\s*(\d+))?(?:\s*\(([^)\n]{0,60})\))?(?![가-힣])", re.M)
HEADING_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.M)
# 항 markers ①..⑳ and 호 markers "1." at the start of a line.
PARAGRAPH_MARK = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
ITEM_RE = re.compile(r"^\s*(\d{1,3})\.\s", re.M)
# Where a long paragraph may be cut: Korean sentence ends, then English ones, then spaces.
# A Markdown table: header row, separator row (| --- | --- |), then the rows.
TABLE_RE = re.compile(r"^\|[^\n]*\|[ \t]*\n\|(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*$(?:\n\|[^\n]*)*", re.M)
SEPARATORS = ["\n\n", "\n", "다. ", "다.\n", ". ", "? ", "! ", "; ", ", ", " ", ""]


@dataclass
class _Block:
    start: int
    end: int
    heading: str
    article: str | None


def chunk_document(doc: Document, doc_id: str, size: int = 900, min_size: int = 200) -> list[Chunk]:
    """Split a loaded document into chunks; ids are stable for the same doc_id and text."""
    chunks: list[Chunk] = []
    heading_stack: list[str] = []
    for page in doc.pages:
        for start, end, prefix, heading, article in _pieces(page.text, heading_stack, size, min_size):
            text = page.text[start:end]
            if not text.strip():
                continue
            if prefix:  # a long table's header, repeated ahead of its later rows
                text = prefix + "\n" + text
            ordinal = len(chunks)
            chunks.append(
                Chunk(
                    chunk_id=f"{doc_id}-{ordinal:05d}",
                    source=str(doc.path),
                    doc_id=doc_id,
                    ordinal=ordinal,
                    text=text,
                    page=page.number,
                    start=start,
                    end=end,
                    heading=heading,
                    article=article,
                    title=doc.title,
                )
            )
    return chunks


def _pieces(
    text: str, heading_stack: list[str], size: int, min_size: int
) -> Iterator[tuple[int, int, str, str, str | None]]:
    for block in _blocks(text, heading_stack):
        for start, end, prefix in _pack(text, block.start, block.end, size, min_size):
            yield start, end, prefix, block.heading, _article_at(text, block, start)


def _blocks(text: str, heading_stack: list[str]) -> Iterator[_Block]:
    """Cut the page at headings and article starts; the heading stack carries across pages."""
    cuts: list[tuple[int, str, object]] = []
    for m in HEADING_RE.finditer(text):
        cuts.append((m.start(), "h", m))
    for m in ARTICLE_RE.finditer(text):
        cuts.append((m.start(), "a", m))
    cuts.sort(key=lambda c: c[0])
    pos = 0
    article: str | None = None
    block_heading = " > ".join(heading_stack)
    for at, kind, m in cuts:
        assert isinstance(m, re.Match)
        if at > pos and _has_body(text[pos:at]):
            yield _Block(pos, at, block_heading, article)
            pos = at
        # A heading-only stretch is not yielded: it stays at the front of the next block.
        if kind == "h":
            level = len(m.group(1))
            del heading_stack[level - 1 :]
            heading_stack.append(m.group(2).strip())
            article = None
        else:
            article = _article_label(m)
        block_heading = " > ".join(heading_stack)
    if _has_body(text[pos:]):
        yield _Block(pos, len(text), block_heading, article)


def _has_body(span: str) -> bool:
    return bool(HEADING_RE.sub("", span).strip())


def _article_label(m: re.Match[str]) -> str:
    label = f"제{m.group(1)}조"
    if m.group(2):
        label += f"의{m.group(2)}"
    if m.group(3):
        label += f"({m.group(3).strip()})"
    return label


def _article_at(text: str, block: _Block, start: int) -> str | None:
    """The article label, refined with the 항 (①) and 호 (1.) in force where the chunk starts."""
    if block.article is None:
        return None
    label = block.article
    before = text[block.start : start]
    para = next((c for c in reversed(before) if c in PARAGRAPH_MARK), None)
    if start > block.start and text[start] in PARAGRAPH_MARK:
        para = text[start]
    if para:
        label += f" 제{PARAGRAPH_MARK.index(para) + 1}항"
        items = list(ITEM_RE.finditer(text, block.start, start + 8))
        if items and start > block.start:
            label += f" 제{items[-1].group(1)}호"
    return label


def _pack(text: str, start: int, end: int, size: int, min_size: int) -> Iterator[tuple[int, int, str]]:
    """Greedily pack paragraphs (and table rows) of text[start:end] into spans of at most `size`
    characters; each span comes with the table header to put in front of it ("" for none)."""
    if end - start <= size:
        yield (*_trim(text, start, end), "")
        return
    units = list(_units(text, start, end, size))
    cur_s, cur_e, cur_p = units[0]
    for s, e, p in units[1:]:
        room = size - (len(cur_p) + 1 if cur_p else 0)
        if e - cur_s <= room or cur_e - cur_s < min_size:
            cur_e = e
        else:
            yield (*_trim(text, cur_s, cur_e), cur_p)
            cur_s, cur_e, cur_p = s, e, p
    yield (*_trim(text, cur_s, cur_e), cur_p)


def _units(text: str, start: int, end: int, size: int) -> Iterator[tuple[int, int, str]]:
    """Prose paragraphs and Markdown tables in order, as (start, end, header to repeat) units."""
    pos = start
    for m in TABLE_RE.finditer(text, start, end):
        yield from ((s, e, "") for s, e in _paragraphs(text, pos, m.start(), size))
        yield from _table_units(text, m.start(), m.end(), size)
        pos = m.end()
    yield from ((s, e, "") for s, e in _paragraphs(text, pos, end, size))


def _table_units(text: str, start: int, end: int, size: int) -> Iterator[tuple[int, int, str]]:
    """A table that fits is one unit. A longer one is one unit per row (the first row kept with the
    header so a chunk never ends on a bare header), each later row carrying the header to repeat; a
    row longer than the budget (a whole paragraph in one cell) is cut by the splitter."""
    if end - start <= size:
        yield start, end, ""
        return
    starts = [start] + [start + k + 1 for k, ch in enumerate(text[start:end]) if ch == "\n"]
    ends = [s - 1 for s in starts[1:]] + [end]
    if len(starts) < 3:
        yield start, end, ""
        return
    header = text[start : ends[1]]
    prefix = header if len(header) <= size // 2 else ""
    spans = [(start, ends[2])] + list(zip(starts[3:], ends[3:], strict=True))
    room = max(size - len(prefix) - 1, 1)
    for i, (s, e) in enumerate(spans):
        first = "" if i == 0 else prefix
        if e - s <= room:
            yield s, e, first
        else:
            for j, (a, b) in enumerate(_split_long(text, s, e, room)):
                yield a, b, first if j == 0 else prefix


def _paragraphs(text: str, start: int, end: int, size: int) -> Iterator[tuple[int, int]]:
    """Paragraph spans; a paragraph longer than `size` is cut at sentence ends by the splitter."""
    para_re = re.compile(r"\n\s*\n|\n(?=[" + PARAGRAPH_MARK + r"])|\n(?=\s*\d{1,3}\.\s)")
    pos = start
    bounds = [m.end() for m in para_re.finditer(text, start, end)] + [end]
    for b in bounds:
        if b <= pos:
            continue
        if b - pos <= size:
            yield pos, b
        else:
            yield from _split_long(text, pos, b, size)
        pos = b


def _split_long(text: str, start: int, end: int, size: int) -> Iterator[tuple[int, int]]:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=size, chunk_overlap=0, separators=SEPARATORS, keep_separator="end",
        strip_whitespace=False, add_start_index=False,
    )
    pos = start
    for piece in splitter.split_text(text[start:end]):
        at = text.find(piece, pos, end)
        if at < 0:  # cannot happen with strip_whitespace=False; keep offsets honest if it does
            at = pos
        yield at, min(at + len(piece), end)
        pos = at + len(piece)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def without_repeated_header(text: str, before: str) -> str:
    """`text` less a leading table header (row and separator) that `before` already shows: when
    touching chunks are merged into one passage, a long table reads with its header once."""
    m = TABLE_RE.match(text)
    if not m:
        return text
    lines = text.split("\n", 2)
    head = lines[0] + "\n" + lines[1]
    return lines[2] if len(lines) == 3 and head in before else text


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def context_header(title: str, heading: str, article: str | None, text: str) -> str:
    """Document title and heading path, prepended to the text that is embedded and keyword-indexed.

    A clause rarely names its contract and a paragraph rarely names its statute; the header lets a
    question that names the document ("Consider the Franchise Agreement…", "가사소송법상…") find it.
    Parts the text already shows near its start are left out.
    """
    parts: list[str] = []
    for part in (title, heading, article or ""):
        part = part.strip()
        if part and part not in parts and part not in text[:200]:
            parts.append(part)
    return " · ".join(parts)


def with_header(title: str, heading: str, article: str | None, text: str) -> str:
    header = context_header(title, heading, article, text)
    return f"{header}\n{text}" if header else text


def indexed_text(chunk: Chunk) -> str:
    """What is embedded and keyword-indexed for a chunk (the same at ingest and at every re-embed)."""
    return with_header(chunk.title, chunk.heading, chunk.article, chunk.text)
