"""`sillok ask`, `sillok chat`, `sillok memo` and `sillok models`: answering from the command line.

Why: the CLI is the scriptable face of the same facade the window uses, so `--json` gives machines one
object (`--batch`: one per question, one model load), and Ctrl+C cancels the answer instead of killing
the process mid-write. Plain output shows the documents' own sentences first, then the answer once its
citations are checked — or "not in your documents" with the closest passages (issue 13): a model's
unchecked words are never printed as the answer, so the answer is not streamed. Downloads happen only on `models download`.
`ask --memo FILE` and `memo CONVERSATION -o FILE` write a cited memo: .docx with the citations as
footnotes (sillok.service.memo), or .md.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sillok.foundation.errors import SillokError

EXIT_OK, EXIT_USAGE, EXIT_CANCELLED = 0, 2, 130


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser("ask", parents=[common], help="answer a question from your documents, with sources")
    s.add_argument("question", nargs="?")
    s.add_argument("--batch", type=Path, help="with --json: JSONL {\"id\", \"question\"} in, one JSON answer per line out")
    s.add_argument("--conversation", help="continue this conversation (id from an earlier answer)")
    s.add_argument("--source", action="append", help="only use this file (repeatable)")
    s.add_argument("--model", help="GGUF file to answer with (default: settings, else bundled SmolLM2)")
    s.add_argument("--memo", type=Path, help="also write the answer as a cited memo (.docx footnotes, or .md)")
    s.set_defaults(handler=cmd_ask)
    s = sub.add_parser("memo", parents=[common], help="write a conversation as a cited memo (.docx or .md)")
    s.add_argument("conversation", help="conversation id (printed after each answer)")
    s.add_argument("-o", "--output", type=Path, required=True, help="memo file: .docx (footnotes) or .md")
    s.set_defaults(handler=cmd_memo)
    s = sub.add_parser("chat", parents=[common], help="interactive questions in one conversation (/quit ends)")
    s.add_argument("--conversation", help="continue this conversation")
    s.add_argument("--source", action="append", help="only use this file (repeatable)")
    s.add_argument("--model", help="GGUF file to answer with")
    s.set_defaults(handler=cmd_chat)
    s = sub.add_parser("models", parents=[common], help="installed and recommended models; add or download one")
    s.add_argument("action", nargs="?", choices=["list", "add", "download"], default="list")
    s.add_argument("target", nargs="?", help="add: path of a .gguf file; download: a recommended model's name")
    s.add_argument("--accept-licence", action="store_true",
                   help="download a model with a non-commercial licence (after checking that your use is allowed)")
    s.set_defaults(handler=cmd_models)


def _service(args: argparse.Namespace) -> Any:
    from sillok.service.facade import Sillok

    return Sillok(home=args.data_dir, embedding_model=args.embedding_model, llm_model=getattr(args, "model", None))


@contextmanager
def _ctrl_c_cancels(token: Any) -> Iterator[None]:
    """First Ctrl+C sets the cancel token (the answer stops cleanly); a second one interrupts."""
    def handler(_sig: int, _frame: Any) -> None:
        if token.cancelled:
            raise KeyboardInterrupt
        token.cancel()

    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread (tests, embedding): no signal handling
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _where(c: Any) -> str:
    """"근로기준법 제56조 제1항" for a statute, "lease.pdf, p. 3" otherwise (sillok.service.labels)."""
    from sillok.service.labels import cite

    return cite(c)


def _citations_json(a: Any) -> list[dict[str, Any]]:
    return [{"n": c.n, "source": c.source, "page": c.page, "article": c.article, "quote": c.quote,
             "cite": _where(c), "chunk_id": c.chunk_id} for c in a.citations]


def _answer_json(a: Any) -> dict[str, Any]:
    """The answer for machines. `closest` (passages to read) only when not found, never under citations."""
    out = {"answer": a.text, "found": a.found, "cancelled": a.cancelled,
           "quotes": [q.to_json() for q in a.quotes], "citations": _citations_json(a),
           "dropped": a.dropped, "timings": a.timings, "conversation_id": a.conversation_id}
    if not a.found:
        out["closest"] = [{"source": h.source, "page": h.page, "article": h.article, "text": h.text}
                          for h in a.closest]
    if a.unverified_text:
        out["unverified_text"] = a.unverified_text
    if a.notice:
        out["notice"] = a.notice
    return out


def _print_answer(a: Any) -> None:
    """Quotes first (the documents' words), then the answer and its sources, or the refusal with the
    closest passages; the model's unverified words are never printed as the answer."""
    from sillok.service.labels import cite

    if a.notice:
        print(a.notice, file=sys.stderr)
    shown_quotes = a.quotes if a.found else []
    for q in shown_quotes:
        print(f"“{' '.join(q.text.split())}” — {cite(q)}")
    if shown_quotes:
        print()
    if not a.found:
        print(a.text)
        if a.closest:
            print("closest passages:")
            for h in a.closest:
                print(f"  {cite(h)} — {' '.join(h.match.split())[:200]}")
        return
    if not (a.notice and shown_quotes):  # with no capable model the quotes are the answer
        print(a.text)
    for c in a.citations:
        print(f"[{c.n}] {_where(c)} — {c.quote}")
    if a.uncited:
        print(f"(not cited: {len(a.uncited)} sentence(s))", file=sys.stderr)


def _ask_once(svc: Any, question: str, args: argparse.Namespace, conversation: str | None) -> Any:
    from sillok.foundation.cancel import CancelToken

    token = CancelToken()
    sources = svc.resolve_sources(args.collection, args.source)  # a bare file name works too
    if not args.json:
        print("(reading your documents…)", file=sys.stderr)
    with _ctrl_c_cancels(token):  # not streamed: an answer is shown only once its citations are checked
        answer = svc.ask(question, args.collection, conversation_id=conversation, cancel=token, sources=sources)
    if args.json:
        sys.stdout.write(json.dumps(_answer_json(answer), ensure_ascii=False) + "\n")
        return answer
    if answer.cancelled:
        print("[cancelled]", file=sys.stderr)
    _print_answer(answer)
    if answer.dropped:
        print(f"(ignored citations to sources it was not given: {', '.join(map(str, answer.dropped))})",
              file=sys.stderr)
    return answer


def cmd_ask(args: argparse.Namespace) -> int:
    if args.batch is not None:
        return _ask_batch(_service(args), args)
    if not args.question:
        raise SillokError("`sillok ask QUESTION` (or `sillok ask --json --batch FILE`)")
    answer = _ask_once(_service(args), args.question, args, args.conversation)
    if not args.json and answer.conversation_id:
        print(f"(conversation {answer.conversation_id})", file=sys.stderr)
    if args.memo and answer.found:
        from sillok.service.memo import MemoTurn

        print(f"memo: {_write_memo(args.memo, [MemoTurn(answer.question, answer.text, answer.citations)])}",
              file=sys.stderr)
    return EXIT_CANCELLED if answer.cancelled else EXIT_OK


def _ask_batch(svc: Any, args: argparse.Namespace) -> int:
    """One JSON answer per JSONL question, one model load for all, each question on its own; a bad line
    gets an error line naming it and the rest goes on."""
    if not args.json:
        raise SillokError("--batch writes JSON lines: add --json")
    if args.question or args.conversation:
        raise SillokError("--batch takes its questions from the file, each on its own: no QUESTION or --conversation")
    try:
        lines = args.batch.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise SillokError(f"{args.batch}: cannot read the batch file ({e})") from e
    sources = svc.resolve_sources(args.collection, args.source)
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        qid: Any = None
        try:
            try:
                item = json.loads(line)
            except ValueError as e:
                raise SillokError(f"not JSON ({e.msg})") from e
            if not isinstance(item, dict) or not isinstance(item.get("question"), str) or not item["question"].strip():
                raise SillokError('expected {"id": …, "question": "…"}')
            qid = item.get("id")
            a = svc.ask(item["question"], args.collection, sources=sources)
            out = {"id": qid, "answer": a.text, "found": a.found, "quotes": [q.to_json() for q in a.quotes],
                   "citations": _citations_json(a), "timings": a.timings}
            if not a.found:
                out["closest"] = [{"source": h.source, "page": h.page, "article": h.article, "text": h.text}
                                  for h in a.closest]
            if a.notice:
                out["notice"] = a.notice
        except SillokError as e:
            out = {"id": qid, "error": f"line {n}: {e}"}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return EXIT_OK


def _write_memo(path: Path, turns: list[Any]) -> Path:
    from sillok.service.memo import markdown, write_memo

    if path.suffix.lower() == ".docx":
        return write_memo(path, turns)
    if path.suffix.lower() != ".md":
        raise SillokError(f"{path}: a memo is written as .docx (footnotes) or .md")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(markdown(turns), encoding="utf-8")
    return path


def cmd_memo(args: argparse.Namespace) -> int:
    from sillok.service.memo import conversation_turns

    svc = _service(args)
    turns = conversation_turns(svc, args.conversation)  # unknown id → SillokError naming it
    out = _write_memo(args.output, turns)
    if args.json:
        sys.stdout.write(json.dumps({"memo": str(out), "turns": len(turns)}, ensure_ascii=False) + "\n")
    else:
        print(f"memo: {out} ({len(turns)} question(s))")
    return EXIT_OK


def cmd_chat(args: argparse.Namespace) -> int:
    svc = _service(args)
    conversation = args.conversation
    interactive = sys.stdin.isatty()
    while True:
        if interactive:
            sys.stdout.write("> ")
            sys.stdout.flush()
        line = sys.stdin.readline()
        if not line or line.strip() in ("/quit", "/exit"):
            break
        if not line.strip():
            continue
        try:
            answer = _ask_once(svc, line.strip(), args, conversation)
        except SillokError as e:
            print(f"sillok: {e}", file=sys.stderr)
            continue
        conversation = answer.conversation_id
    if conversation and not args.json:
        print(f"(conversation {conversation})", file=sys.stderr)
    return EXIT_OK


def cmd_models(args: argparse.Namespace) -> int:
    from sillok.foundation.settings import load_settings
    from sillok.service.model_admin import RECOMMENDED, ModelRegistry, download, recommended_as_dicts

    settings = load_settings(home=args.data_dir)
    registry = ModelRegistry(settings.home, settings.home / "models")
    if args.action == "add":
        if not args.target:
            raise SillokError("`sillok models add PATH`: give the .gguf file to add")
        e = registry.add(args.target)
        _out(args, {"added": e.__dict__}, f"added {Path(e.path).name} ({e.architecture}, {e.size_bytes / 1e6:.0f} MB): {e.path}")
        return EXIT_OK
    if args.action == "download":
        spec = _recommended(RECOMMENDED, args.target)
        from sillok.service.model_admin import noncommercial

        if noncommercial(spec) and not args.accept_licence:  # as in the window: never on one command
            raise SillokError(f"{spec.name} is published under {spec.license!r}, which does not allow commercial "
                              "use; check that your office's use is permitted, then add --accept-licence")
        path = download(spec, settings.home / "models", progress=None if args.json else _progress)
        if not args.json:
            sys.stderr.write("\n")
        _out(args, {"downloaded": str(path)}, f"downloaded {spec.name}: {path}")
        return EXIT_OK
    installed = registry.list()
    if args.json:
        sys.stdout.write(json.dumps({"installed": [e.__dict__ for e in installed],
                                     "recommended": recommended_as_dicts()}, ensure_ascii=False) + "\n")
        return EXIT_OK
    print("installed:")
    for e in installed:
        state = f"error: {e.error}" if e.error else f"{e.architecture}, {e.size_bytes / 1e6:.0f} MB"
        tag = f", GGUF name “{e.name}”" if e.name != Path(e.path).stem else ""
        print(f"  [{e.source}] {Path(e.path).name} ({state}{tag}) {e.path}")
    print("recommended (`sillok models download NAME`):")
    for m in RECOMMENDED:
        print(f"  {m.name}: {m.quant}, {m.size_gb} GB, ~{m.ram_gb} GB RAM, {m.license}; {m.languages}. {m.notes}")
    return EXIT_OK


def _recommended(specs: list[Any], name: str | None) -> Any:
    if not name:
        raise SillokError("`sillok models download NAME`: give a recommended model's name (`sillok models` lists them)")
    key = name.lower()
    matches = [m for m in specs if key in (m.name.lower(), m.filename.lower(), m.repo_id.lower())]
    matches = matches or [m for m in specs if m.name.lower().startswith(key)]
    if len(matches) != 1:
        names = ", ".join(m.name for m in specs)
        raise SillokError(f"{name!r} {'is ambiguous' if matches else 'is not a recommended model'}; choose from: {names}")
    return matches[0]


def _progress(done: int, total: int | None) -> None:
    pct = f" {100 * done / total:.0f}%" if total else ""
    sys.stderr.write(f"\r{done / 1e6:.0f} MB{pct}")
    sys.stderr.flush()


def _out(args: argparse.Namespace, obj: dict[str, Any], text: str) -> None:
    if args.json:
        sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    else:
        print(text)
