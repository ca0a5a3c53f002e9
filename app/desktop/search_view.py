"""Search mode: the passages themselves, for staff who want the documents and not an answer.

Why beside the chat and not instead of it: the same collection, the same source pane. A search runs the
facade's hybrid search (no language model, so it is instant and never invents anything); each result
shows the file, page and article, the passage with the query's words highlighted, and opens the source
pane at that page when clicked. CenterPane switches between Ask and Search.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sillok.app.desktop.i18n import tr

MARK = "background-color:#ffe678"
SNIPPET = 420
PARTICLES = ("은", "는", "이", "가", "을", "를", "의", "에", "에서", "으로", "로", "과", "와", "도", "만")


def terms(query: str) -> list[str]:
    """Words to highlight: the query's words (2+ characters), Korean ones also without a trailing particle."""
    out: list[str] = []
    for w in re.findall(r"\w+", query):
        if len(w) < 2:
            continue
        out.append(w)
        for p in PARTICLES:
            if re.match(r"[\uac00-\ud7a3]", w) and w.endswith(p) and len(w) - len(p) >= 2:
                out.append(w[: -len(p)])
    return sorted(set(out), key=len, reverse=True)


def highlight(text: str, words: list[str]) -> str:
    """HTML of ``text`` with ``words`` marked (case-insensitive); everything else escaped."""
    if not words:
        return html.escape(text)
    rx = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out, last = [], 0
    for m in rx.finditer(text):
        out += [html.escape(text[last:m.start()]), f'<span style="{MARK}">{html.escape(m.group(0))}</span>']
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def snippet(text: str, words: list[str], size: int = SNIPPET, core: tuple[int, int] | None = None) -> str:
    """At most ``size`` characters of a passage, from its first highlighted word inside ``core``.

    Why ``core``: a hit is a window of its page around the chunk that matched (Hit.core,
    service/retrieval.py). Cut from the window's start, the list showed the articles before the match
    under the match's own label (제36조 over the text of 제30조). So the cut starts where the match
    starts, or a third of ``size`` before the first highlighted word when that lies deeper in it."""
    whole = " ".join(text.split())
    if len(whole) <= size:
        return whole
    lo, hi = core or (0, len(text))
    part = text[lo:hi].lower()
    first = lo + min((i for w in words if (i := part.find(w.lower())) >= 0), default=0)
    start = max(lo, first - size // 3)
    flat = " ".join(text[start:].split())
    return ("…" if text[:start].strip() else "") + flat[:size] + ("…" if len(flat) > size else "")


class SearchView(QWidget):
    searchRequested = Signal(str)  # noqa: N815
    hitClicked = Signal(object)  # noqa: N815 - a sillok.foundation.types.Hit

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hits: list[Any] = []
        self.query = ""
        self.box = QLineEdit()
        self.box.setClearButtonEnabled(True)
        self.box.returnPressed.connect(self._submit)
        self.go = QPushButton()
        self.go.clicked.connect(self._submit)
        self.summary = QLabel()
        self.results = QTextBrowser()
        self.results.setOpenLinks(False)
        self.results.anchorClicked.connect(self._on_link)
        row = QHBoxLayout()
        row.addWidget(self.box, 1)
        row.addWidget(self.go)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(row)
        lay.addWidget(self.summary)
        lay.addWidget(self.results, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.box.setPlaceholderText(tr("Search the passages of this collection (no answer, just the documents)…"))
        self.go.setText(tr("Search"))
        self.render()

    def _submit(self) -> None:
        q = self.box.text().strip()
        if q:
            self.query = q
            self.summary.setText(tr("Searching…"))
            self.searchRequested.emit(q)

    def set_results(self, query: str, hits: list[Any]) -> None:
        self.query, self.hits = query, list(hits)
        self.render()

    def clear(self) -> None:
        self.hits, self.query = [], ""
        self.box.clear()
        self.render()

    def render(self) -> None:
        if not self.query:
            self.summary.setText("")
            self.results.setHtml(f"<p style='color:gray'>{html.escape(tr('Type words, a name or an article (제56조) and press Enter.'))}</p>")
            return
        self.summary.setText(tr("{0} passages for “{1}”").format(len(self.hits), self.query) if self.hits else
                             tr("No passage matches “{0}”.").format(self.query))
        words = terms(self.query)
        parts = []
        for i, h in enumerate(self.hits):
            where = [f"{tr('p.')} {h.page}"] if h.page else []
            where += [h.article] if h.article else []
            where += [h.heading] if h.heading and h.heading != h.article else []
            head = f'<a href="hit:{i}"><b>{html.escape(Path(h.source).name)}</b></a>'
            meta = f' <span style="color:gray">— {html.escape(" · ".join(where))}</span>' if where else ""
            parts.append(f"<p>{head}{meta}<br>{highlight(snippet(h.text, words, core=h.core), words)}</p>")
        self.results.setHtml("".join(parts))

    def _on_link(self, url: QUrl) -> None:
        if url.scheme() == "hit" and url.path().isdigit() and int(url.path()) < len(self.hits):
            self.hitClicked.emit(self.hits[int(url.path())])


class CenterPane(QWidget):
    """The middle of the window: Ask (the chat) or Search (passages), switched by two buttons."""

    def __init__(self, chat: QWidget, search: SearchView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chat, self.search = chat, search
        self.ask_btn, self.search_btn = QToolButton(), QToolButton()
        group = QButtonGroup(self)
        for b in (self.ask_btn, self.search_btn):
            b.setCheckable(True)
            b.setAutoRaise(True)
            group.addButton(b)
        self.ask_btn.setChecked(True)
        self.ask_btn.clicked.connect(lambda: self.set_mode("ask"))
        self.search_btn.clicked.connect(lambda: self.set_mode("search"))
        self.stack = QStackedWidget()
        self.stack.addWidget(chat)
        self.stack.addWidget(search)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 0)
        bar.addWidget(self.ask_btn)
        bar.addWidget(self.search_btn)
        bar.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addLayout(bar)
        lay.addWidget(self.stack, 1)
        self.retranslate()

    @property
    def mode(self) -> str:
        return "search" if self.stack.currentWidget() is self.search else "ask"

    def set_mode(self, mode: str) -> None:
        self.stack.setCurrentWidget(self.search if mode == "search" else self.chat)
        (self.search_btn if mode == "search" else self.ask_btn).setChecked(True)
        (self.search.box if mode == "search" else self.chat.input).setFocus()

    def retranslate(self) -> None:
        self.ask_btn.setText(tr("Ask"))
        self.ask_btn.setToolTip(tr("Answers with cited sources (Ctrl+Shift+A)"))
        self.search_btn.setText(tr("Search"))
        self.search_btn.setToolTip(tr("The passages themselves, no answer (Ctrl+Shift+F)"))
