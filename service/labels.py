"""How a citation reads: "근로기준법 제56조 제1항", "민법 제750조", or "lease.pdf, p. 3".

Why a function of its own: the window, the CLI, JSON and the exports must name a source the same way,
and a lawyer cites a statute by law and article, not by file and page. A chunk stores its article as
the chunker found it ("제56조(연장·야간 및 휴일 근로) 제1항": heading in brackets, 항/호 where the chunk
starts); the quoted sentence often starts its own 항 ("② …") or a later article when touching chunks
were merged, so the quote refines the label.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sillok.foundation.types import Quote

ARTICLE_NO_RE = re.compile(r"(?:(부칙)\s*)?제\s*(\d+)\s*조(?:\s*의\s*(\d+))?")
PARA_RE = re.compile(r"제\s*(\d+)\s*항")
ITEM_RE = re.compile(r"제\s*(\d+)\s*호")
PARAGRAPH_MARK = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
QUOTE_ARTICLE_RE = re.compile(r"^\s*(?:부칙\s*)?제\s*\d+\s*조(?:\s*의\s*\d+)?")
QUOTE_ITEM_RE = re.compile(r"^\s*(\d{1,3})\.\s")


def law_name(title: str, source: str) -> str:
    """The statute's name: the document title when it is a short name, else the file name without suffix."""
    title = " ".join((title or "").split())
    if title and len(title) <= 60:
        return title
    return Path(str(source).replace("\\", "/")).stem


def lawyer_article(article: str, quote: str = "") -> str:
    """"제56조(연장·야간 및 휴일 근로) 제1항" → "제56조 제1항", refined by where the quote sits."""
    m = ARTICLE_NO_RE.search(article)
    if m is None:
        return article.strip()
    head_quote = QUOTE_ARTICLE_RE.match(quote or "")
    if head_quote:  # the quote is the start of an article (a merged hit reaching into the next one)
        m = ARTICLE_NO_RE.search(head_quote.group(0)) or m
        para = item = None
    else:
        pm, im = PARA_RE.search(article[m.end():]), ITEM_RE.search(article[m.end():])
        para, item = (pm.group(1) if pm else None), (im.group(1) if im else None)
        lead = (quote or "").lstrip()[:1]
        if lead and lead in PARAGRAPH_MARK:
            para, item = str(PARAGRAPH_MARK.index(lead) + 1), None
        elif (qi := QUOTE_ITEM_RE.match(quote or "")) and para:
            item = qi.group(1)
    label = ("부칙 " if m.group(1) else "") + f"제{m.group(2)}조" + (f"의{m.group(3)}" if m.group(3) else "")
    if para:
        label += f" 제{para}항"
        if item:
            label += f" 제{item}호"
    return label


def citation_label(source: str, page: int | None = None, article: str | None = None, title: str = "",
                   quote: str = "", page_word: str = "p.") -> str:
    """A statute chunk: law and article; anything else: file name and page (`page_word` "p." → "p. 3",
    "{0}쪽" → "3쪽")."""
    if article:
        return f"{law_name(title, source)} {lawyer_article(article, quote)}"
    name = Path(str(source).replace("\\", "/")).name
    if not page:
        return name
    return f"{name}, " + (page_word.format(page) if "{0}" in page_word else f"{page_word} {page}")


def cite(c: Any, page_word: str = "p.") -> str:
    """`citation_label` of a Citation, a Quote, a Hit or a stored citation dict. A Quote's own words
    are its quote ("⑤ …" → 제5항); a Hit's text is a whole window, so it refines nothing."""
    def get(name: str, default: Any = None) -> Any:
        return c.get(name, default) if isinstance(c, dict) else getattr(c, name, default)

    quote = c.text if isinstance(c, Quote) else str(get("quote", "") or "")
    return citation_label(str(get("source", "")), get("page"), get("article"), str(get("title", "") or ""),
                          quote, page_word)
