"""A small real collection (pubmedqa abstracts + one Korean statute) ingested once for the answer tests.

Real Chroma, real embedding model, real SmolLM2 (the bundled default), temperature 0. Answers are
kept short (max_answer_tokens) and sources few (top_k) so the whole directory runs in about a minute.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "eval"
PUBMED = ["10135926", "10158597", "10173769", "10201555", "10223070", "10331115"]
STATUTE = "가등기담보 등에 관한 법률.md"


@pytest.fixture(scope="session")
def docs() -> list[Path]:
    files = [SHARED / "pubmedqa" / "docs" / f"pmid-{p}.txt" for p in PUBMED]
    files.append(SHARED / "ko-statutes" / "docs" / STATUTE)
    missing = [f for f in files if not f.is_file()]
    if missing:
        pytest.skip(f"evaluation documents not found beside the repo ({missing[0]})")
    return files


@pytest.fixture(scope="session")
def home(tmp_path_factory: pytest.TempPathFactory, docs: list[Path]) -> Path:
    from sillok.service.facade import Sillok

    home = tmp_path_factory.mktemp("answer-home")
    report = Sillok(home=home).ingest(docs)
    assert not report.failed, report.failed
    return home


def make_svc(home: Path, **overrides: object):
    from sillok.service.facade import Sillok

    return Sillok(home=home, top_k=3, max_answer_tokens=48, **overrides)


@pytest.fixture(scope="session")
def svc(home: Path):
    """Shared instance: SmolLM2 is loaded once by its holder and reused by every test."""
    return make_svc(home)
