"""Screenshots of the window on a real X server, to be looked at (not compared): first run in English
and Korean, the narrow 1024×700 window, Korean failure messages, PDF zoom.

    xvfb-run -s "-screen 0 1400x900x24" .venv/bin/python scripts/screens.py OUT_DIR

Needs xvfb, imagemagick (`import`) and fonts-noto-cjk. Uses the real facade on a throw-away data folder
with documents from ../shared and made-up broken files; no language model is loaded.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.corpus import PDF_PAGES  # noqa: E402
from tests.support.pdf import broken_pdf, write_pdf  # noqa: E402


def wait(app: QApplication, cond: object, limit: float = 600) -> None:
    t = time.time()
    while not cond() and time.time() - t < limit:  # type: ignore[operator]
        app.processEvents()
        time.sleep(0.02)


def shot(app: QApplication, out: Path, name: str, settle: float = 0.6) -> None:
    t = time.time()
    while time.time() - t < settle:
        app.processEvents()
        time.sleep(0.02)
    subprocess.run(["import", "-window", "root", str(out / f"{name}.png")], check=True)
    print("wrote", out / f"{name}.png", flush=True)


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screens").resolve()
    out.mkdir(parents=True, exist_ok=True)
    from sillok.app.desktop.i18n import install_language
    from sillok.app.desktop.window import MainWindow
    from sillok.foundation.settings import load_settings

    app = QApplication([sys.argv[0]])
    tmp = Path(tempfile.mkdtemp(prefix="sillok-screens-"))
    docs = tmp / "docs"
    docs.mkdir()
    write_pdf(docs / "contract.pdf", PDF_PAGES)
    law = REPO.parent / "shared" / "eval" / "ko-statutes" / "docs" / "중재법.txt"
    if law.is_file():
        shutil.copy(law, docs / law.name)
    (docs / "broken.pdf").write_bytes(broken_pdf(b"1 0 obj << /Type /Catalog >>\nthis is not a pdf body\n"))
    (docs / "empty.txt").write_text("")
    (docs / "old-contract.hwp").write_bytes(b"HWP Document File V3.00 \x1a\x01\x02\x03\x04\x05" + b"\0" * 200)

    for lang in ("en", "ko"):
        home = tmp / f"home-{lang}"
        language = install_language(lang)
        w = MainWindow(load_settings(home=home), {"home": home}, language)
        w.resize(1280, 800)
        w.show()
        wait(app, lambda w=w: w.snapshot is not None)
        w.first_run(force=True)
        wait(app, lambda w=w: hasattr(w, "first_run_dialog"))
        shot(app, out, f"first-run-{lang}", 3.0)  # the GPU check runs on the worker meanwhile
        w.first_run_dialog.reject()
        if lang == "ko":  # Korean failure reasons and the Korean document list
            w.add_paths([str(docs)])
            wait(app, lambda w=w: w.ingest_panel.report is not None and not w.ingest_panel.running)
            wait(app, lambda w=w: len(w.sidebar.document_rows()) >= 4)
            shot(app, out, "korean-errors")
            w.resize(1024, 700)  # the narrow window, in Korean, with a PDF zoomed in
            from sillok.foundation.types import Citation

            w.ingest_panel.hide()
            w.set_mode("search")
            w.search_view.box.setText("중재 판정")
            w.search_view.go.click()
            wait(app, lambda w=w: bool(w.search_view.hits), 120)
            shot(app, out, "narrow-1024x700-search")
            w.show_citation(Citation(1, str((docs / "contract.pdf").resolve()), 2, None,
                                     "Either party may terminate this agreement by giving ninety days written notice.",
                                     "c", 0, 0))
            wait(app, lambda w=w: w.viewer.highlight_selected, 20)
            w.viewer.zoom(1)
            w.viewer.zoom(1)
            shot(app, out, "narrow-1024x700-pdf-zoom")
        w.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
