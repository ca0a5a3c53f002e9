"""Korean everywhere: every reason the loaders and the pipeline can give has a Korean sentence
(app/desktop/reasons.py), and Qt's own dialogs and buttons (qtbase_ko.qm) are Korean under the Korean UI.
(tests/desktop/test_window.py checks that every tr() string has a Korean translation.)"""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _sample(node: ast.AST) -> str | None:
    """A reason string as the code builds it, with each {…} part replaced by a sample value."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "X1" for v in node.values)
    return None


def produced_reasons() -> list[tuple[str, str]]:
    """(where, reason) for every LoadError/NeedsOCR reason and every failed FileResult/_fail in ingest/."""
    out = []
    for path in (REPO / "ingest").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            arg = None
            if name in ("LoadError", "NeedsOCR") and len(node.args) >= 2:
                arg = node.args[1]
            elif name == "_fail" and len(node.args) >= 4:
                arg = node.args[3]
            elif name == "FileResult" and len(node.args) >= 3 and getattr(node.args[1], "value", "") == "failed":
                arg = node.args[2]
            text = _sample(arg) if arg is not None else None
            if text:
                out.append((f"{path.relative_to(REPO)}:{node.lineno}", text))
    return out


def test_every_failure_reason_has_a_korean_sentence(qtbot) -> None:
    from sillok.app.desktop.i18n import install_language
    from sillok.app.desktop.reasons import reason_text, rule_for

    reasons = produced_reasons()
    assert len(reasons) > 30  # the loaders' reasons were found
    untranslated = [f"{where}: {text}" for where, text in reasons if rule_for(text) is None]
    assert not untranslated, "add a rule to app/desktop/reasons.py:\n" + "\n".join(untranslated)
    install_language("ko")
    try:
        not_korean = [text for _, text in reasons if not HANGUL.search(reason_text(text))]
        assert not not_korean, not_korean
        assert reason_text("/m/scan.pdf: needs OCR: pages are images with no text layer (scanned)") == \
            "/m/scan.pdf: 텍스트 층이 없는 스캔 페이지: OCR이 필요합니다"
    finally:
        install_language("en")


def test_qt_dialogs_and_buttons_are_korean(qtbot) -> None:
    from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel, QMessageBox

    from sillok.app.desktop.i18n import install_language

    install_language("ko")
    try:
        box = QMessageBox(QMessageBox.Icon.Question, "t", "t",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        qtbot.addWidget(box)
        texts = [box.button(b).text() for b in (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No)]
        assert all(HANGUL.search(t) for t in texts), texts
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(bb)
        ok = bb.button(QDialogButtonBox.StandardButton.Ok).text()
        cancel = bb.button(QDialogButtonBox.StandardButton.Cancel).text()
        assert HANGUL.search(ok) and HANGUL.search(cancel), (ok, cancel)
        dlg = QFileDialog(None, "t")
        dlg.setOption(QFileDialog.Option.DontUseNativeDialog)
        qtbot.addWidget(dlg)
        labels = [w.text() for w in dlg.findChildren(QLabel) if w.text()]
        assert any(HANGUL.search(t) for t in labels), labels
    finally:
        install_language("en")
