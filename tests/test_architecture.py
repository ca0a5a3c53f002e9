"""House rules that keep the layers honest (DESIGN.md): only app/ imports Qt; heavy imports are lazy."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
QT = ("PySide6", "PyQt5", "PyQt6", "shiboken6")
HEAVY = ("torch", "sentence_transformers", "chromadb", "llama_cpp", "kiwipiepy", "transformers")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_app_imports_qt() -> None:
    offenders = [
        str(p.relative_to(REPO))
        for pkg in ("foundation", "service", "ingest", "models", "bench")
        for p in (REPO / pkg).rglob("*.py")
        if _imports(p) & set(QT)
    ]
    assert offenders == []


def test_cli_help_and_facade_import_stay_light() -> None:
    code = (
        "import sys, sillok.service.facade, sillok.app.cli\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == ""


def test_no_module_reads_environment_outside_settings() -> None:
    # privacy.py exists to force telemetry/tracing variables off; nothing else may read or set them.
    allowed = {"foundation/settings.py", "foundation/privacy.py", "models/embedding.py", "models/gpu.py", "models/build_flags.py"}
    offenders = []
    for pkg in ("foundation", "service", "ingest"):
        for p in (REPO / pkg).rglob("*.py"):
            rel = str(p.relative_to(REPO))
            if rel not in allowed and "os.environ" in p.read_text(encoding="utf-8"):
                offenders.append(rel)
    assert offenders == []
