"""Failure reasons and error messages from the layers below, in the window's language.

Why here and not in the loaders: ingest/ and service/ must not depend on Qt (tests/test_architecture.py)
and their English reasons are what the CLI, the audit log and the JSON output carry. The window shows
them through this table: each known reason (a pattern, with the variable part kept as {0}) maps to a
tr() string that has a Korean translation (app/desktop/i18n/sillok_ko.ts). An unknown message is shown
as it came. tests/desktop/test_korean.py checks that every reason string the loaders and the pipeline
can produce matches a rule here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sillok.app.desktop.i18n import tr

_X = r"(.+?)"


def _notice_ko() -> str:
    return tr("The answering model ({0}) cannot write Korean, so the sentences from your documents below are the "
              "answer. For written answers in Korean, download {1} in Settings → Download.")


def _notice_en() -> str:
    return tr("The answering model ({0}) cannot write English, so the sentences from your documents below are the "
              "answer. For written answers in English, download {1} in Settings → Download.")


_RULES: list[tuple[str, Callable[[], str]]] = [
    (r"needs OCR: pages are images with no text layer \(scanned\)",
     lambda: tr("scanned pages without a text layer: needs OCR")),
    (r"needs OCR: no text layer on any page", lambda: tr("no text layer on any page: needs OCR")),
    (r"needs OCR: only images, no text", lambda: tr("only images, no text: needs OCR")),
    (r"needs OCR: no text layer \(scanned or image-only\)", lambda: tr("no text layer (scanned or image-only): needs OCR")),
    (r"needs OCR: image file \(no OCR engine on this computer\)",
     lambda: tr("image file: needs OCR (no OCR engine on this computer)")),
    (r"needs OCR: image file \(Pillow is not installed\)", lambda: tr("image file: needs OCR (Pillow is not installed)")),
    (rf"scanned: every page skipped \({_X}\)", lambda: tr("scanned: every page was skipped ({0})")),
    (r"scanned, but OCR found no readable text", lambda: tr("scanned, but OCR found no readable text")),
    (rf"unreadable image \({_X}\)", lambda: tr("unreadable image ({0})")),
    (rf"scanned PDF that cannot be rendered \({_X}\)", lambda: tr("scanned PDF that cannot be rendered ({0})")),
    (r"no text found", lambda: tr("no text found")),
    (r"empty file", lambda: tr("empty file")),
    (r"file not found", lambda: tr("file not found")),
    (r"no such file or folder", lambda: tr("no such file or folder")),
    (r"already indexed", lambda: tr("already indexed")),
    (r"no longer in the folder", lambda: tr("no longer in the folder")),
    (rf"cannot read file \({_X}\)", lambda: tr("cannot read the file ({0})")),
    (rf"too large \({_X} MB > limit {_X} MB\)", lambda: tr("too large ({0} MB; the limit is {1} MB)")),
    (rf"unsupported file type \({_X}\)", lambda: tr("unsupported file type ({0})")),
    (rf"unreadable file \({_X}\)", lambda: tr("unreadable file ({0})")),
    (rf"unexpected error while reading \({_X}\)", lambda: tr("unexpected error while reading ({0})")),
    (r"not enough memory to read this file", lambda: tr("not enough memory to read this file")),
    (r"document too deeply nested to read", lambda: tr("document too deeply nested to read")),
    (r"cannot detect text encoding", lambda: tr("cannot detect the text encoding")),
    (rf"corrupt or unreadable PDF \({_X}\)", lambda: tr("damaged or unreadable PDF ({0})")),
    (rf"corrupt PDF \(page tree unreadable: {_X}\)", lambda: tr("damaged PDF (page tree unreadable: {0})")),
    (r"corrupt PDF \(text extraction failed on every page\)", lambda: tr("damaged PDF (no page could be read)")),
    (r"PDF has no pages", lambda: tr("PDF has no pages")),
    (r"encrypted PDF \(cannot decrypt\)", lambda: tr("encrypted PDF (cannot decrypt)")),
    (r"encrypted PDF \(password protected\)", lambda: tr("password-protected PDF")),
    (rf"not a valid DOCX \({_X}\)", lambda: tr("not a valid Word file ({0})")),
    (r"encrypted DOCX \(password protected\) or old binary \.doc renamed",
     lambda: tr("password-protected Word file, or an old .doc renamed to .docx")),
    (rf"corrupt HWP \({_X}\)", lambda: tr("damaged HWP file ({0})")),
    (rf"not a valid HWP file \({_X}\)", lambda: tr("not a valid HWP file ({0})")),
    (r"password-protected HWP", lambda: tr("password-protected HWP file")),
    (r"refused: HWP body inflates past the size limit", lambda: tr("refused: the HWP body is larger than the limit")),
    (rf"not a valid HWPX \({_X}\)", lambda: tr("not a valid HWPX file ({0})")),
    (rf"corrupt HWPX \({_X}\)", lambda: tr("damaged HWPX file ({0})")),
    (rf"cannot parse HTML \({_X}\)", lambda: tr("cannot read the HTML ({0})")),
    (r"encrypted HWPX \(password protected or DRM\): save an unprotected copy in Hangul",
     lambda: tr("encrypted HWPX (password or DRM): save an unprotected copy in Hangul")),
    (r"HWP 3\.x document \(pre-2002 format\) is not supported: save it as HWPX in Hangul",
     lambda: tr("HWP 3.x document (before 2002) is not supported: save it as HWPX in Hangul")),
    (rf"refused: {_X}", lambda: tr("refused (too large or suspicious): {0}")),
    # downloads (sillok.models.registry.download)
    (rf"download of {_X} failed: no internet connection \(the server's name could not be looked up\) \({_X}\)",
     lambda: tr("{0} could not be downloaded: there is no internet connection (the server's name could not be "
                "looked up).")),
    (rf"download of {_X} failed: the server did not answer in time \({_X}\)",
     lambda: tr("{0} could not be downloaded: the server did not answer in time.")),
    (rf"download of {_X} failed: the connection was refused \({_X}\)",
     lambda: tr("{0} could not be downloaded: the connection was refused.")),
    (rf"download of {_X} failed: the connection was interrupted \({_X}\)",
     lambda: tr("{0} could not be downloaded: the connection was interrupted; Download again resumes it.")),
    (rf"download of {_X} failed: the secure connection failed \(a proxy or firewall may be in the way\) \({_X}\)",
     lambda: tr("{0} could not be downloaded: the secure connection failed (a proxy or firewall may be in the way).")),
    (rf"download of {_X} failed: the file is not on the server \(HTTP 404, {_X}\)",
     lambda: tr("{0} could not be downloaded: the file is not on the server (HTTP 404).")),
    (rf"download of {_X} failed: the server refused access \(HTTP 403, {_X}\)",
     lambda: tr("{0} could not be downloaded: the server refused access (HTTP 403).")),
    (rf"download of {_X} failed: {_X} \({_X}\)", lambda: tr("{0} could not be downloaded: {1}")),
    (rf"download of {_X} is corrupt: {_X}", lambda: tr("{0} arrived corrupt (its checksum does not match); download it again.")),
    # sillok.service.checks (Help → Check this installation)
    (rf"collection {_X}: {_X} scanned document\(s\) have pages read by OCR with low confidence \({_X}\)",
     lambda: tr("Collection {0}: {1} scanned document(s) have pages read by OCR with low confidence; the document "
                "list flags the pages to check.")),
    (r"OCR is not available \(tesserocr or the Korean and English language data is missing\): .*",
     lambda: tr("OCR is not available (the OCR engine or its Korean and English data is missing): scanned pages "
                "are named \"needs OCR\". Install Tesseract with its Korean and English data.")),
    (rf"the answering model file is missing: {_X}; choose another in Settings",
     lambda: tr("The answering model file is missing: {0}. Choose another in Settings.")),
    (rf"the answering model is unusable: {_X}", lambda: tr("The answering model cannot be used: {0}")),
    (rf"the search \(embedding\) model cannot be loaded: {_X}", lambda: tr("The search model cannot be loaded: {0}")),
    (rf"collection {_X} is mostly Korean, but the answering model {_X} handles {_X} only: .*",
     lambda: tr("The collection {0} is mostly Korean, but the answering model {1} handles only {2}: its answers "
                "will be poor. Choose a Korean model (Help → Choose a better model).")),
    (rf"collection {_X} is mostly English, but the answering model {_X} handles {_X} only: .*",
     lambda: tr("The collection {0} is mostly English, but the answering model {1} handles only {2}: its answers "
                "will be poor. Choose another model (Help → Choose a better model).")),
    (rf"collection {_X}: {_X} document\(s\) could not be read .*",
     lambda: tr("The collection {0}: {1} document(s) could not be read (their status says why).")),
    (rf"collection {_X} was embedded with {_X}, not the current {_X}: .*",
     lambda: tr("The collection {0} was indexed with the search model {1}, not the current {2}: its first search "
                "re-indexes it.")),
    (rf"watched folder {_X} \(collection {_X}\) is not available: disconnected or unmounted",
     lambda: tr("The watched folder {0} (collection {1}) is not available: disconnected or not mounted.")),
    (rf"only {_X} GB free where the data folder is \({_X}\)",
     lambda: tr("Only {0} GB free on the disk of the data folder ({1}).")),
    # an answer's notice (sillok.service.prompting.NO_LANGUAGE, in the question's language): shown in the UI's
    (r"The answering model \((.+?)\) cannot write Korean, so the sentences from your documents below are the "
     r"answer\. For written answers in Korean, download (.+?) in Settings → Download\.", _notice_ko),
    (r"답변 모델\((.+?)\)은 한국어로 답을 쓰지 못하여, 아래 문서의 문장을 그대로 답으로 보여 드립니다\. 한국어 답변을 "
     r"받으려면 설정 → 다운로드에서 (.+?) 모델을 받으세요\.", _notice_ko),
    (r"The answering model \((.+?)\) cannot write English, so the sentences from your documents below are the "
     r"answer\. For written answers in English, download (.+?) in Settings → Download\.", _notice_en),
    (r"답변 모델\((.+?)\)은 영어로 답을 쓰지 못하여, 아래 문서의 문장을 그대로 답으로 보여 드립니다\. 영어 답변을 "
     r"받으려면 설정 → 다운로드에서 (.+?) 모델을 받으세요\.", _notice_en),
    # an answer's notice (sillok.service.prompting.UNCHECKED): quotes stand in for an unchecked model answer
    (r"The model's answer could not be checked against your documents; these sentences from them answer the "
     r"question\.", lambda: tr("The model's answer could not be checked against your documents; these sentences from "
                               "them answer the question.")),
    (r"모델의 답변을 문서로 확인할 수 없어, 질문에 답하는 문서의 문장을 그대로 보여 드립니다\.",
     lambda: tr("The model's answer could not be checked against your documents; these sentences from "
                "them answer the question.")),
    # an answer's notice (sillok.service.answering): the answering model cannot write the question's language
    (r"(?i)(?:the )?(?:answering )?model(?: .+?)? (?:cannot|can't|does not|doesn't) (?:write|answer in|handle|speak)"
     r" (?:Korean|한국어)\b.*",
     lambda: tr("The answering model cannot write Korean: the sentences quoted from your documents are the answer. "
                "For written answers in Korean, download a model that handles Korean (Settings → Download).")),
    # a questions file for File → Evaluate this collection… (sillok.service.evaluation)
    (rf"{_X}: line (\d+): not valid JSON \({_X}\)", lambda: tr("{0}, line {1}: not valid JSON ({2})")),
    (rf"{_X}: line (\d+): expected a JSON object like .*",
     lambda: tr("{0}, line {1}: each line must be one JSON object with a \"question\"")),
    (rf"{_X}: line (\d+): \"question\" is missing or empty", lambda: tr("{0}, line {1}: \"question\" is missing or empty")),
    (rf"{_X}: line (\d+): \"expected_source\" must be a file name or a list of file names",
     lambda: tr("{0}, line {1}: \"expected_source\" must be a file name or a list of file names")),
    (rf"{_X}: line (\d+): \"expected_answer\" must be text", lambda: tr("{0}, line {1}: \"expected_answer\" must be text")),
    (rf"{_X}: line (\d+): \"answerable\" must be true or false",
     lambda: tr("{0}, line {1}: \"answerable\" must be true or false")),
    (rf"{_X}: no questions \(.*\)", lambda: tr("{0}: no questions (one JSON object a line, each with a \"question\")")),
    (rf"{_X}: cannot read the questions file \({_X}\)", lambda: tr("{0}: cannot read the questions file ({1})")),
    (rf"{_X}: cannot write the report \({_X}\)", lambda: tr("{0}: cannot write the report ({1})")),
    # errors of the service layer the window shows
    (rf"{_X} is not in collection {_X}", lambda: tr("{0} is not in the collection {1}")),
    (rf"invalid collection name {_X}(?:: use 1–100 characters, no slashes)?",
     lambda: tr("invalid collection name {0}: use 1–100 characters, no slashes")),
    (rf"no collection named {_X}; `sillok collections` lists them", lambda: tr("there is no collection named {0}")),
]
_COMPILED = [(re.compile(p, re.S), make) for p, make in _RULES]


def rule_for(message: str) -> Callable[[], str] | None:
    text = message.strip()
    return next((make for rx, make in _COMPILED if rx.fullmatch(text)), None)


def reason_text(message: str) -> str:
    """``message`` in the UI language when it is a known reason or error, else as it is."""
    text = message.strip()
    for rx, make in _COMPILED:
        m = rx.fullmatch(text)
        if m:
            return make().format(*m.groups())
    # "<path>: <reason>" (LoadError's str): keep the path, translate the reason
    for m in re.finditer(": ", text):
        head, tail = text[:m.start()], text[m.end():]
        if head and rule_for(tail) is not None:
            return f"{head}: {reason_text(tail)}"
    return text
