"""The import contract (ARCHITECTURE.md): layers import downwards only, ingest and models never import each
other, no import cycle between modules (lazy imports inside functions included), no product module over
500 lines, and the wheel's only import root is `sillok`. `make test` runs this, so a wrong-way import
fails the build.

Why a test of our own rather than import-linter: the layers live in top-level folders mapped under
`sillok` by pyproject's package-dir, and lazy imports inside functions must count too; reading the
files with `ast` sees both, with no second configuration to keep in step.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from tests.support.paths import REPO

LAYERS = {"foundation": 0, "ingest": 1, "models": 1, "service": 2, "app": 3}  # folder → rank
PEERS_APART = {("ingest", "models"), ("models", "ingest")}
# app/ talks to the service layer only (the facade, and service.model_admin for model files and formats)
APP_MAY_IMPORT = {"app", "service", "foundation"}
MAX_LINES = 500


def imports_of(source: str, known: set[str]) -> set[str]:
    """Every `sillok.*` module `source` imports, at top level or inside functions."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        out |= {n for n in names if n in known}
    return out


def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in LAYERS:
        for p in (REPO / folder).rglob("*.py"):
            name = ".".join(("sillok", *p.relative_to(REPO).with_suffix("").parts))
            found[name.removesuffix(".__init__")] = p
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {m: imports_of(p.read_text(encoding="utf-8"), set(mods)) - {m} for m, p in mods.items()}


def wrong_way(edges: dict[str, set[str]]) -> list[str]:
    out = []
    for src, targets in edges.items():
        for dst in targets:
            a, b = src.split(".")[1], dst.split(".")[1]
            if a != b and (LAYERS[b] >= LAYERS[a] or (a, b) in PEERS_APART
                           or (a == "app" and b not in APP_MAY_IMPORT)):
                out.append(f"{src} imports {dst}")
    return sorted(out)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(edges.get(w, ())))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    x = stack.pop()
                    on.discard(x)
                    comp.append(x)
                    if x == v:
                        break
                if len(comp) > 1:
                    found.append(sorted(comp))
    return found


def test_layers_import_downwards_only() -> None:
    assert wrong_way(graph()) == []


def test_no_import_cycles_lazy_imports_included() -> None:
    assert cycles(graph()) == []


def test_the_checks_bite() -> None:
    """A wrong-way import, a peer import and a lazy cycle are each caught (the contract can fail)."""
    known = {"sillok.ingest.pipeline", "sillok.models.embedding", "sillok.service.facade", "sillok.foundation.types"}
    lazy = "def f():\n    from sillok.service.facade import Sillok\n"
    assert imports_of(lazy, known) == {"sillok.service.facade"}
    edges = {"sillok.foundation.types": {"sillok.service.facade"},
             "sillok.ingest.pipeline": {"sillok.models.embedding"},
             "sillok.service.facade": {"sillok.foundation.types"}, "sillok.models.embedding": set()}
    assert wrong_way(edges) == ["sillok.foundation.types imports sillok.service.facade",
                                "sillok.ingest.pipeline imports sillok.models.embedding"]
    assert cycles(edges) == [["sillok.foundation.types", "sillok.service.facade"]]
    assert wrong_way({"sillok.app.cli": {"sillok.models.registry", "sillok.service.facade"}}) == [
        "sillok.app.cli imports sillok.models.registry"]


def test_no_product_module_over_500_lines() -> None:
    long = {str(p.relative_to(REPO)): n for p in modules().values()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_the_wheel_installs_one_import_root() -> None:
    """Every package folder is listed under `sillok` in pyproject.toml, and nothing else is."""
    tool = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(tool["packages"])
    assert all(p == "sillok" or p.startswith("sillok.") for p in listed)
    mapped = tool["package-dir"]
    assert set(mapped) == {"sillok", *(f"sillok.{f}" for f in LAYERS)}
    on_disk = {"sillok"} | {
        ".".join(("sillok", *d.relative_to(REPO).parts))
        for folder in LAYERS for d in [REPO / folder, *(REPO / folder).rglob("*")]
        if d.is_dir() and (d / "__init__.py").is_file()
    }
    assert listed == on_disk
