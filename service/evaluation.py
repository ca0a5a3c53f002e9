"""Evaluation on the office's own questions (issue 13, point 6): `sillok eval FILE`, Evaluate in the window.

Why: staff choose a model or an embedding on their own documents, not on a public benchmark. A JSONL file
holds one question a line — {"question", "expected_source"?, "expected_answer"?, "answerable"?} — and
this module measures, per question and overall:

- recall@k (k = 1..10) and MRR of the expected source: the rank of the first retrieved *document* whose
  file name matches (case-, path- and Unicode-form-insensitive), counting each document once, so a long
  contract split into ten passages does not crowd out the second document;
- with the model (not `retrieval_only`): refusals of unanswerable questions (found is False), wrongful
  refusals of answerable ones, the citation rate (found answers carrying a verified citation), answers
  citing the expected source, and how often the answer holds the expected answer (normalised: NFC,
  case, punctuation and whitespace; the quotes count, as they are the answer when no model can write);
- timings: retrieval and answer, mean and median.

A question is answerable when the line says so, or, when it does not, when it names an expected source or
answer. Each question is asked on its own: the conversation a question makes is deleted after it, so an
evaluation leaves no conversations behind (its asks are in the audit log, as any ask is).
A bad line stops the run before any work with a SillokError naming the file and the line.
"""

from __future__ import annotations

import json
import re
import statistics
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import SillokError
from sillok.foundation.types import Progress

K_MAX = 10
SEARCH_K = 40  # passages fetched to find K_MAX distinct documents
KEYS = {"question", "expected_source", "expected_answer", "answerable", "id"}


@dataclass
class EvalItem:
    line: int
    question: str
    expected_sources: list[str] = field(default_factory=list)
    expected_answer: str = ""
    answerable: bool | None = None  # None: not said and nothing expected (counted in neither refusal rate)
    id: str = ""


@dataclass
class EvalRow:
    """One question's outcome. `rank`: 1-based rank of the expected source among the retrieved documents
    (None: not in the top K_MAX, or no source expected). Model fields are None in a retrieval-only run."""

    item: EvalItem
    documents: list[str] = field(default_factory=list)  # retrieved file names, best first (≤ K_MAX)
    rank: int | None = None
    unknown_sources: list[str] = field(default_factory=list)  # expected, but no document of the collection has the name
    found: bool | None = None
    cited: bool | None = None
    cited_expected: bool | None = None
    contains: bool | None = None
    answer: str = ""
    retrieval_ms: float = 0.0
    answer_ms: float | None = None


@dataclass
class EvalReport:
    source_file: str
    collection: str
    retrieval_only: bool
    rows: list[EvalRow]
    model: str = ""
    embedding: str = ""
    created: str = ""
    seconds: float = 0.0

    # -- retrieval ---------------------------------------------------------------------------------
    @property
    def with_source(self) -> list[EvalRow]:
        return [r for r in self.rows if r.item.expected_sources]

    @property
    def unknown_sources(self) -> list[tuple[int, str]]:
        """(line, name) of each expected source no document of the collection is called: a typo, or a
        document not added; such a question can never be found and counts as a miss."""
        return [(r.item.line, s) for r in self.rows for s in r.unknown_sources]

    def recall_at(self, k: int) -> float | None:
        rows = self.with_source
        return sum(1 for r in rows if r.rank is not None and r.rank <= k) / len(rows) if rows else None

    @property
    def recall(self) -> dict[int, float | None]:
        return {k: self.recall_at(k) for k in range(1, K_MAX + 1)}

    @property
    def mrr(self) -> float | None:
        rows = self.with_source
        return sum(1 / r.rank for r in rows if r.rank) / len(rows) if rows else None

    # -- answering ---------------------------------------------------------------------------------
    def _rate(self, rows: list[EvalRow], hit: Callable[[EvalRow], bool]) -> float | None:
        return sum(1 for r in rows if hit(r)) / len(rows) if rows and not self.retrieval_only else None

    @property
    def unanswerable(self) -> list[EvalRow]:
        return [r for r in self.rows if r.item.answerable is False]

    @property
    def answerable(self) -> list[EvalRow]:
        return [r for r in self.rows if r.item.answerable is True]

    @property
    def refusal_rate(self) -> float | None:
        """Unanswerable questions refused (found False): higher is better."""
        return self._rate(self.unanswerable, lambda r: r.found is False)

    @property
    def wrongful_refusal_rate(self) -> float | None:
        """Answerable questions refused: lower is better."""
        return self._rate(self.answerable, lambda r: r.found is False)

    @property
    def citation_rate(self) -> float | None:
        """Answers given (found) that carry a verified citation."""
        return self._rate([r for r in self.rows if r.found], lambda r: bool(r.cited))

    @property
    def cited_expected_rate(self) -> float | None:
        """Answerable questions with an expected source answered citing that source."""
        return self._rate([r for r in self.answerable if r.item.expected_sources], lambda r: bool(r.cited_expected))

    @property
    def contains_rate(self) -> float | None:
        """Questions with an expected answer whose answer holds it (normalised)."""
        return self._rate([r for r in self.rows if r.item.expected_answer], lambda r: bool(r.contains))

    def timing(self, name: str) -> dict[str, float] | None:
        values = [v for v in (getattr(r, name) for r in self.rows) if v is not None]
        if not values:
            return None
        return {"mean_ms": statistics.fmean(values), "median_ms": statistics.median(values), "max_ms": max(values)}

    def summary(self) -> dict[str, Any]:
        """The headline figures, as JSON-ready values (the CLI prints these; the reports lead with them)."""
        return {"questions": len(self.rows), "with_expected_source": len(self.with_source),
                "recall": {str(k): v for k, v in self.recall.items()}, "mrr": self.mrr,
                "unanswerable": len(self.unanswerable), "refusal_rate": self.refusal_rate,
                "answerable": len(self.answerable), "wrongful_refusal_rate": self.wrongful_refusal_rate,
                "citation_rate": self.citation_rate, "cited_expected_rate": self.cited_expected_rate,
                "contains_rate": self.contains_rate, "retrieval": self.timing("retrieval_ms"),
                "answer": self.timing("answer_ms"), "retrieval_only": self.retrieval_only,
                "unknown_sources": [{"line": n, "expected_source": s} for n, s in self.unknown_sources],
                "seconds": self.seconds}


def row_json(row: EvalRow) -> dict[str, Any]:
    """One question's outcome for `sillok eval --json` (machines compare runs question by question)."""
    item = row.item
    return {"line": item.line, "id": item.id, "question": item.question, "expected_source": item.expected_sources,
            "answerable": item.answerable, "rank": row.rank, "documents": row.documents, "found": row.found,
            "cited": row.cited, "cited_expected": row.cited_expected, "contains": row.contains,
            "answer": row.answer, "retrieval_ms": round(row.retrieval_ms, 1),
            "answer_ms": None if row.answer_ms is None else round(row.answer_ms, 1)}


# -- reading the questions ---------------------------------------------------------------------------
def _strings(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v for v in value if v.strip()]
    return None


def parse_line(text: str, line: int, where: str) -> EvalItem:
    """One JSONL line as an EvalItem; a SillokError naming `where` and the line says what is wrong."""
    def bad(reason: str) -> SillokError:
        return SillokError(f"{where}: line {line}: {reason}")

    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise bad(f"not valid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(obj, dict):
        raise bad('expected a JSON object like {"question": "…"}')
    question = obj.get("question")
    if not isinstance(question, str) or not question.strip():
        raise bad('"question" is missing or empty')
    sources = _strings(obj.get("expected_source", []))
    if sources is None:
        raise bad('"expected_source" must be a file name or a list of file names')
    answer = obj.get("expected_answer", "")
    if not isinstance(answer, str):
        raise bad('"expected_answer" must be text')
    answerable = obj.get("answerable")
    if answerable is not None and not isinstance(answerable, bool):
        raise bad('"answerable" must be true or false')
    if answerable is None and (sources or answer.strip()):
        answerable = True
    return EvalItem(line, question.strip(), sources, answer.strip(), answerable, str(obj.get("id", "")))


def read_questions(path: str | Path) -> list[EvalItem]:
    path = Path(path).expanduser()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise SillokError(f"{path}: no such file or folder") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SillokError(f"{path}: cannot read the questions file ({exc})") from exc
    items = [parse_line(raw, n, str(path)) for n, raw in enumerate(text.splitlines(), 1) if raw.strip()]
    if not items:
        raise SillokError(f"{path}: no questions (one JSON object a line: {{\"question\": \"…\"}})")
    return items


# -- matching ----------------------------------------------------------------------------------------
def file_key(source: str) -> str:
    """"/docs/Lease.PDF" and "C:\\docs\\lease.pdf" both → "lease.pdf" (NFC: macOS stores Korean names NFD)."""
    name = str(source).replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return unicodedata.normalize("NFC", name).casefold()


def normalise(text: str) -> str:
    """NFC, case-folded, punctuation dropped, whitespace collapsed: "The  Republic of Korea." → "the republic of korea"."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = "".join(" " if unicodedata.category(ch)[0] in "PS" else ch for ch in text)
    return re.sub(r"\s+", " ", text).strip()


def contains(answer: str, expected: str) -> bool:
    want = normalise(expected)
    return bool(want) and want in normalise(answer)


def _documents(hits: list[Any]) -> list[str]:
    seen: list[str] = []
    for h in hits:
        key = file_key(h.source)
        if key not in seen:
            seen.append(key)
        if len(seen) == K_MAX:
            break
    return seen


# -- running -----------------------------------------------------------------------------------------
def evaluate(svc: Any, path: str | Path, collection: str = "default", retrieval_only: bool = False,
             progress: Callable[[Progress], None] | None = None,
             cancel: CancelToken | None = None) -> EvalReport:
    """Run every question of `path` against `collection` (svc: sillok.service.facade.Sillok)."""
    items = read_questions(path)  # every line checked before any work
    cancel = cancel or CancelToken()
    t0 = time.perf_counter()
    report = EvalReport(str(path), collection, retrieval_only, [], embedding=getattr(svc.embedder, "name", ""),
                        created=datetime.now().isoformat(timespec="seconds"))
    if not retrieval_only:
        report.model = svc.model_label()
    names = {file_key(d.source) for d in svc.documents(collection)}  # a typo in the file shows as such
    for i, item in enumerate(items):
        cancel.check()
        if progress is not None:
            progress(Progress("evaluating", i, len(items), current=item.question))
        row = _one(svc, item, collection, retrieval_only, cancel)
        row.unknown_sources = [s for s in item.expected_sources if file_key(s) not in names]
        report.rows.append(row)
    if progress is not None:
        progress(Progress("evaluating", len(items), len(items)))
    report.seconds = time.perf_counter() - t0
    return report


def _one(svc: Any, item: EvalItem, collection: str, retrieval_only: bool, cancel: CancelToken) -> EvalRow:
    row = EvalRow(item)
    wanted = {file_key(s) for s in item.expected_sources}
    t = time.perf_counter()
    hits = svc.search(item.question, collection, k=SEARCH_K)
    row.retrieval_ms = (time.perf_counter() - t) * 1000
    row.documents = _documents(hits)
    row.rank = next((n for n, d in enumerate(row.documents, 1) if d in wanted), None)
    if retrieval_only:
        return row
    t = time.perf_counter()
    answer = svc.ask(item.question, collection, cancel=cancel)
    row.answer_ms = (time.perf_counter() - t) * 1000
    _forget_conversation(svc, answer)
    if answer.cancelled:
        cancel.check()
    row.found = bool(answer.found)
    row.cited = bool(answer.found and answer.citations)
    row.cited_expected = bool(wanted) and any(file_key(c.source) in wanted for c in answer.citations)
    said = " ".join([answer.text, *(q.text for q in getattr(answer, "quotes", []) or [])]) if answer.found else ""
    row.answer = answer.text if answer.found else ""
    row.contains = contains(said, item.expected_answer) if item.expected_answer else None
    return row


def _forget_conversation(svc: Any, answer: Any) -> None:
    cid = getattr(answer, "conversation_id", None)
    if cid:
        try:
            svc.conversations().delete(cid)
        except SillokError:
            pass
