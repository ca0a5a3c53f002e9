"""A medical chart carrying a unique marker, and a raw-byte scan of a data folder for it: what the
"removing a document erases its text" tests (tests/trust) build on."""

from __future__ import annotations

from pathlib import Path

MARKER = "ZEBRAQUARTZ-1234 환자기록"


def data_files(home: Path) -> list[Path]:
    """Every file under the data folder, sorted."""
    return sorted(p for p in home.rglob("*") if p.is_file())


def holding(home: Path, needle: bytes, *, lower: bool = False, skip_audit: bool = True) -> list[str]:
    """The files under `home` whose raw bytes contain `needle` (as "name (size bytes)"); `lower` matches
    case-insensitively; the audit folder (metadata by design) is skipped unless `skip_audit` is False."""
    found = []
    for p in data_files(home):
        if skip_audit and p.parent.name == "audit":
            continue
        data = p.read_bytes()
        if needle in (data.lower() if lower else data):
            found.append(f"{p.relative_to(home)} ({len(data)} bytes)")
    return found


def marked_docs(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Two documents under tmp_path/docs: a chart that alone holds MARKER, and a contract to keep.
    Returns (the data folder to use, the chart, the contract)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    chart = docs / "chart-0001.md"
    chart.write_text(
        "# 진료 기록\n\n" + "환자 상태는 안정적이며 투약을 계속한다. " * 20
        + f"\n\n식별자 {MARKER} 는 이 문서에만 있다. The patient identifier {MARKER} appears only here.\n",
        encoding="utf-8",
    )
    keep = docs / "contract.md"
    keep.write_text("# 용역 계약서\n\n" + "제1조(목적) 이 계약은 용역의 범위를 정한다. " * 30, encoding="utf-8")
    return tmp_path / "home", chart, keep
