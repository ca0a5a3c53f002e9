"""How one finished answer reads in the conversation (issue 13): the documents' own words first.

Why its own module: the chat widget (chat_view.py) streams and routes clicks; this module only turns an
answer's parts into the transcript's Markdown, with small raw-HTML blocks where Markdown has no words for
it (Qt's Markdown reader passes inline and block HTML through):

- quotes: each a block with a coloured left rule, the sentence in “…”, and its label (file and page, or
  law and article) as a link that opens the source at its page with that sentence highlighted;
- a refusal (found is False): a plain sentence that the documents do not answer this, then the closest
  passages to read (clickable), and the model's guess, if any, only behind a collapsed toggle that says
  it is not from the documents;
- uncited sentences of a found answer in grey with a small "uncited" mark;
- a notice (e.g. the model cannot write the question's language) as a banner with a link to
  Settings → Download.

Links use their own schemes (quote:, near:, guess:, download:), which ChatView routes.
"""

from __future__ import annotations

import html
import re
from typing import Any

from sillok.app.desktop.i18n import tr
from sillok.app.desktop.reasons import reason_text
from sillok.service.labels import citation_label

RULE = "#c9a227"  # the quotes' left rule: the documents' words
NOTICE_BG, NOTICE_RULE = "#fff4d6", "#e0a800"
GREY = "#7a7a7a"
SNIPPET = 220  # characters of a closest passage shown in the transcript (the viewer shows it whole)
# A notice that points at a model to download gets the Settings → Download link.
DOWNLOAD_HINT = re.compile(r"download|model|다운로드|모델", re.I)


def label(c: Any) -> str:
    """"lease.pdf, p. 3" / "근로기준법 제56조 제1항" for a Citation (a quote's or a closest passage's)."""
    return citation_label(str(c.source), c.page, c.article, str(getattr(c, "title", "") or ""),
                          str(c.quote or ""), tr("p. {0}"))


def snippet(text: str, limit: int = SNIPPET) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


QUOTE_LINE_RE = re.compile(r"^\s*“(.*)”(?:\s*\[\d{1,3}\])*\s*$")


def text_is_quotes(text: str, quotes: list[Any]) -> bool:
    """True when the answer's text is only its quotes again ("“…” [1]" a line: the answer given when no
    model can write the question's language); the quote blocks already show them, so the text is not
    repeated under them."""
    said = {" ".join(str(getattr(q, "text", "")).split()) for q in quotes}
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and all((m := QUOTE_LINE_RE.match(line)) and " ".join(m.group(1).split()) in said
                               for line in lines)


def md_text(text: str) -> str:
    """Plain text safe inside Markdown (and inside the inline HTML spans used here)."""
    return re.sub(r"([\\`*_\[\]#|])", r"\\\1", html.escape(" ".join(text.split()), quote=False))


def quotes_block(i: int, quotes: list[Any]) -> str:
    """The quotes: a Markdown heading line, then one HTML table each (a thin coloured cell as the left
    rule, then the sentence and its label). Block-level HTML only as tables: Qt merges a raw <p> into
    the block before it. No blank line inside: it would end Markdown's HTML block."""
    if not quotes:
        return ""
    rows = [f"**{md_text(tr('From your documents'))}**", ""]
    for j, c in enumerate(quotes):
        text = html.escape(" ".join(str(c.quote).split()))
        rows.append(
            f'<table width="100%" cellspacing="0" cellpadding="4" style="margin-top:4px; margin-bottom:4px;">'
            f'<tr><td width="4" bgcolor="{RULE}"></td>'
            f'<td style="padding-left:8px;"><p style="margin:0px;">“{text}”</p>'
            f'<p style="margin:0px;"><a href="quote:{i}-{j}">{html.escape(label(c))}</a></p></td></tr></table>')
    return "\n".join(rows)


def notice_block(i: int, notice: str) -> str:
    """The notice as a banner, in the window's language where it is a known message (reasons.py)."""
    if not notice.strip():
        return ""
    text = html.escape(reason_text(notice))
    link = ""
    if DOWNLOAD_HINT.search(notice):
        link = f'<p style="margin:0px;"><a href="download:{i}">{html.escape(tr("Open Settings → Download…"))}</a></p>'
    return (f'<table width="100%" cellspacing="0" cellpadding="6" bgcolor="{NOTICE_BG}">'
            f'<tr><td width="4" bgcolor="{NOTICE_RULE}"></td>'
            f'<td><p style="margin:0px;">⚠ {text}</p>{link}</td></tr></table>')


def refusal_block(i: int, closest: list[Any], guess: str, show_guess: bool) -> str:
    """found is False: say so plainly, list the closest passages, keep the model's guess folded away."""
    parts = [f"**{md_text(tr('Your documents do not answer this question.'))}**"]
    if closest:
        parts.append(md_text(tr("The closest passages, to read yourself:")))
        parts.append("\n".join(
            f'- [{md_text(label(c))}](near:{i}-{j}) <span style="color:{GREY};">— {md_text(snippet(str(c.quote)))}</span>'
            for j, c in enumerate(closest)))
    else:
        parts.append(md_text(tr("No passage came close.")))
    parts.append(guess_block(i, guess, show_guess))
    return "\n\n".join(p for p in parts if p)


def guess_block(i: int, guess: str, show_guess: bool) -> str:
    """The model's unverified words, folded away (a refusal, or quotes standing in for an unchecked answer)."""
    if not guess.strip():
        return ""
    arrow = "▾" if show_guess else "▸"
    parts = [f"[{arrow} {md_text(tr('Model’s guess — not from your documents'))}](guess:{i})"]
    if show_guess:
        parts.append(f'> <span style="color:{GREY};">*{md_text(guess)}*</span>')
        parts.append(f'> <span style="color:{GREY};">{md_text(tr("Not checked against your documents; do not rely on it."))}</span>')
    return "\n\n".join(parts)


def mark_uncited(body: str, uncited: list[str]) -> str:
    """Each uncited sentence of the (Markdown) body in grey with a small "uncited" mark after it."""
    mark = html.escape(tr("uncited"))
    for sentence in uncited:
        s = sentence.strip()
        at = body.find(s) if s else -1
        if at < 0:
            continue
        wrapped = (f'<span style="color:{GREY};">{s}</span>'
                   f'<sup><span style="color:#b06000;"> {mark}</span></sup>')
        body = body[:at] + wrapped + body[at + len(s):]
    return body
