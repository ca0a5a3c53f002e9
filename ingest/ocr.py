"""The OCR engine: Tesseract 5 through tesserocr, with Korean and English language data, offline.

Why Tesseract: it runs on a laptop CPU with no hub download; Debian ships it with its Korean data
(`tesseract-ocr-kor`), Homebrew and the Windows installer too; tesserocr is a maintained binding that
releases the GIL while recognising, so a small thread pool uses the cores. Measured here on generated
200 dpi scans (bench/bench_ocr.py): single-column layout (PSM 4) after our own deskew reads better than
automatic layout; Tesseract's orientation-and-script pass (osd.traineddata) tells the quarter turn and
whether a page is Korean (then the `kor+eng` model) or Latin (`eng`, faster and better on English).

Korean spacing: Tesseract's `kor` model returns each syllable block as its own "word", so the page
text is rebuilt from the word boxes: two neighbours on a line are joined without a space when both hold
Hangul and the gap between them is small against the line's character height.

Without tesserocr or without the language data, `available()` is False and loaders keep naming scans
"needs OCR".
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sillok.foundation.types import OcrPage, OcrWord
from sillok.ingest import ocr_image

LOW_CONFIDENCE = 0.80  # a page whose mean word confidence is under this is flagged "check this page"
DPI = 200  # pages are rendered (PDF) or assumed (images without a resolution) at this resolution
NEEDED = ("kor", "eng")


def tessdata_candidates(configured: str = "") -> list[Path]:
    """Where the language data may be: the setting (`ocr_tessdata`, which defaults to Tesseract's own
    $TESSDATA_PREFIX), next to a bundled app, the usual system folders of Debian, Homebrew, MacPorts and
    the Windows installer."""
    out = [Path(configured), Path(configured) / "tessdata"] if configured else []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        out.append(Path(bundle) / "tessdata")
    out += [Path(p) for p in ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                              "/usr/share/tessdata", "/usr/local/share/tessdata", "/opt/homebrew/share/tessdata",
                              "/opt/local/share/tessdata", r"C:\Program Files\Tesseract-OCR\tessdata")]
    return out


def tessdata_dir(configured: str = "") -> Path | None:
    """The first folder holding Korean or English data (None: no language data on this computer)."""
    for d in tessdata_candidates(configured):
        if any((d / f"{lang}.traineddata").is_file() for lang in NEEDED):
            return d
    return None


def languages(configured: str = "") -> list[str]:
    d = tessdata_dir(configured)
    return sorted(p.stem for p in d.glob("*.traineddata")) if d else []


def engine_version() -> str | None:
    """Tesseract's version through tesserocr, or None when the binding is not installed."""
    try:
        import tesserocr
    except ImportError:
        return None
    return str(tesserocr.tesseract_version()).split("\n")[0]


def available(configured: str = "") -> bool:
    """True when scans can be read here: the binding imports and Korean or English data is found."""
    return engine_version() is not None and tessdata_dir(configured) is not None


def status(configured: str = "") -> dict[str, Any]:
    """What `sillok doctor` says about OCR."""
    d = tessdata_dir(configured)
    langs = languages(configured)
    return {"engine": engine_version() or "not installed (pip package tesserocr)",
            "tessdata": str(d) if d else "not found (install tesseract-ocr-kor and tesseract-ocr-eng)",
            "languages": [x for x in langs if x != "osd"], "orientation": "osd" in langs,
            "available": available(configured)}


@dataclass(frozen=True)
class _Line:
    words: list[tuple[str, float, tuple[int, int, int, int]]]
    paragraph_start: bool


def _hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e" for ch in text)


def _tight(left: str, right: str) -> bool:
    """Whether two neighbouring pieces may be one Korean word: Hangul on one side, and no Latin letter
    on either (English words keep Tesseract's own spacing)."""
    latin = left.isascii() and left.isalpha() or right.isascii() and right.isalpha()
    return (_hangul(left) or _hangul(right)) and not latin


def build_text(lines: list[_Line], width: int, height: int) -> tuple[str, tuple[OcrWord, ...]]:
    """Page text from the recognised lines (a blank line between paragraphs) and the words with their
    offsets into it and their boxes as fractions of the page."""
    parts: list[str] = []
    words: list[OcrWord] = []
    pos = 0
    for line in lines:
        if not line.words:
            continue
        if parts:
            sep = "\n\n" if line.paragraph_start else "\n"
            parts.append(sep)
            pos += len(sep)
        heights = sorted(b[3] - b[1] for _, _, b in line.words)
        char_h = max(1, heights[len(heights) // 2])
        prev: tuple[str, tuple[int, int, int, int]] | None = None
        for text, conf, box in line.words:
            if prev is not None:
                gap = box[0] - prev[1][2]
                joined = gap < 0.3 * char_h and _tight(prev[0][-1:], text[:1])
                if not joined:
                    parts.append(" ")
                    pos += 1
            parts.append(text)
            words.append(OcrWord(text, pos, pos + len(text),
                                 (box[0] / width, box[1] / height, box[2] / width, box[3] / height), conf))
            pos += len(text)
            prev = (text, box)
    return "".join(parts), tuple(words)


class Engine:
    """Recognises page images. One Tesseract instance per thread and language model (tesserocr's API
    object is not shared between threads); `recognise` may be called from a pool."""

    def __init__(self, tessdata: str = "", page_seconds: float = 60.0) -> None:
        d = tessdata_dir(tessdata)
        if d is None or engine_version() is None:
            raise RuntimeError("OCR engine not available")
        self.tessdata = str(d) + os.sep
        self.langs = set(languages(tessdata))
        self.page_seconds = page_seconds
        self._local = threading.local()

    def _api(self, lang: str) -> Any:
        apis = self._local.__dict__.setdefault("apis", {})
        if lang not in apis:
            from tesserocr import PSM, PyTessBaseAPI

            if lang == "osd":
                apis[lang] = PyTessBaseAPI(path=self.tessdata, lang="osd", psm=PSM.OSD_ONLY)
            else:
                api = PyTessBaseAPI(path=self.tessdata, lang=lang, psm=PSM.SINGLE_COLUMN)
                api.SetVariable("preserve_interword_spaces", "1")
                apis[lang] = api
        return apis[lang]

    def _model(self, script: str) -> str:
        """`kor` for Korean (and unknown) pages — it reads Korean better than `kor+eng`, whose English
        half turns short Korean words into Latin letters — `eng` for Latin-script pages."""
        if script == "Latin" and "eng" in self.langs:
            return "eng"
        return "kor" if "kor" in self.langs else "eng"

    def _other(self, model: str) -> str:
        other = "eng" if model == "kor" else "kor"
        return other if other in self.langs else model

    def orientation(self, img: np.ndarray) -> tuple[int, str, float]:
        """(counter-clockwise quarter turn that makes the page upright, script name, confidence) from
        Tesseract's orientation pass; (0, "", 0.0) where it cannot tell (no osd data, little text)."""
        if "osd" not in self.langs:
            return 0, "", 0.0
        api = self._api("osd")
        small = img[::2, ::2] if max(img.shape) > 2600 else img
        _set_image(api, np.ascontiguousarray(small))
        try:
            res = api.DetectOrientationScript()
        except RuntimeError:
            return 0, "", 0.0
        if not res:
            return 0, "", 0.0
        return int(res.get("orient_deg", 0)) % 360, str(res.get("script_name", "")), float(res.get("orient_conf", 0))

    def recognise(self, image: Any, number: int = 1) -> OcrPage:
        """Read one page image (any numpy-convertible grey or colour array): turn it upright, deskew it,
        recognise it with the page's language model within the time limit."""
        t0 = time.monotonic()
        img = ocr_image.limit_size(ocr_image.grey(image))
        # Sideways pages are told by the ink's profile (Tesseract's orientation pass often mistakes a
        # quarter turn for a half one on skewed pages); upside down or not, by Tesseract's pass.
        base = 90 if ocr_image.sideways(img) else 0
        img = ocr_image.turn(img, base)
        half, script, conf = self.orientation(img)
        degrees = (base + (180 if half == 180 and conf >= 1.0 else 0)) % 360
        model = self._model(script)
        page = self._upright(img, number, degrees, base, model, t0)
        # Unsure: the orientation pass misjudges blurred or noisy pages, so the other language model,
        # then the other half turn, are tried, and the most confident reading is kept.
        # A page taken for sideways (a table's ruled columns can look like lines of text) is also read
        # unturned.
        tries = [(degrees, self._other(model)), ((degrees + 180) % 360, None)]
        if base:
            tries.append(((degrees + 270) % 360, None))
        for turn_to, other in tries:
            if page.skipped or page.confidence >= LOW_CONFIDENCE or (other is not None and other == model):
                continue
            alt = self._upright(img, number, turn_to, base, other or page.lang, t0)
            if not alt.skipped and alt.confidence > page.confidence:
                page = alt
        return page

    def _upright(self, img: np.ndarray, number: int, degrees: int, base: int, model: str, t0: float) -> OcrPage:
        img = ocr_image.turn(img, degrees - base)
        skew = ocr_image.skew_angle(img)
        img = ocr_image.rotate(img, -skew)
        left = self.page_seconds - (time.monotonic() - t0)
        lines, timed_out = self._read(img, model, left) if left > 0.5 else ([], True)
        seconds = time.monotonic() - t0
        if timed_out:
            return OcrPage(number, "", (), 0.0, model, degrees, skew, seconds,
                           f"OCR took over {self.page_seconds:.0f} s")
        text, words = build_text(lines, img.shape[1], img.shape[0])
        weights = [len(w.text) for w in words]
        mean = float(np.average([w.confidence for w in words], weights=weights)) if words else 0.0
        return OcrPage(number, text, words, round(mean, 4), model, degrees, skew, round(seconds, 3))

    def _read(self, img: np.ndarray, model: str, seconds: float) -> tuple[list[_Line], bool]:
        from tesserocr import RIL, iterate_level

        api = self._api(model)
        _set_image(api, img)
        if not api.Recognize(int(seconds * 1000)):
            return [], True
        lines: list[_Line] = []
        iterator = api.GetIterator()
        if iterator is None:
            return [], False
        for word in iterate_level(iterator, RIL.WORD):
            text = (word.GetUTF8Text(RIL.WORD) or "").strip()
            if not text:
                continue
            box = word.BoundingBox(RIL.WORD)
            if box is None:
                continue
            if word.IsAtBeginningOf(RIL.TEXTLINE) or not lines:
                lines.append(_Line([], bool(word.IsAtBeginningOf(RIL.PARA))))
            lines[-1].words.append((text, max(0.0, word.Confidence(RIL.WORD)) / 100.0, tuple(box)))
        return lines, False


def _set_image(api: Any, img: np.ndarray) -> None:
    api.SetImageBytes(img.tobytes(), img.shape[1], img.shape[0], 1, img.shape[1])
    api.SetSourceResolution(DPI)
