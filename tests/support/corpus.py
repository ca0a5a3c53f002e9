"""Which shared evaluation documents (../shared/eval) the answer tests use, named once."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.paths import shared_path

# pubmedqa abstracts (docs/pmid-<id>.txt); the first one answers "What was the mean time required for
# in-flight intubation?"
PUBMED = ["10135926", "10158597", "10173769", "10201555", "10223070", "10331115"]
QUESTION = "What was the mean time required for in-flight intubation?"  # answered by PUBMED[0]
GOLD = "pmid-10135926.txt"
STATUTE = "가등기담보 등에 관한 법률.md"  # one Korean statute (ko-statutes/docs)

# A contract PDF of three pages (tests/desktop): the termination clause on page 2.
PDF_PAGES = [
    ["MASTER SERVICES AGREEMENT", "This agreement is made between Hanbit Clinic and Daon Software.",
     "Section 1 describes the services: hosting of the patient record system.",
     "The vendor shall keep all records on servers located in Seoul."],
    ["Section 7. Termination.", "Either party may terminate this agreement by giving ninety days written notice.",
     "The vendor must return all patient records within thirty days after termination.",
     "Fees paid in advance for the remaining term are refunded pro rata."],
    ["Section 9. Governing law.", "This agreement is governed by the laws of the Republic of Korea.",
     "Disputes go to the Seoul Central District Court."],
]


def copy_pubmed(dest: Path, others: int) -> Path:
    """`dest` holding GOLD plus the first `others` pubmedqa abstracts by name (a small real corpus)."""
    dest.mkdir(parents=True, exist_ok=True)
    src = shared_path("eval", "pubmedqa", "docs")
    for name in [GOLD, *sorted(p.name for p in src.iterdir())[:others]]:
        shutil.copy(src / name, dest / name)
    return dest
