"""A cited memo: an answer (or a whole conversation) as a Word document whose citations are footnotes.

Why real footnotes: a lawyer or a clinician files a memo, and the reader of a memo expects each claim's
source at the foot of the page (law and article, or file and page, and the words quoted), not a list of
bracketed numbers. python-docx has no footnote API, so the footnotes part is written here with its
XML (WordprocessingML `w:footnotes`: the two separator notes Word expects, then one `w:footnote` per
reference, referenced from the text by `w:footnoteReference`), related from the document part, listed
in settings (`w:footnotePr`, at its place in the schema's order) and styled with the built-in style ids
"FootnoteText"/"FootnoteReference", so Word and LibreOffice open it as their own. The footnote
libraries on PyPI are forks of python-docx (a second copy of the same package) or unmaintained.

The text is what the conversation keeps: identifiers already masked. `[n]` markers become footnote
references; a source cited again gets a short note pointing back at its first one.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sillok.service.citations import markers
from sillok.service.labels import cite

FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
FOOTNOTES_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
# Settings children that come after w:footnotePr in CT_Settings (ECMA-376 17.15.1.78): insert before the first.
_AFTER_FOOTNOTE_PR = ("endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema", "themeFontLang",
                      "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
                      "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary",
                      "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")
_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BOLD = re.compile(r"\*\*(?=\S)([^*\n]+?)(?<=\S)\*\*")  # "**x**", never a masked "010-****-5678"

LABELS = {
    "en": {"title": "Memo", "question": "Question", "answer": "Answer", "sources": "Sources", "p.": "p.",
           "see": "see note {0}",
           "date": "Prepared {0} with Sillok from the office's own documents."},
    "ko": {"title": "메모", "question": "질문", "answer": "답변", "sources": "출처", "p.": "{0}쪽",
           "see": "각주 {0} 참조",
           "date": "{0} Sillok이 사무실 문서에서 작성함."},
}


@dataclass
class MemoTurn:
    """One question and its answer with the citations (sillok.foundation.types.Citation or stored dicts)."""

    question: str
    answer: str
    citations: list[Any] = field(default_factory=list)


def _lang(turns: Sequence[MemoTurn]) -> str:
    text = " ".join(t.question for t in turns)
    return "ko" if re.search(r"[\uac00-\ud7a3]", text) else "en"


def _get(c: Any, name: str, default: Any = None) -> Any:
    return c.get(name, default) if isinstance(c, dict) else getattr(c, name, default)


def _clean(text: str) -> str:
    return _XML_BAD.sub("", unicodedata.normalize("NFC", text or ""))


def footnote_text(c: Any, page_word: str = "p.") -> str:
    """"근로기준법 제56조 제1항 (근로기준법.md). “① 사용자는 …”" / "lease.pdf, p. 3. “…”"."""
    label = cite(c, page_word)
    source = str(_get(c, "source", ""))
    name = Path(source.replace("\\", "/")).name
    if _get(c, "article") and name:
        label = f"{label} ({cite(dict(source=source, page=_get(c, 'page')), page_word)})"
    quote = " ".join(str(_get(c, "quote", "") or "").split())
    return f"{label}. “{quote}”" if quote else f"{label}."


class _Notes:
    """The footnotes being collected: id → text, and which source number got which first note."""

    def __init__(self, page_word: str, see: str) -> None:
        self.items: list[str] = []
        self.first: dict[tuple[int, str], int] = {}  # (turn, chunk/source key) → note id
        self.page_word, self.see = page_word, see

    def add(self, key: tuple[int, str], c: Any) -> int:
        if key in self.first:
            self.items.append(f"{cite(c, self.page_word)}; {self.see.format(self.first[key])}.")
        else:
            self.items.append(footnote_text(c, self.page_word))
            self.first[key] = len(self.items)
        return len(self.items)


def _add_text(paragraph: Any, text: str) -> None:
    at = 0
    for m in _BOLD.finditer(text):
        if m.start() > at:
            paragraph.add_run(_clean(text[at:m.start()]))
        paragraph.add_run(_clean(m.group(1))).bold = True
        at = m.end()
    if at < len(text):
        paragraph.add_run(_clean(text[at:]))


def _footnote_ref(paragraph: Any, note_id: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    rpr = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "FootnoteReference")
    rpr.append(style)
    run._r.append(rpr)
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), str(note_id))
    run._r.append(ref)


def _answer_paragraphs(doc: Any, turn_no: int, t: MemoTurn, notes: _Notes) -> None:
    by_n = {int(_get(c, "n", 0)): c for c in t.citations}
    text = unicodedata.normalize("NFKC", t.answer or "").strip()
    for block in re.split(r"\n\s*\n", text):
        for line in block.split("\n"):
            if not line.strip():
                continue
            bullet = re.match(r"^\s*(?:[-•]|\d+[.)])\s+", line)
            p = doc.add_paragraph(style="List Bullet" if bullet and line.lstrip()[:1] in "-•" else None)
            body = line[bullet.end():] if bullet and line.lstrip()[:1] in "-•" else line.strip()
            at = 0
            for start, end, found in markers(body, max(by_n, default=0), parens=False):
                nums = [n for n in found if n in by_n]
                if not nums:
                    continue
                _add_text(p, body[at:start].rstrip())
                for n in nums:
                    _footnote_ref(p, notes.add((turn_no, f"#{n}"), by_n[n]))
                at = end
            _add_text(p, body[at:])


def _ensure_styles(doc: Any, lang: str) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    names = {s.name for s in doc.styles}
    if "Footnote Text" not in names:
        st = doc.styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = doc.styles["Normal"]
        st.font.size = Pt(9)
        st.paragraph_format.space_after = Pt(0)
    if "Footnote Reference" not in names:
        st = doc.styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
        st.font.superscript = True
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), "Malgun Gothic")  # 맑은 고딕 where Word runs; LibreOffice substitutes a CJK font
    lang_el = doc.settings.element.find(qn("w:themeFontLang"))
    if lang_el is not None:
        lang_el.set(qn("w:eastAsia"), "ko-KR" if lang == "ko" else "en-US")


def _footnotes_part(doc: Any, notes: list[str]) -> None:
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import OxmlElement
    from docx.oxml.ns import nsdecls, qn
    from lxml import etree

    root = etree.fromstring(f"<w:footnotes {nsdecls('w', 'r')}/>")

    def note(note_id: int, kind: str | None) -> Any:
        el = OxmlElement("w:footnote")
        if kind:
            el.set(qn("w:type"), kind)
        el.set(qn("w:id"), str(note_id))
        root.append(el)
        p = OxmlElement("w:p")
        el.append(p)
        return p

    for note_id, kind, mark in ((-1, "separator", "w:separator"), (0, "continuationSeparator",
                                                                   "w:continuationSeparator")):
        p = note(note_id, kind)
        ppr = OxmlElement("w:pPr")
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:after"), "0")
        ppr.append(spacing)
        p.append(ppr)
        r = OxmlElement("w:r")
        r.append(OxmlElement(mark))
        p.append(r)
    for i, text in enumerate(notes, 1):
        p = note(i, None)
        ppr = OxmlElement("w:pPr")
        pstyle = OxmlElement("w:pStyle")
        pstyle.set(qn("w:val"), "FootnoteText")
        ppr.append(pstyle)
        p.append(ppr)
        r = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        rstyle = OxmlElement("w:rStyle")
        rstyle.set(qn("w:val"), "FootnoteReference")
        rpr.append(rstyle)
        r.append(rpr)
        r.append(OxmlElement("w:footnoteRef"))
        p.append(r)
        r2 = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        t.text = " " + _clean(text)
        r2.append(t)
        p.append(r2)
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_CT, blob, doc.part.package)
    doc.part.relate_to(part, FOOTNOTES_RT)
    settings = doc.settings.element
    if settings.find(qn("w:footnotePr")) is None:
        pr = OxmlElement("w:footnotePr")
        for special in (-1, 0):
            fn = OxmlElement("w:footnote")
            fn.set(qn("w:id"), str(special))
            pr.append(fn)
        after = next((c for c in settings if etree.QName(c).localname in _AFTER_FOOTNOTE_PR), None)
        if after is not None:
            after.addprevious(pr)
        else:
            settings.append(pr)


def write_memo(path: str | Path, turns: Sequence[MemoTurn], title: str | None = None,
               lang: str | None = None) -> Path:
    """Write the memo (.docx) and return its path. `lang` "ko"/"en" (default: from the questions)."""
    import docx

    if not turns:
        from sillok.foundation.errors import SillokError

        raise SillokError("nothing to export: the conversation has no answered question")
    lang = lang or _lang(turns)
    words = LABELS.get(lang, LABELS["en"])
    doc = docx.Document()
    _ensure_styles(doc, lang)
    doc.core_properties.title = _clean(title or turns[0].question)[:200]
    doc.add_heading(_clean(title or words["title"]), level=0)
    doc.add_paragraph().add_run(words["date"].format(_dt.date.today().isoformat())).italic = True
    notes = _Notes(words["p."], words["see"])
    for i, t in enumerate(turns):
        doc.add_heading(f"{words['question']}" + (f" {i + 1}" if len(turns) > 1 else ""), level=1)
        doc.add_paragraph(_clean(t.question))
        doc.add_heading(words["answer"], level=2)
        _answer_paragraphs(doc, i, t, notes)
    _footnotes_part(doc, notes.items)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def read_footnotes(path: str | Path) -> list[str]:
    """The footnote texts of a .docx (separators left out): what a test or a reader reads back."""
    import docx
    from docx.oxml.ns import qn
    from lxml import etree

    doc = docx.Document(str(path))
    for rel in doc.part.rels.values():
        if rel.reltype == FOOTNOTES_RT:
            root = etree.fromstring(rel.target_part.blob)
            return ["".join(t.text or "" for t in fn.iter(qn("w:t"))).strip()
                    for fn in root.iter(qn("w:footnote")) if fn.get(qn("w:type")) is None]
    return []


def conversation_turns(svc: Any, conversation_id: str) -> list[MemoTurn]:
    """The stored turns of a conversation (masked as kept) that found an answer; SillokError for an unknown id."""
    store = svc.conversations()
    store.get(conversation_id)
    return [MemoTurn(t.question, t.answer, list(t.citations)) for t in store.turns(conversation_id)
            if t.answer and t.found]


def markdown(turns: Sequence[MemoTurn], lang: str | None = None) -> str:
    """The same memo as Markdown (the export that stays): answer, then the numbered sources with quotes."""
    words = LABELS.get(lang or _lang(turns), LABELS["en"])
    out: list[str] = []
    for t in turns:
        out += [f"# {t.question}", "", (t.answer or "").strip(), ""]
        if t.citations:
            out += [f"## {words['sources']}", ""]
            for c in t.citations:
                quote = " ".join(str(_get(c, "quote", "") or "").split())
                out.append(f"[{_get(c, 'n')}] {cite(c, words['p.'])} — {_get(c, 'source')}"
                           + (f"\n    > {quote}" if quote else ""))
            out.append("")
    return "\n".join(out).rstrip() + "\n"
