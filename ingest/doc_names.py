"""Names by which a question can refer to a whole document ("Consider the Master Franchise Agreement;",
"근로기준법상 야간근로는…").

A clause never repeats its contract's name, so chunk-level retrieval cannot tell five "assignment" clauses
of five contracts apart; when the question names a document, retrieval is routed to it (see
sillok.service.retrieval). Names come from the loader's title, the file name, and title-like lines at the top of
the first page (short, mostly capitalised or a Markdown heading).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

MIN_LEN = 3
NOT_TITLE_KO = re.compile(r"^(?:제\s*\d+\s*조|[①-⑳]|\d+[.)]|[가-하][.)])")
# Titles set in capitals inside running text ("Exhibit 10.1 MASTER FRANCHISE AGREEMENT This …").
UPPER_RUN = re.compile(r"\b[A-Z][A-Z&\-]+(?:[ \t]+(?:[A-Z][A-Z&\-]+|AND|OF|FOR|THE))+\b")
GENERIC = frozenset({"agreement", "contract", "exhibit", "confidential", "table of contents", "draft"})


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[“”\"'’‘(),;:\[\]{}*_]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _title_like(line: str) -> bool:
    s = line.strip().lstrip("#").strip()
    if not (MIN_LEN <= len(s) <= 90) or not re.search(r"[A-Za-z\uac00-\ud7a3]", s):
        return False
    if line.lstrip().startswith("#"):
        return True
    letters = [c for c in s if c.isalpha()]
    upper = sum(c.isupper() for c in letters) / max(1, len(letters))
    if re.search(r"[\uac00-\ud7a3]", s):  # a short Korean line that is not an article or a sentence
        return len(s) <= 30 and not NOT_TITLE_KO.match(s) and not s.rstrip(".").endswith("다")
    return upper > 0.8


def document_names(path: Path, title: str, first_page: str) -> list[str]:
    """Normalised names for a document, longest first, without generic words alone."""
    names = {norm(title), norm(path.stem.replace("_", " "))}
    for line in first_page[:800].splitlines()[:12]:
        if _title_like(line):
            names.add(norm(line.lstrip("#")))
    for m in UPPER_RUN.finditer(first_page[:600]):
        if len(m.group(0).split()) <= 10:
            names.add(norm(m.group(0)))
    # The part of a file name after its last separator is often the plain name ("… Franchise Agreement").
    tail = re.split(r"[_\-–]", path.stem)[-1].strip()
    if tail:
        names.add(norm(tail))
    out = [n for n in names if len(n) >= MIN_LEN and n not in GENERIC and (" " in n or _is_hangul(n))]
    return sorted(out, key=len, reverse=True)


def _is_hangul(s: str) -> bool:
    return bool(re.search(r"[\uac00-\ud7a3]", s)) and len(s) >= 2


def named_in(query: str, names: dict[str, list[str]], max_docs: int = 5) -> list[str]:
    """doc_ids whose name appears in the query (longest names win; none if too many match)."""
    q = norm(query)
    hits: list[tuple[str, str]] = []
    for doc_id, doc_names in names.items():
        for n in doc_names:
            at = q.find(n)
            # Start at a word boundary: "민법" must not match inside "난민법".
            if at >= 0 and (at == 0 or not q[at - 1].isalnum()):
                hits.append((n, doc_id))
                break
    if not hits:
        return []
    # Drop names that are only part of a longer name also found ("development agreement" inside
    # "exclusive license and product development agreement").
    found = {n for n, _ in hits}
    keep = [(n, d) for n, d in hits if not any(n != m and n in m for m in found)]
    doc_ids = list(dict.fromkeys(d for _, d in keep))
    return doc_ids if len(doc_ids) <= max_docs else []
