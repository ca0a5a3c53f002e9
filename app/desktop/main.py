"""`sillok-desktop` / `python -m app`: open the window fast, load everything else on the worker.

Only Qt, pydantic settings and the window's own modules are imported here; torch, chromadb and
llama_cpp are imported on the worker thread when first needed (check: `python -X importtime -m app`).
SILLOK_EXIT_AFTER_SHOW=1 prints one JSON line when the window is first shown and quits (bench).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path


def process_age_s() -> float:
    """Seconds since this process started (bench: time to a visible window)."""
    try:
        import psutil

        return time.time() - psutil.Process().create_time()
    except ImportError:
        ticks = os.sysconf("SC_CLK_TCK")
        start = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19]) / ticks
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return uptime - start


def rss_mb() -> float:
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sillok-desktop", description="Sillok — the desktop window")
    parser.add_argument("--data-dir", type=Path, help="data folder (default: the OS user data folder)")
    parser.add_argument("--lang", choices=["ko", "en"], help="UI language (default: saved, else the system's)")
    args, qt_args = parser.parse_known_args(sys.argv[1:] if argv is None else argv)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:  # Qt aborts the process when its platform plugin cannot load
        from sillok.app.desktop.platform_check import prepare

        problem = prepare()
        if problem:
            print(problem, file=sys.stderr)
            return 2

    from sillok.app.desktop.i18n import install_language
    from sillok.app.desktop.window import MainWindow
    from sillok.foundation.errors import SillokError
    from sillok.foundation.settings import load_settings

    app = QApplication.instance() or QApplication([sys.argv[0], *qt_args])
    app.setApplicationName("Sillok")
    app.setOrganizationName("Sillok")
    flags = {"home": args.data_dir}
    try:
        settings = load_settings(**flags)
    except SillokError as e:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "Sillok", str(e))
        return 2
    prefs = settings.user_values()
    language = install_language(args.lang or prefs.get("ui_language", ""))
    if isinstance(prefs.get("ui_font_pt"), int | float):
        font = app.font()
        font.setPointSizeF(float(prefs["ui_font_pt"]))
        app.setFont(font)
    window = MainWindow(settings, flags, language)
    window.show()
    if not os.environ.get("SILLOK_EXIT_AFTER_SHOW"):  # once per data folder: what the bundled model can do
        QTimer.singleShot(0, window.first_run)
    if os.environ.get("SILLOK_EXIT_AFTER_SHOW"):
        def report() -> None:
            print(json.dumps({"visible_s": round(process_age_s(), 3), "rss_mb": round(rss_mb(), 1),
                              "platform": app.platformName(),
                              "heavy_modules": sorted(m for m in ("torch", "chromadb", "llama_cpp",
                                                                  "sentence_transformers") if m in sys.modules)}),
                  flush=True)
            window.close()
            app.quit()

        QTimer.singleShot(0, report)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
