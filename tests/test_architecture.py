"""House rules that keep the layers honest (DESIGN.md): only app/ imports Qt; heavy imports are lazy.
And the tests' own: helpers shared between test modules live in tests/support (no test imports a
conftest or another test module; conftest files hold fixtures only), and there is one PDF writer."""

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


# ---- the tests' own house: shared helpers in tests/support, one PDF writer ----------------------

TESTS = REPO / "tests"
SUPPORT = "tests.support"
# Spelled in two parts so that this file does not itself hold what it looks for.
PDF_MARKS = ("%" + "PDF", "start" + "xref")


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(REPO).with_suffix("").parts)


def foreign_test_imports(source: str, module: str) -> list[str]:
    """What `source` (the file of dotted name `module`) imports from tests/ outside tests/support:
    a conftest, another test module, a test package. Relative imports are resolved against `module`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".")[: -node.level]
                base = ".".join([*package, *([base] if base else [])])
            names = [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            if (name == "tests" or name.startswith("tests.")) and not (
                name == SUPPORT or name.startswith(SUPPORT + ".")
            ):
                found.append(f"{module}: {name}")
    return found


def non_fixtures(source: str) -> list[str]:
    """Top-level functions and classes of a conftest that are neither fixtures nor pytest hooks."""
    out = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            out.append(node.name)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("pytest_"):
            if not any("fixture" in ast.unparse(d) for d in node.decorator_list):
                out.append(node.name)
    return out


def test_test_modules_share_helpers_only_through_tests_support() -> None:
    offenders = [hit for p in sorted(TESTS.rglob("*.py"))
                 for hit in foreign_test_imports(p.read_text(encoding="utf-8"), _module_name(p))]
    assert offenders == []


def test_conftest_files_hold_only_fixtures() -> None:
    offenders = {str(p.relative_to(REPO)): bad for p in sorted(TESTS.rglob("conftest.py"))
                 if (bad := non_fixtures(p.read_text(encoding="utf-8")))}
    assert offenders == {}


def test_one_pdf_writer() -> None:
    """Only tests/support/pdf.py writes PDF bytes (header, xref); every other test calls it."""
    writer = TESTS / "support" / "pdf.py"
    assert all(mark in writer.read_text(encoding="utf-8") for mark in PDF_MARKS)
    offenders = [str(p.relative_to(REPO)) for p in sorted(TESTS.rglob("*.py"))
                 if p != writer and any(mark in p.read_text(encoding="utf-8") for mark in PDF_MARKS)]
    assert offenders == []


def test_the_test_house_checks_bite() -> None:
    """Each way of sharing a helper outside tests/support is caught; tests/support itself is allowed."""
    bad = {
        "from tests.server.conftest import TOKEN": "tests.server.conftest.TOKEN",
        "from tests.conftest import shared_path": "tests.conftest.shared_path",
        "from tests.trust.test_remove_erases import MARKER": "tests.trust.test_remove_erases.MARKER",
        "import tests.desktop.conftest": "tests.desktop.conftest",
        "from tests import conftest": "tests.conftest",
        "from .conftest import build_pdf": "tests.loaders.conftest.build_pdf",
        "from ..answer.conftest import make_svc": "tests.answer.conftest.make_svc",
        "from . import test_pdf": "tests.loaders.test_pdf",
        "def f():\n    from tests.models.test_registry import _Server\n": "tests.models.test_registry._Server",
    }
    for source, name in bad.items():
        assert foreign_test_imports(source, "tests.loaders.test_x") == [f"tests.loaders.test_x: {name}"], source
    good = ("from tests.support.pdf import build_pdf\nfrom tests.support import paths\nimport tests.support.servers\n"
            "from ..support.erasure import MARKER\nfrom sillok.ingest.loaders import load\nimport pytest\n")
    assert foreign_test_imports(good, "tests.loaders.test_x") == []
    conftest = ("import pytest\nX = 1\n@pytest.fixture\ndef a(): ...\n@pytest.fixture(scope='session')\ndef b(): ...\n"
                "def pytest_configure(config): ...\ndef make_pdf(path): ...\nclass Server: ...\n")
    assert non_fixtures(conftest) == ["make_pdf", "Server"]
