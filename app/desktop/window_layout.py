"""Wide and narrow layouts: three panes side by side, or the source pane as a tab beside the chat.

Why: at 1024×700 (a laptop with a docked panel) three panes left the chat ~160 px wide with a
question box of ~75 px. Below NARROW_PX the chat and the source share one tab widget, so the chat gets
the whole middle and a citation click turns to the Source tab; above it the panes are side by side
again. Moving a widget between the splitter and the tabs re-parents it; nothing is rebuilt.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QTabWidget

from sillok.app.desktop.i18n import tr

NARROW_PX = 1200
SIDEBAR_NARROW_PX = 290


class LayoutMixin:
    """Mixed into MainWindow (needs: splitter, sidebar, center (the chat or search), viewer)."""

    narrow = False

    def _init_layout(self) -> None:
        self.center_tabs = QTabWidget()
        self.center_tabs.setDocumentMode(True)
        self.center_tabs.hide()
        self.sidebar.setMinimumWidth(200)
        self.viewer.setMinimumWidth(220)
        self.center.setMinimumWidth(360)

    def _retranslate_layout(self) -> None:
        if self.narrow:
            self.center_tabs.setTabText(0, tr("Conversation"))
            self.center_tabs.setTabText(1, tr("Source"))

    def set_narrow(self, narrow: bool) -> None:
        if narrow == self.narrow:
            return
        self.narrow = narrow
        if narrow:
            self.center_tabs.addTab(self.center, tr("Conversation"))
            self.center_tabs.addTab(self.viewer, tr("Source"))
            self.splitter.insertWidget(1, self.center_tabs)
            self.center_tabs.show()  # (the tabs show their current page; showing the other would overlap it)
            total = max(self.splitter.width(), 800)
            side = min(SIDEBAR_NARROW_PX, total // 3)
            self.splitter.setSizes([side, total - side])
        else:
            self.splitter.insertWidget(1, self.center)
            self.splitter.insertWidget(2, self.viewer)
            self.center.show()
            self.viewer.show()
            self.center_tabs.hide()
            self.center_tabs.setParent(None)
            self.splitter.setSizes([360, 560, 440])
        self.sidebar.set_compact(narrow)

    def show_source_pane(self) -> None:
        """A citation was clicked: in the narrow layout, turn to the Source tab."""
        if self.narrow:
            self.center_tabs.setCurrentWidget(self.viewer)

    def resizeEvent(self, e: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(e)
        self.set_narrow(e.size().width() < NARROW_PX)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(800, 560)
