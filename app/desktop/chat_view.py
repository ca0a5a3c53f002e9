"""The conversation: questions and streamed answers rendered as Markdown, citations as links.

Tokens arrive on the worker thread into a `TokenBuffer` (a deque, no Qt); a UI-thread timer drains it
and re-renders the transcript in batches (Spyder's lesson: never one repaint per token).
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sillok.app.desktop import answer_view
from sillok.app.desktop.i18n import tr
from sillok.service.labels import cite

CITE_RE = re.compile(r"\[(\d{1,3})\]")
RENDER_MS = 120
# Masked identifiers ("010-****-5678", "h*****@x.com", "M********") must not read as Markdown emphasis;
# a model's own "**bold**" (two stars against a letter) still does.
MASK_RUN_RE = re.compile(r"(?<=[\d\-@.()])\*+|\*+(?=[\d\-@.()])|\*{3,}")


class TokenBuffer:
    """Filled by the worker (``append``), drained by the UI timer (``drain``); deque ops are atomic."""

    def __init__(self) -> None:
        self._parts: deque[str] = deque()

    def append(self, text: str) -> None:
        self._parts.append(text)

    def drain(self) -> str:
        out = []
        while self._parts:
            out.append(self._parts.popleft())
        return "".join(out)


@dataclass
class Turn:
    question: str
    text: str = ""
    citations: list[Any] = field(default_factory=list)
    state: str = "streaming"  # streaming | done | stopped | error
    found: bool | None = None  # False: the documents do not answer this (issue 13)
    quotes: list[Any] = field(default_factory=list)  # Citations of the answer's verbatim quotes, best first
    closest: list[Any] = field(default_factory=list)  # Citations of the closest passages (found is False)
    uncited: list[str] = field(default_factory=list)
    guess: str = ""  # the model's unverified text: shown only when unfolded, marked as not from the documents
    notice: str = ""
    show_guess: bool = False
    quotes_only: bool = False  # the text is the quotes again (no model could write): not repeated

    def cited(self, n: int) -> Any:
        return next((c for c in self.citations if c.n == n), None)

    def take(self, answer: Any) -> None:
        """The parts of a finished sillok.foundation.types.Answer that the transcript shows."""
        self.citations = list(answer.citations)
        self.found = bool(answer.found)
        hits = list(getattr(answer, "hits", []) or [])
        quotes = list(getattr(answer, "quotes", []) or [])
        self.quotes = [quote_citation(q, hits) for q in quotes]
        self.quotes_only = bool(quotes) and answer_view.text_is_quotes(str(answer.text or ""), quotes)
        self.closest = [hit_citation(h) for h in getattr(answer, "closest", []) or []]
        self.uncited = list(getattr(answer, "uncited", []) or []) if answer.found else []
        self.guess = str(getattr(answer, "unverified_text", "") or "")
        self.notice = str(getattr(answer, "notice", "") or "")


def hit_citation(h: Any) -> Any:
    """A passage (search hit, closest passage) as the Citation the source pane opens, marking its match."""
    from sillok.foundation.types import Citation

    return Citation(0, h.source, h.page, h.article, h.match, h.chunk_id, h.start, h.end, h.title)


def quote_citation(q: Any, hits: list[Any]) -> Any:
    """A Quote as a Citation whose start/end are offsets into its page (what the source pane highlights).

    A quote's offsets are into its chunk's text; the hit that holds the chunk knows where that text
    starts on the page. Where the hit is not at hand the pane finds the sentence by its words."""
    from sillok.foundation.types import Citation

    start = end = 0
    for h in hits:
        if q.chunk_id and (h.chunk_id == q.chunk_id or q.chunk_id in (h.chunk_ids or [])):
            at = q.start if h.text[q.start:q.end] == q.text else h.text.find(q.text)
            if at >= 0:
                start, end = h.start + at, h.start + at + len(q.text)
            break
    return Citation(0, q.source, q.page, q.article, q.text, q.chunk_id, start, end, q.title)


def source_label(c: Any) -> str:
    """"근로기준법 제56조 제1항" for a statute, "lease.pdf, p. 3" otherwise (sillok.service.labels)."""
    return cite(c, tr("p. {0}"))


def escape_masks(text: str) -> str:
    return MASK_RUN_RE.sub(lambda m: "\\*" * len(m.group(0)), text)


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


def render_turn(i: int, t: Turn) -> str:
    known = {c.n for c in t.citations}

    def link(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return f"[\\[{n}\\]](cite:{i}-{n})" if n in known else m.group(0)

    if t.state == "done" and t.found is False:  # the model's words are never shown as the answer
        parts = [f"#### {_md_escape(t.question)}", answer_view.notice_block(i, t.notice),
                 answer_view.refusal_block(i, t.closest, t.guess, t.show_guess)]
        if t.text:
            parts.append(f"[{tr('Copy')}](copy:{i}) · [{tr('Export…')}](export:{i})")
        return "\n\n".join(p for p in parts if p)
    text = escape_masks(answer_view.mark_uncited(t.text, t.uncited) if t.uncited else t.text)
    body = CITE_RE.sub(link, text) if t.state != "streaming" else text
    if t.quotes_only and t.state == "done":
        body = ""
    parts = [f"#### {_md_escape(t.question)}", answer_view.notice_block(i, t.notice),
             answer_view.quotes_block(i, t.quotes), body or ("…" if t.state == "streaming" else "")]
    if t.state == "done" and t.guess:  # quotes stood in for a model answer that could not be checked
        parts.append(answer_view.guess_block(i, t.guess, t.show_guess))
    if t.state == "stopped":
        parts.append(f"*{tr('(stopped)')}*")
    elif t.state == "error":  # the message, then one click to ask the same question again
        parts[1] = f"**{tr('Error')}:** {_md_escape(t.text)}"
        parts.append(f"[{tr('Retry')}](retry:{i})")
    if t.citations:
        refs = " · ".join(f"[\\[{c.n}\\]](cite:{i}-{c.n}) {_md_escape(source_label(c))}" for c in t.citations)
        parts.append(f"{tr('Sources')}: {refs}")
    if t.state in ("done", "stopped") and t.text:
        parts.append(f"[{tr('Copy')}](copy:{i}) · [{tr('Export…')}](export:{i})")
    return "\n\n".join(p for p in parts if p)


class ChatInput(QPlainTextEdit):
    """Enter sends, Shift+Enter inserts a newline."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(False)  # file drops go to the window (ingest), not into the question
        self.setTabChangesFocus(True)

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            e.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.submitted.emit()
            return
        super().keyPressEvent(e)


class ChatView(QWidget):
    askRequested = Signal(str)  # noqa: N815
    stopRequested = Signal()  # noqa: N815
    citationClicked = Signal(object)  # noqa: N815 - a sillok.foundation.types.Citation
    copyRequested = Signal(int)  # noqa: N815
    exportRequested = Signal(int)  # noqa: N815
    downloadRequested = Signal()  # noqa: N815 - a notice's "Open Settings → Download…"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.turns: list[Turn] = []
        self.buffer = TokenBuffer()
        self.renders = 0  # how many times the transcript was re-rendered (tests, bench)
        self.hint = ""
        self.title = QLabel()
        self.title.setObjectName("chatTitle")
        self.transcript = QTextBrowser()
        self.transcript.setOpenLinks(False)
        self.transcript.setAcceptDrops(False)
        self.transcript.anchorClicked.connect(self._on_link)
        self.input = ChatInput()
        self.input.setMaximumHeight(96)
        self.input.submitted.connect(self._submit)
        self.send_btn = QPushButton()
        self.send_btn.clicked.connect(self._submit)
        self.stop_btn = QPushButton()
        self.stop_btn.setEnabled(False)
        self.stop_btn.clicked.connect(self.stopRequested)
        buttons = QVBoxLayout()
        buttons.addWidget(self.send_btn)
        buttons.addWidget(self.stop_btn)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.input, 1)
        row.addLayout(buttons)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.title)
        lay.addWidget(self.transcript, 1)
        lay.addLayout(row)
        self._timer = QTimer(self)
        self._timer.setInterval(RENDER_MS)
        self._timer.timeout.connect(self._flush)
        self.retranslate()

    def retranslate(self) -> None:
        self.send_btn.setText(tr("Send"))
        self.send_btn.setToolTip(tr("Send the question (Enter); Shift+Enter for a new line"))
        self.stop_btn.setText(tr("Stop"))
        self.stop_btn.setToolTip(tr("Stop the answer (Esc)"))
        self.input.setPlaceholderText(tr("Ask a question about your documents…"))
        self.render()

    # -- state --------------------------------------------------------------------------------------
    @property
    def generating(self) -> bool:
        return bool(self.turns) and self.turns[-1].state == "streaming"

    def set_hint(self, text: str) -> None:
        self.hint = text
        self.render()

    def set_turns(self, turns: list[Turn]) -> None:
        self._timer.stop()
        self.buffer.drain()
        self.turns = turns
        self._set_generating(False)
        self.render()

    def begin_turn(self, question: str) -> None:
        self.buffer.drain()
        self.turns.append(Turn(question))
        self._set_generating(True)
        self._timer.start()
        self.render()

    def finish_turn(self, answer: Any) -> None:
        """``answer`` is a sillok.foundation.types.Answer, or None when the job was cancelled before it began."""
        self._timer.stop()
        if not self.turns:
            return
        t = self.turns[-1]
        t.text += self.buffer.drain()
        if answer is not None:
            t.text = answer.text or t.text
            t.take(answer)
        stopped = answer is None or getattr(answer, "cancelled", False)
        t.state = "stopped" if stopped else "done"
        self._set_generating(False)
        self.render()

    def fail_turn(self, message: str) -> None:
        self._timer.stop()
        self.buffer.drain()
        if self.turns:
            self.turns[-1].text, self.turns[-1].state = message, "error"
            if not self.input.toPlainText().strip():  # what was typed is never lost to a failure
                self.input.setPlainText(self.turns[-1].question)
        self._set_generating(False)
        self.render()

    def _set_generating(self, on: bool) -> None:
        self.stop_btn.setEnabled(on)
        self.send_btn.setEnabled(not on)

    # -- rendering ----------------------------------------------------------------------------------
    def _flush(self) -> None:
        text = self.buffer.drain()
        if text and self.turns:
            self.turns[-1].text += text
            self.render()

    def render(self) -> None:
        bar = self.transcript.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 4
        if not self.turns:
            self.transcript.setMarkdown(self.hint)
        else:
            self.transcript.setMarkdown("\n\n---\n\n".join(render_turn(i, t) for i, t in enumerate(self.turns)))
        self.renders += 1
        if at_end:
            bar.setValue(bar.maximum())

    def markdown_of(self, i: int) -> str:
        """One answer with its question and sources, for copying/exporting."""
        t = self.turns[i]
        lines = [f"# {escape_masks(t.question)}", ""]
        if t.notice:
            lines += [f"> {t.notice}", ""]
        lines += [f"> “{escape_masks(' '.join(q.quote.split()))}” ({source_label(q)})\n" for q in t.quotes]
        if t.found is False:
            lines += [tr("Your documents do not answer this question."), ""]
            lines += [f"- {source_label(c)}: {answer_view.snippet(escape_masks(c.quote))}" for c in t.closest]
        elif not t.quotes_only:
            lines += [escape_masks(t.text.strip()), ""]
        if t.citations:
            lines += [f"## {tr('Sources')}", ""]
            lines += [f"[{c.n}] {c.source} ({source_label(c)})"
                      + (f"\n    > {escape_masks(c.quote.strip())}" if c.quote else "") for c in t.citations]
        return "\n".join(lines).rstrip() + "\n"

    # -- input --------------------------------------------------------------------------------------
    def _submit(self) -> None:
        text = self.input.toPlainText().strip()
        if not text or self.generating:
            return
        self.input.clear()
        self.askRequested.emit(text)

    def _on_link(self, url: QUrl) -> None:
        scheme, path = url.scheme(), url.path()
        if scheme in ("cite", "quote", "near"):
            turn, _, n = path.partition("-")
            if turn.isdigit() and n.isdigit() and int(turn) < len(self.turns):
                t, k = self.turns[int(turn)], int(n)
                listed = t.quotes if scheme == "quote" else t.closest
                c = t.cited(k) if scheme == "cite" else (listed[k] if k < len(listed) else None)
                if c is not None:
                    self.citationClicked.emit(c)
        elif scheme == "guess" and path.isdigit() and int(path) < len(self.turns):
            t = self.turns[int(path)]
            t.show_guess = not t.show_guess
            self.render()
        elif scheme == "download":
            self.downloadRequested.emit()
        elif scheme == "retry" and path.isdigit() and int(path) < len(self.turns) and not self.generating:
            self.input.clear()
            self.askRequested.emit(self.turns[int(path)].question)
        elif scheme in ("copy", "export") and path.isdigit() and int(path) < len(self.turns):
            (self.copyRequested if scheme == "copy" else self.exportRequested).emit(int(path))
