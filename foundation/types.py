"""Plain data passed between layers (loader → chunker → indexes → retrieval → answer → UI).

Small frozen dataclasses rather than dicts or Qt types, so every layer (CLI, window, tests,
benchmarks) sees the same shapes and nothing depends on a UI toolkit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Page:
    """Text of one page of a document. ``number`` is 1-based, or None where the format has no pages.

    Loaders mark headings as Markdown heading lines (``# Title``) so the chunker can follow the
    document's structure whatever the source format was.
    """

    number: int | None
    text: str


@dataclass(frozen=True)
class OcrWord:
    """One recognised word of a scanned page: ``start``/``end`` are character offsets into the page's
    text, ``box`` is (left, top, right, bottom) as fractions of the upright page image, so the source
    viewer can outline the quoted words at any zoom."""

    text: str
    start: int
    end: int
    box: tuple[float, float, float, float]
    confidence: float = 0.0


@dataclass(frozen=True)
class OcrPage:
    """What OCR made of one page: its text (what is chunked and indexed), the words with their boxes,
    the mean word confidence (0..1), the language model used, the quarter turn (degrees, counter-
    clockwise) and the skew (degrees) that made the page upright, and ``skipped`` (a reason) when the
    page was given up, e.g. over the per-page time limit."""

    number: int
    text: str
    words: tuple[OcrWord, ...] = ()
    confidence: float = 0.0
    lang: str = ""
    turn: int = 0
    skew: float = 0.0
    seconds: float = 0.0
    skipped: str = ""


@dataclass(frozen=True)
class Document:
    """What a loader returns: the pages of one file plus what it learnt about the file. ``ocr`` holds
    the pages that were read by OCR (scans), with their confidence and word boxes."""

    path: Path
    pages: list[Page]
    title: str = ""
    format: str = ""
    ocr: tuple[OcrPage, ...] = ()

    @property
    def char_count(self) -> int:
        return sum(len(p.text) for p in self.pages)


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage. ``start``/``end`` are character offsets into its page's text: ``text`` is
    ``page.text[start:end]``, except that a later piece of a long Markdown table starts with the table's
    header row and separator repeated (ingest/chunking.py), so its rows keep their column names."""

    chunk_id: str
    source: str
    doc_id: str
    ordinal: int
    text: str
    page: int | None
    start: int
    end: int
    heading: str = ""
    article: str | None = None
    title: str = ""


@dataclass
class Hit:
    """A search result: a chunk (or several touching chunks merged) with its fused score."""

    chunk_id: str
    source: str
    text: str
    score: float
    page: int | None = None
    article: str | None = None
    heading: str = ""
    start: int = 0
    end: int = 0
    doc_id: str = ""
    ordinal: int = 0
    title: str = ""
    ranks: dict[str, int] = field(default_factory=dict)
    # When touching chunks were merged into this hit: the chunk ids it covers, in order.
    chunk_ids: list[str] = field(default_factory=list)
    last_ordinal: int = -1
    # The dense list's cosine similarity of this chunk to the query (None: the dense list did not find it
    # or did not run); the answerability gate's floor reads it (service/gate.py).
    similarity: float | None = None
    # The part of `text` that the search matched, as offsets into it: the rest is the window of its page
    # around it (sillok.service.retrieval). None: the whole text.
    core: tuple[int, int] | None = None

    @property
    def match(self) -> str:
        """The matched part of `text`: what a preview shows and the source pane marks, so the articles
        before it in its window do not stand under its label."""
        return self.text[self.core[0]:self.core[1]] if self.core else self.text

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FileResult:
    """Outcome of ingesting one file: status is indexed, unchanged, failed, needs_ocr or removed."""

    path: str
    status: str
    reason: str = ""
    chunks: int = 0
    pages: int = 0


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0
    notes: dict[str, str] = field(default_factory=dict)  # source → what its result will say (OCR pages)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status in ("failed", "needs_ocr")]

    @property
    def chunks(self) -> int:
        return sum(f.chunks for f in self.files)


@dataclass(frozen=True)
class Progress:
    """Progress of a long job, reported through a callback. ``eta_s`` is None until known. Stage "ocr"
    is a scanned file (``current``) being read: ``page`` of its ``pages`` done."""

    stage: str
    files_done: int
    files_total: int
    chunks_done: int = 0
    current: str = ""
    eta_s: float | None = None
    page: int = 0
    pages: int = 0


@dataclass(frozen=True)
class DocumentInfo:
    source: str
    doc_id: str
    status: str
    pages: int
    chunks: int
    added: str
    reason: str = ""
    title: str = ""
    vectors_pending: int = 0  # passages still waiting for their vector (searchable by keyword already)
    ocr_pages: int = 0  # pages read by OCR (scans)
    ocr_confidence: float | None = None  # their mean confidence, 0..1 (None: no OCR page)
    low_confidence_pages: tuple[int, ...] = ()  # OCR pages under the confidence threshold: check them


@dataclass(frozen=True)
class ScanView:
    """A scanned page as the source viewer shows it: the upright page image (8-bit grey, row-major,
    ``width`` bytes a row), its OCR text and words (boxes as fractions of this image)."""

    width: int
    height: int
    pixels: bytes
    text: str
    words: tuple[OcrWord, ...]
    confidence: float


@dataclass(frozen=True)
class CollectionInfo:
    name: str
    documents: int
    chunks: int
    embedding_model: str


@dataclass(frozen=True)
class Citation:
    """What an answer's `[n]` points at: the source chunk, its page/article, and the quoted span."""

    n: int
    source: str
    page: int | None
    article: str | None
    quote: str
    chunk_id: str
    start: int = 0
    end: int = 0
    title: str = ""  # the document's title (a statute's name: "근로기준법"), for labels (service/labels.py)


@dataclass
class Quote:
    """A sentence from the documents, verbatim, chosen without the model as answering the question
    (issue 13: quote-first answers). `start`/`end` are character offsets into the chunk's text, so the
    viewer highlights exactly this sentence at its page; `score` is the sentence ranking's own score."""

    source: str
    page: int | None
    article: str | None
    text: str
    start: int
    end: int
    chunk_id: str = ""
    title: str = ""
    score: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "page": self.page, "article": self.article, "text": self.text,
                "start": self.start, "end": self.end}


@dataclass
class Answer:
    """A finished (or cancelled) answer. `found` is True only when the answer carries at least one
    citation verified against a passage the model was given (or, with no capable model, when quotes
    answer it); otherwise `text` says the documents do not answer this, `closest` lists the passages
    staff can read, and the model's words, if any, are kept apart in `unverified_text`. `quotes` come
    first in every answer; `notice` is a message for the person (e.g. the model cannot write the
    question's language). `uncited` lists sentences with no citation; `dropped` lists [n] that pointed
    at sources the model was not given."""

    question: str
    text: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    uncited: list[str] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    cancelled: bool = False
    conversation_id: str | None = None
    standalone_query: str = ""
    quotes: list[Quote] = field(default_factory=list)
    closest: list[Hit] = field(default_factory=list)
    unverified_text: str = ""
    notice: str = ""
