"""Which shared evaluation documents (../shared/eval) the answer tests use, named once."""

from __future__ import annotations

# pubmedqa abstracts (docs/pmid-<id>.txt); the first one answers "What was the mean time required for
# in-flight intubation?"
PUBMED = ["10135926", "10158597", "10173769", "10201555", "10223070", "10331115"]
STATUTE = "가등기담보 등에 관한 법률.md"  # one Korean statute (ko-statutes/docs)
