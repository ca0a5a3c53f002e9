"""`sillok doctor`'s warnings: real problems a person can act on, each in one sentence.

Why: doctor listed versions and paths and warned about nothing, while the things that actually spoil
a day went unsaid: an answering model that does not read the collection's language (the bundled
SmolLM2 is English-only; a Korean collection gets English or nonsense), a model file that is missing or
broken, documents that failed, a collection embedded with another model than the current one, a
watched folder that is not connected, a data folder running out of space, scans that cannot be read
because OCR is missing, scanned pages read with low confidence.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
LETTER = re.compile(r"[^\W\d_]")
LOW_DISK_GB = 2.0


def text_language(texts: list[str]) -> str | None:
    """"ko" when at least a quarter of the letters are Hangul, "en" when text is mostly Latin, else None."""
    sample = " ".join(texts)[:200_000]
    letters = len(LETTER.findall(sample))
    if letters < 200:
        return None
    hangul = len(HANGUL.findall(sample))
    if hangul / letters >= 0.25:
        return "ko"
    latin = len(re.findall(r"[A-Za-z]", sample))
    return "en" if latin / letters >= 0.6 else None


def collection_language(svc: Any, collection: str) -> str | None:
    """The main language of a collection, from a sample of its passages (titles when they cannot be read)."""
    texts: list[str] = []
    try:
        texts = svc.index(collection).sample_texts(400)
    except Exception:  # noqa: BLE001 - a collection that cannot be read falls back to titles
        texts = []
    if not texts:
        texts = [f"{d.title} {Path(d.source).stem}" for d in svc.documents(collection)]
    return text_language(texts)


def model_languages(settings: Any) -> tuple[str, set[str] | None]:
    """(file name, languages) of the answering model; languages None when not known."""
    from sillok.models.defaults import default_llm_path
    from sillok.models.recommend import bundled, languages, spec_for_file

    if settings.llm_model == "default":
        path = default_llm_path()
        return (Path(path).name if path else "—"), languages(bundled())
    spec = spec_for_file(settings.llm_model)
    return Path(settings.llm_model).name, (languages(spec) if spec else None)


def warnings(svc: Any) -> list[str]:
    s = svc.settings
    out: list[str] = []
    office_llm = s.office_mode and s.llm_server_url
    name, langs = model_languages(s) if not office_llm else (s.llm_server_model, None)
    if not office_llm:
        path = None
        if s.llm_model == "default":
            from sillok.models.defaults import default_llm_path

            path = default_llm_path()
        else:
            path = Path(s.llm_model)
        if path is None or not Path(path).is_file():
            out.append(f"the answering model file is missing: {path or 'bundled model'}; choose another in Settings")
        else:
            from sillok.models.gguf_header import validate_gguf

            try:
                validate_gguf(path)
            except Exception as e:  # noqa: BLE001 - reported, never raised
                out.append(f"the answering model is unusable: {e}")
    current_embedding = None
    try:
        current_embedding = svc.embedder.name
    except Exception as e:  # noqa: BLE001
        out.append(f"the search (embedding) model cannot be loaded: {e}")
    for c in svc.collections():
        lang = collection_language(svc, c.name) if c.documents else None
        if lang and langs is not None and lang not in langs and "*" not in langs:
            words = {"ko": "Korean", "en": "English"}
            out.append(f"collection {c.name!r} is mostly {words.get(lang, lang)}, but the answering model {name} "
                       f"handles {', '.join(sorted(langs))} only: answers will be poor; choose a model for "
                       f"{words.get(lang, lang)} (Help → Choose a better model, or `sillok models`)")
        failed = [d for d in svc.documents(c.name) if d.status != "indexed"]
        if failed:
            out.append(f"collection {c.name!r}: {len(failed)} document(s) could not be read "
                       f"(`sillok documents --collection {c.name!r}` lists why)")
        if current_embedding and c.embedding_model and c.embedding_model != current_embedding:
            out.append(f"collection {c.name!r} was embedded with {c.embedding_model}, not the current "
                       f"{current_embedding}: its first search re-embeds it (`sillok reembed` does it now)")
        low = sum(1 for d in svc.documents(c.name) if d.low_confidence_pages)
        if low:
            out.append(f"collection {c.name!r}: {low} scanned document(s) have pages read by OCR with low "
                       f"confidence (`sillok documents --collection {c.name!r}` names the pages to check)")
    if s.ocr:
        from sillok.ingest import ocr

        if not ocr.available(s.ocr_tessdata):
            out.append("OCR is not available (tesserocr or the Korean and English language data is missing): "
                       "scanned pages are named \"needs OCR\"; install tesseract-ocr-kor and tesseract-ocr-eng")
    from sillok.service.folders import FolderList

    listed = FolderList(s.home)
    for coll, folders in listed.all().items():
        for f in folders:
            if not listed.available(coll, f):
                out.append(f"watched folder {f} (collection {coll!r}) is not available: disconnected or unmounted")
    try:
        free = shutil.disk_usage(s.home).free / 2**30
        if free < LOW_DISK_GB:
            out.append(f"only {free:.1f} GB free where the data folder is ({s.home})")
    except OSError:
        pass
    return out
