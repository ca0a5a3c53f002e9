"""Real-looking tabular documents (a lab results panel inside a discharge note, a Korean fee schedule),
written as PDF (ruled tables, text layer), DOCX, HWPX and HTML for the table tests (issue 15, part 5).

A document is a list of items: a paragraph (str), a heading ("# ..."), or a table (rows of cells, the
first row the header). The same items go to every format, so the tests can ask each loader for the
same Markdown table.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from tests.support.hwpx import hwpx_para, hwpx_table, write_hwpx
from tests.support.pdf import build_layout_pdf

Item = str | list[list[str]]

LAB_HEADER = ["Test", "Result", "Unit", "Reference range", "Flag"]
LAB_PANEL = [
    LAB_HEADER,
    ["Glucose, fasting", "131", "mg/dL", "70-99", "H"],
    ["Hemoglobin A1c", "7.2", "%", "4.0-5.6", "H"],
    ["Creatinine", "0.9", "mg/dL", "0.6-1.2", ""],
    ["eGFR", "88", "mL/min/1.73m2", "> 60", ""],
    ["Sodium", "139", "mmol/L", "135-145", ""],
    ["Potassium", "4.1", "mmol/L", "3.5-5.1", ""],
    ["ALT", "42", "U/L", "7-40", "H"],
    ["AST", "30", "U/L", "8-40", ""],
    ["Total cholesterol", "212", "mg/dL", "< 200", "H"],
    ["LDL cholesterol", "138", "mg/dL", "< 130", "H"],
    ["HDL cholesterol", "45", "mg/dL", "> 40", ""],
    ["Triglycerides", "160", "mg/dL", "< 150", "H"],
    ["TSH", "2.1", "mIU/L", "0.4-4.0", ""],
]
LAB_ROW = "| Hemoglobin A1c | 7.2 | % | 4.0-5.6 | H |"

# The discharge note around the panel: prose long enough that the panel is not the whole document.
DISCHARGE_NOTE: list[Item] = [
    "# Discharge summary",
    "Patient: Jordan Lee, 58 years. Admitted 2024-03-04 with dizziness and blurred vision; discharged "
    "2024-03-07 in stable condition. Known type 2 diabetes on metformin 1000 mg twice daily, hypertension "
    "on amlodipine 5 mg daily. No known drug allergies.",
    "Hospital course: blood pressure was controlled within 24 hours. Ophthalmology review found mild "
    "non-proliferative retinopathy without macular oedema. Dizziness resolved with hydration. Diet "
    "counselling was given by the ward dietitian; the patient was taught home glucose monitoring.",
    "# Laboratory results (2024-03-05, fasting)",
    LAB_PANEL,
    "# Plan",
    "Continue metformin; add empagliflozin 10 mg daily. Atorvastatin 20 mg at night for the lipid "
    "profile. Repeat renal function in four weeks and glycated haemoglobin in three months. Follow up "
    "in the diabetes clinic in two weeks; return sooner for chest pain, fainting or vomiting.",
]

FEE_HEADER = ["항목", "수가 코드", "금액(원)", "비고"]
FEE_SCHEDULE = [
    FEE_HEADER,
    ["초진 진찰료", "AA154", "17,610", "의원급"],
    ["재진 진찰료", "AA254", "12,590", "의원급"],
    ["야간 가산 진찰료", "AA156", "22,890", "18시 이후"],
    ["일반 혈액검사(CBC)", "D0002", "3,270", ""],
    ["적혈구 침강속도", "D0011", "1,350", ""],
    ["요 일반검사", "D2200", "1,080", "10종"],
    ["간기능 검사(AST)", "D2280", "1,340", ""],
    ["간기능 검사(ALT)", "D2290", "1,340", ""],
    ["크레아티닌", "D2440", "1,290", ""],
    ["공복 혈당", "D3020", "1,260", ""],
    ["총콜레스테롤", "D2620", "1,520", ""],
    ["중성지방", "D2640", "1,840", ""],
    ["고밀도 콜레스테롤", "D2630", "3,010", ""],
    ["갑상선 자극 호르몬", "D4400", "7,880", "면역검사"],
    ["흉부 단순촬영(1매)", "G2101", "9,840", "디지털"],
    ["복부 단순촬영(1매)", "G2501", "9,840", "디지털"],
    ["심전도 검사", "E6541", "5,980", "12유도"],
    ["폐기능 검사", "E6560", "16,230", ""],
    ["복부 초음파(일반)", "EB441", "94,720", "비급여 아님"],
    ["갑상선 초음파", "EB421", "56,130", ""],
    ["골밀도 검사(DEXA)", "HC341", "37,610", "척추"],
    ["인플루엔자 항원검사", "D6591", "18,320", "신속"],
    ["근육 주사", "KK010", "1,050", "1회"],
    ["정맥 주사", "KK020", "1,730", "1회"],
    ["수액 주입(1시간 이상)", "KK052", "9,380", ""],
    ["단순 처치", "M0111", "6,210", "1일"],
    ["창상 봉합술(2.5cm 미만)", "N0711", "31,480", "안면 제외"],
    ["당화혈색소(HbA1c)", "D3022", "8,150", "3개월마다"],
    ["비타민 D 검사", "D4710", "21,060", "선별 시 비급여"],
    ["처방전 발급", "AA700", "무료", "재발급 1,000원"],
]
FEE_ROW = "| 당화혈색소(HbA1c) | D3022 | 8,150 | 3개월마다 |"

FEE_NOTICE: list[Item] = [
    "# 2024년 진료비 수가 안내",
    "아래 금액은 건강보험 요양급여비용 중 본인부담 전 총액이며, 의원급 외래 기준입니다. 야간(18시 이후)과 "
    "공휴일에는 가산이 붙습니다. 문의는 원무과 내선 201로 해 주십시오.",
    FEE_SCHEDULE,
    "비급여 항목의 금액은 홈페이지 비급여 진료비용 게시 화면에서 확인할 수 있습니다.",
]

FORMATS = ("pdf", "docx", "hwpx", "html")


def markdown(rows: Sequence[Sequence[str]]) -> str:
    """The Markdown table the loaders should give for `rows` (cells are plain, no pipes)."""
    lines = ["| " + " | ".join(rows[0]) + " |", "| " + " | ".join("---" for _ in rows[0]) + " |"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows[1:]])


def write_document(path: Path, items: Sequence[Item], title: str = "") -> Path:
    """`items` written in the format `path`'s suffix names (.pdf, .docx, .hwpx, .html)."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        path.write_bytes(build_layout_pdf(_pdf_pages(items), title=title or None))
    elif suffix == ".docx":
        _write_docx(path, items, title)
    elif suffix == ".hwpx":
        write_hwpx(path, ["".join(_hwpx_item(item) for item in items)])
    elif suffix in (".html", ".htm"):
        path.write_text(_html(items, title), encoding="utf-8")
    else:
        raise ValueError(f"no writer for {suffix}")
    return path


def _write_docx(path: Path, items: Sequence[Item], title: str) -> None:
    import docx

    d = docx.Document()
    if title:
        d.core_properties.title = title
    for item in items:
        if isinstance(item, list):
            table = d.add_table(rows=len(item), cols=len(item[0]))
            table.style = "Table Grid"
            for r, row in enumerate(item):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
        elif item.startswith("# "):
            d.add_heading(item[2:], level=1)
        else:
            d.add_paragraph(item)
    d.save(str(path))


def _hwpx_item(item: Item) -> str:
    if isinstance(item, list):
        return hwpx_table([[escape(c) for c in row] for row in item])
    return hwpx_para(escape(item.removeprefix("# ")))


def _html(items: Sequence[Item], title: str) -> str:
    body = []
    for item in items:
        if isinstance(item, list):
            head = "".join(f"<th>{html.escape(c)}</th>" for c in item[0])
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in item[1:])
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif item.startswith("# "):
            body.append(f"<h1>{html.escape(item[2:])}</h1>")
        else:
            body.append(f"<p>{html.escape(item)}</p>")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
            f"<body>{''.join(body)}</body></html>")


def _pdf_pages(items: Sequence[Item], height: float = 680) -> list[list[object]]:
    """Items laid out on pages: paragraphs wrapped (about 90 Latin or 45 Korean characters a line),
    headings as their own line, a table kept on one page."""
    pages: list[list[object]] = [[]]
    room = height
    for item in items:
        if isinstance(item, list):
            pieces: list[object] = [item]
            cost = 16 + 18 * len(item)
        else:
            text = item.removeprefix("# ")
            width = 45 if any(ord(ch) > 0xFF for ch in text) else 90
            pieces = list(textwrap.wrap(text, width)) if not item.startswith("# ") else [text]
            cost = 16 * len(pieces)
        if cost > room and pages[-1]:
            pages.append([])
            room = height
        pages[-1].extend(pieces)
        room -= cost
    return pages
