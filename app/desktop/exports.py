"""Exporting answers from the window: a Word memo with footnotes (.docx, sillok.service.memo) or Markdown.

Why its own module: the window only wires the menu and the chat's "Export…" link to these two functions.
The memo's headings follow the window's language; the text is what the chat shows (identifiers masked).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QWidget

from sillok.app.desktop.i18n import tr


def ask_path(parent: QWidget, title: str, stem: str) -> str:
    """A save dialog offering the memo (default) and Markdown; the chosen filter decides a missing suffix."""
    memo, md = tr("Word memo (*.docx)"), tr("Markdown (*.md)")
    path, chosen = QFileDialog.getSaveFileName(parent, title, f"{stem}.docx", f"{memo};;{md}")
    if path and not Path(path).suffix:
        path += ".md" if chosen == md else ".docx"
    return path


def write(chat: Any, indexes: list[int], path: str, language: str) -> None:
    """Turns `indexes` of the chat view as a .docx memo or (any other suffix) Markdown."""
    if Path(path).suffix.lower() == ".docx":
        from sillok.service.memo import MemoTurn, write_memo

        turns = [MemoTurn(chat.turns[i].question, chat.turns[i].text, chat.turns[i].citations) for i in indexes]
        write_memo(path, turns, lang=language if language in ("ko", "en") else None)
        return
    Path(path).write_text("\n".join(chat.markdown_of(i) for i in indexes), encoding="utf-8")
