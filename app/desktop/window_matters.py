"""The window's collection and document actions: rename, delete (with or without the conversations),
remove documents — each reported in words, and the source pane cleared when what it showed is gone.

The work is sillok.service.matters and the facade's remove, run on the worker; this module only asks
and tells (the confirmations are in the sidebar, which owns the list the person chose from).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox

from sillok.app.desktop.i18n import tr


def _plural(n: int, one: str, many: str) -> str:
    """The template for ``n`` (the caller formats it): both forms go through tr()."""
    return one if n == 1 else many


class MattersMixin:
    """Mixed into MainWindow (needs: worker, sidebar, viewer, collection, refresh, show_error)."""

    def _connect_matters(self) -> None:
        sb = self.sidebar
        sb.renameCollection.connect(self.rename_collection)
        sb.deleteCollection.connect(self.delete_collection)
        sb.removeDocuments.connect(self.remove_documents)

    def rename_collection(self, old: str, new: str) -> None:
        from sillok.service.matters import rename_collection

        def done(moved: int) -> None:
            self.statusBar().showMessage(tr("Renamed “{0}” to “{1}”; its conversations moved with it ({2}).")
                                         .format(old, new, moved), 10000)
            self.watcher.reload()  # its folders moved with it
            self.refresh(new)

        self.worker.submit(lambda s, j: rename_collection(s, old, new), done=done, error=self.show_error)

    def delete_collection(self, name: str, keep_conversations: bool = False) -> None:
        from sillok.service.matters import delete_collection

        def done(gone: Any) -> None:
            if gone.kept_as:
                text = tr("Deleted the collection “{0}” and its index. Its {1} conversation(s) were kept, "
                          "filed as “{2}” (shown in no collection).").format(name, gone.conversations, gone.kept_as)
            else:
                text = tr("Deleted the collection “{0}”, its index and its {1} conversation(s).").format(
                    name, gone.conversations)
            self.statusBar().showMessage(text, 15000)
            self.last_report = text
            if name == self.collection:
                self.new_conversation()
                self.viewer.clear()
            self.watcher.reload()  # its folders are no longer watched
            self.refresh()
            QMessageBox.information(self, tr("Delete collection"), text)

        self.worker.submit(lambda s, j: delete_collection(s, name, keep_conversations), done=done,
                           error=self.show_error)

    def remove_documents(self, sources: list[str]) -> None:
        coll = self.collection

        def run(s: Any, j: Any) -> int:
            return sum(s.remove(src, coll) for src in sources)

        def done(n: int | None) -> None:
            names = ", ".join(Path(x).name for x in sources[:3]) + (" …" if len(sources) > 3 else "")
            text = _plural(n or 0, tr("Removed {0} document from “{1}”: {2}"),
                          tr("Removed {0} documents from “{1}”: {2}")).format(n or 0, coll, names)
            self.statusBar().showMessage(text, 15000)
            self.last_report = text
            if self.viewer.path is not None and str(self.viewer.path) in sources:
                self.viewer.clear()
            self.refresh()

        self.worker.submit(run, done=done, error=self.show_error)
