"""Scanned-looking pages made here: Korean and English text drawn at 200 dpi, then skewed, rotated,
speckled and blurred, saved as image-only PDFs (Pillow writes the image as the whole page: no text
layer), PNG, JPEG or multi-page TIFF.

Why generated rather than real scans: the tests and bench/bench_ocr.py need the exact text of every page
(to measure character accuracy and to search for phrases), and no real scans with a known transcript
are in ../shared. Fonts: Noto Sans CJK (Debian fonts-noto-cjk) for Korean, DejaVu Sans for English.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

DPI = 200
PAGE = (1654, 2339)  # A4 at 200 dpi
KO_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
EN_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

KO_LINES = [
    "제1조(목적) 이 법은 근로조건의 기준을 정함으로써 근로자의 기본적 생활을 보장한다.",
    "제2조(정의) 근로자란 직업의 종류와 관계없이 임금을 목적으로 근로를 제공하는 사람을 말한다.",
    "제3조(근로조건의 기준) 이 법에서 정하는 근로조건은 최저기준이므로 이를 낮출 수 없다.",
    "제4조(근로조건의 결정) 근로조건은 근로자와 사용자가 동등한 지위에서 자유의사에 따라 결정한다.",
    "제5조(근로조건의 준수) 근로자와 사용자는 각자가 단체협약과 취업규칙을 지키고 성실하게 이행한다.",
    "제6조(균등한 처우) 사용자는 근로자에 대하여 남녀의 성을 이유로 차별적 대우를 하지 못한다.",
    "제7조(강제 근로의 금지) 사용자는 폭행이나 협박 또는 감금으로 근로를 강요하지 못한다.",
    "제8조(폭행의 금지) 사용자는 사고의 발생이나 그 밖의 어떠한 이유로도 근로자를 폭행하지 못한다.",
    "환자는 진료 전에 동의서를 작성하여야 하며 보호자는 서명란에 성명과 연락처를 기재한다.",
    "의뢰서에는 진단명과 검사 결과 및 투약 내역을 적고 담당 의사가 확인한 뒤 팩스로 보낸다.",
]
EN_LINES = [
    "1. Term. This Agreement commences on the Effective Date and continues for three years.",
    "2. Payment. The Licensee shall pay the fees within thirty days of receipt of each invoice.",
    "3. Confidentiality. Each party shall keep the other party's confidential information secret.",
    "4. Termination. Either party may terminate this Agreement upon sixty days written notice.",
    "5. Indemnity. The Supplier shall indemnify the Customer against all third party claims.",
    "6. Governing Law. This Agreement is governed by the laws of the State of New York.",
    "7. Assignment. Neither party may assign this Agreement without the prior written consent.",
    "8. Notices. All notices shall be in writing and delivered by hand or by registered mail.",
    "The patient was referred for a chest radiograph and blood tests before the consultation.",
    "Signed consent forms are kept in the chart together with the referral letter and the fax.",
]


@dataclass(frozen=True)
class Look:
    """How scanned a page looks: skew in degrees, a quarter turn (0/90/180/270), speckles per
    megapixel, blur radius in pixels."""

    skew: float = 0.0
    turn: int = 0
    speckle: float = 0.0
    blur: float = 0.0


CLEAN = Look()
SCANNED = Look(skew=1.5, speckle=300, blur=0.6)
POOR = Look(blur=4.5, speckle=500)  # a bad fax: OCR reads something, with low confidence


def need_ocr() -> None:
    """Skip (naming what to install) where scans cannot be made or read here: Pillow, the fonts, the
    OCR engine (tesserocr) with Tesseract's Korean and English data."""
    pytest.importorskip("PIL", reason="Pillow not installed (pyproject pins pillow)")
    need_fonts()
    from sillok.ingest import ocr

    if not ocr.available():
        pytest.skip("no OCR engine here: pip tesserocr and apt tesseract-ocr-kor tesseract-ocr-eng")


def accuracy(truth: str, read: str) -> float:
    """Character accuracy of an OCR reading: difflib's ratio over the texts with runs of whitespace
    made single spaces (a line break read as a space is no error)."""
    import difflib

    a, b = " ".join(truth.split()), " ".join(read.split())
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def need_fonts() -> None:
    """Skip (naming the package) where the fonts are not installed."""
    for font in (KO_FONT, EN_FONT):
        if not font.exists():
            pytest.skip(f"{font} not installed (Debian fonts-noto-cjk / fonts-dejavu-core)")


def lines_for(lang: str, n: int = 10, seed: int = 0, marker: str = "") -> list[str]:
    """`n` lines of Korean ("ko") or English ("en") text, shuffled by `seed`; `marker` (a unique word)
    is put on the first line so a search finds exactly this page."""
    pool = list(KO_LINES if lang == "ko" else EN_LINES)
    random.Random(seed).shuffle(pool)
    out = [pool[i % len(pool)] for i in range(n)]
    if marker:
        out[0] = f"{marker} {out[0]}"
    return out


def render_page(lines: Sequence[str], lang: str, look: Look = CLEAN, seed: int = 0, size: int = 34) -> Any:
    """One page (a Pillow greyscale image) with `lines` drawn from the top left, as `look` says."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    need_fonts()
    font = ImageFont.truetype(str(KO_FONT if lang == "ko" else EN_FONT), size)
    img = Image.new("L", PAGE, 255)
    draw = ImageDraw.Draw(img)
    y = 160
    for line in lines:
        draw.text((130, y), line, font=font, fill=0)
        y += int(size * 1.9)
    if look.skew:
        img = img.rotate(look.skew, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    if look.speckle:
        rng = random.Random(seed)
        px = img.load()
        for _ in range(int(look.speckle * PAGE[0] * PAGE[1] / 1e6)):
            x, yy = rng.randrange(PAGE[0] - 2), rng.randrange(PAGE[1] - 2)
            shade = rng.choice((0, 40, 90))
            for dx, dy in ((0, 0), (1, 0), (0, 1), (1, 1))[: rng.randint(1, 4)]:
                px[x + dx, yy + dy] = shade
    if look.blur:
        img = img.filter(ImageFilter.GaussianBlur(look.blur))
    if look.turn:
        img = img.rotate(-look.turn, expand=True)  # clockwise, as a page fed in sideways
    return img


def wrap_pages(text: str, lang: str, size: int = 30, max_pages: int = 3) -> list[list[str]]:
    """`text` laid out as page lines: paragraphs wrapped to the page width in the font at `size`,
    up to `max_pages` pages of at most 30 lines (for scans of real documents)."""
    from PIL import ImageFont

    need_fonts()
    font = ImageFont.truetype(str(KO_FONT if lang == "ko" else EN_FONT), size)
    width = PAGE[0] - 2 * 130
    lines: list[str] = []
    for para in text.splitlines():
        para = " ".join(para.replace("#", " ").split())
        if not para:
            continue
        line = ""
        for word in para.split(" "):
            trial = f"{line} {word}".strip()
            if font.getlength(trial) <= width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
        if line:
            lines.append(line)
        if len(lines) >= 30 * max_pages:
            break
    return [lines[i:i + 30] for i in range(0, min(len(lines), 30 * max_pages), 30)]


def save_pdf(path: Path, images: Sequence[Any]) -> Path:
    """Image-only PDF: each image is a whole page at 200 dpi, with no text layer."""
    first, rest = images[0], list(images[1:])
    first.save(path, "PDF", resolution=DPI, save_all=True, append_images=rest)
    return path


def save_images(path: Path, images: Sequence[Any]) -> Path:
    """PNG/JPEG (one image) or TIFF (every image, one frame each), by `path`'s suffix."""
    if path.suffix.lower() in (".tif", ".tiff"):
        images[0].save(path, save_all=True, append_images=list(images[1:]), dpi=(DPI, DPI), compression="tiff_lzw")
    else:
        images[0].save(path, dpi=(DPI, DPI))
    return path


def scan_pdf(path: Path, pages: Sequence[tuple[Sequence[str], str, Look]], seed: int = 0) -> Path:
    """An image-only PDF of (lines, lang, look) pages."""
    return save_pdf(path, [render_page(lines, lang, look, seed + i) for i, (lines, lang, look) in enumerate(pages)])


def mixed_pdf(path: Path, text_page: str, scan_lines: Sequence[str], lang: str = "en") -> Path:
    """Page 1 with a text layer (tests/support/pdf.py), page 2 a scanned image with no text layer."""
    from pypdf import PdfReader, PdfWriter

    from tests.support.pdf import write_pdf

    text_pdf = write_pdf(path.with_suffix(".text.pdf"), [text_page])
    image_pdf = save_pdf(path.with_suffix(".image.pdf"), [render_page(scan_lines, lang, SCANNED)])
    writer = PdfWriter()
    for part in (text_pdf, image_pdf):
        for page in PdfReader(part).pages:
            writer.add_page(page)
    with path.open("wb") as fh:
        writer.write(fh)
    text_pdf.unlink()
    image_pdf.unlink()
    return path
