"""`sillok` — the command line: ingest, search, remove, collections, doctor (and ask/chat/models).

Readable output for people, `--json` for machines. Exit status: 0 all good, 1 some files failed,
2 usage or settings error. Heavy modules are imported inside the commands so `sillok --help` is instant.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sillok.foundation.errors import SillokError

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--collection", default="default", help="collection name (default: default)")
    common.add_argument("--data-dir", type=Path, help="data folder (default: $SILLOK_HOME or the OS user data folder)")
    common.add_argument("--json", action="store_true", help="machine-readable output")
    common.add_argument("--embedding-model", help="embedding model folder or hub id (default: the bundled "
                        "multilingual-e5-small; 'minilm': the bundled English-only MiniLM)")

    p = argparse.ArgumentParser(prog="sillok", description="Sillok — answers from your own documents, offline.")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("ingest", parents=[common], help="add files or folders to a collection")
    s.add_argument("paths", nargs="+")
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    s = sub.add_parser("search", parents=[common], help="find passages")
    s.add_argument("query", nargs="?")
    s.add_argument("-k", type=int, default=None, help="number of hits (default 5)")
    s.add_argument("--batch", type=Path, help="JSONL file of {id, question}; prints one {id, hits} line each")
    s.add_argument("--source", action="append", help="only search this file (repeatable)")
    s.add_argument("--mode", choices=["hybrid", "dense", "keyword"], default="hybrid")
    s = sub.add_parser("reveal", parents=[common],
                       help="show one passage with identifiers unmasked (written to the audit log)")
    s.add_argument("chunk_id", nargs="+", help="the passage's chunk id(s), from `search --json`")
    s = sub.add_parser("remove", parents=[common], help="remove a document (or a folder's documents)")
    s.add_argument("path")
    sub.add_parser("collections", parents=[common], help="list collections")
    s = sub.add_parser("documents", parents=[common], help="list the documents of a collection")
    sub.add_parser("doctor", parents=[common], help="versions, data folder, models, GPU backend")
    sub.add_parser("reembed", parents=[common],
                   help="embed a collection with the current embedding model (office: switches every desktop)")
    for extra in _extra_commands():
        extra(sub, common)
    return p


def _extra_commands() -> list[Callable[[Any, argparse.ArgumentParser], None]]:
    """Commands that live in their own modules (answering), added when present."""
    try:
        from sillok.app import cli_answer, cli_audit
    except ImportError:
        return []
    from sillok.app import cli_eval, cli_folders

    return [cli_answer.add_commands, cli_audit.add_commands, cli_folders.add_commands, cli_eval.add_commands]


def _service(args: argparse.Namespace) -> Any:
    from sillok.service.facade import Sillok

    return Sillok(home=args.data_dir, embedding_model=args.embedding_model)


def _print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def cmd_ingest(args: argparse.Namespace) -> int:
    from sillok.foundation.types import Progress

    svc = _service(args)
    bar = None if (args.quiet or args.json or not sys.stderr.isatty()) else _Bar()

    def progress(p: Progress) -> None:
        if bar:
            bar.update(p)

    try:
        report = svc.ingest(args.paths, args.collection, progress=progress)
    finally:
        if bar:
            bar.close()
    if args.json:
        _print_json({"files": [f.__dict__ for f in report.files], "cancelled": report.cancelled,
                     "seconds": round(report.seconds, 2)})
    else:
        for f in report.files:
            if f.status in ("failed", "needs_ocr"):
                print(f"✗ {f.path}: {f.reason}", file=sys.stderr)
            elif not args.quiet:
                print(f"{'✓' if f.status != 'unchanged' else '='} {f.path} ({f.status}, {f.chunks} chunks)")
        ok = sum(f.status in ("indexed", "updated") for f in report.files)
        same = sum(f.status == "unchanged" for f in report.files)
        print(f"{ok} indexed, {same} unchanged, {len(report.failed)} failed in {report.seconds:.1f}s")
    return EXIT_SOME_FAILED if report.failed else EXIT_OK


class _Bar:
    """A rich progress bar on stderr (files, chunks, ETA)."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self.p = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} files"),
                          TextColumn("{task.fields[chunks]} chunks"), TimeRemainingColumn(), transient=True)
        self.task = self.p.add_task("ingest", total=None, chunks=0)
        self.p.start()

    def update(self, pr: Any) -> None:
        name = Path(pr.current).name[:40] if pr.current else pr.stage
        if pr.stage == "ocr":  # a scan: which page OCR is on
            name = f"{name[:30]} OCR p. {pr.page}/{pr.pages}"
        self.p.update(self.task, total=pr.files_total or None, completed=pr.files_done, chunks=pr.chunks_done,
                      description=name)

    def close(self) -> None:
        self.p.stop()


def _vectors_note(svc: Any, collection: str) -> None:
    """Say on stderr when vectors are still being made (search then reads the last complete set)."""
    pending = svc.vector_debt(collection)
    if pending:
        print(f"sillok: {pending} passages of {collection!r} still wait for vectors with {svc.embedder.name} "
              "(found by keyword already); `sillok reembed` makes them now, the window does it in the "
              "background", file=sys.stderr)


def cmd_search(args: argparse.Namespace) -> int:
    svc = _service(args)
    args.source = svc.resolve_sources(args.collection, args.source)
    _vectors_note(svc, args.collection)
    if args.batch:
        with args.batch.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                q = json.loads(line)
                hits = svc.search(q["question"], args.collection, args.k, args.source, args.mode)
                _print_json({"id": q["id"], "hits": [_hit_json(h) for h in hits]})
        return EXIT_OK
    if not args.query:
        raise SillokError("give a query, or --batch FILE")
    hits = svc.search(args.query, args.collection, args.k, args.source, args.mode)
    if args.json:
        _print_json([_hit_json(h) for h in hits])
        return EXIT_OK
    if not hits:
        print("no matching passages")
    for i, h in enumerate(hits, 1):
        print(f"[{i}] {cite(h)}  (score {h.score:.4f})")
        print("    " + " ".join(h.match.split())[:300])
    return EXIT_OK


def _hit_json(h: Any) -> dict[str, Any]:
    return {"source": h.source, "page": h.page, "text": h.text, "score": h.score, "chunk_id": h.chunk_id,
            "article": h.article, "heading": h.heading, "start": h.start, "end": h.end, "title": h.title,
            "cite": cite(h), "chunk_ids": list(h.chunk_ids) or [h.chunk_id]}


def cite(h: Any) -> str:
    from sillok.service.labels import cite as label

    return label(h)


def cmd_reveal(args: argparse.Namespace) -> int:
    """Why a command: a person who must read an identifier (to call a patient back) asks for it by
    name, and the audit log records who saw which document's passage and when."""
    text = _service(args).reveal(args.chunk_id, args.collection)
    if args.json:
        _print_json({"chunk_ids": args.chunk_id, "text": text})
    else:
        print(text)
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    from sillok.service.folders import FolderList

    svc = _service(args)
    n = svc.remove(args.path, args.collection)
    forgot = FolderList(svc.settings.home).remove(args.collection, args.path)  # removing a folder stops watching it
    if args.json:
        _print_json({"removed": n, "unwatched": forgot})
    else:
        print(f"removed {n} document(s)" + ("; the folder is no longer watched" if forgot else ""))
    return EXIT_OK


def cmd_collections(args: argparse.Namespace) -> int:
    cols = _service(args).collections()
    if args.json:
        _print_json([{"name": c.name, "documents": c.documents, "chunks": c.chunks,
                      "embedding_model": c.embedding_model} for c in cols])
    else:
        for c in cols:
            print(f"{c.name}: {c.documents} documents, {c.chunks} chunks ({c.embedding_model or 'no vectors yet'})")
        if not cols:
            print("no collections yet — `sillok ingest PATH` creates 'default'")
    return EXIT_OK


def cmd_documents(args: argparse.Namespace) -> int:
    docs = _service(args).documents(args.collection)
    if args.json:
        _print_json([d.__dict__ for d in docs])
    else:
        for d in docs:
            extra = f" — {d.reason}" if d.reason else f" — {d.pages} pages, {d.chunks} chunks"
            if d.vectors_pending:
                extra += f" (searchable by keyword; vectors for {d.vectors_pending} of {d.chunks} pending)"
            if d.ocr_pages:
                extra += f"; OCR {d.ocr_pages} pages, confidence {d.ocr_confidence or 0:.2f}"
                if d.low_confidence_pages:
                    extra += " — LOW CONFIDENCE, check p. " + ", ".join(str(p) for p in d.low_confidence_pages)
            print(f"[{d.status}] {d.source}{extra}")
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace) -> int:
    from sillok.service.checks import warnings

    svc = _service(args)
    info = svc.doctor()
    found = warnings(svc)
    try:  # the window's system libraries (Linux): what Qt's xcb plugin would miss
        from sillok.app.desktop import platform_check as pc

        plugin = pc.find_plugin("xcb", {}) if sys.platform.startswith("linux") else None
        missing = pc.missing_libraries(plugin) if plugin else []
        if missing:
            found.append(f"the window cannot start: {', '.join(missing)} missing; fix: {pc.fix_command(missing)}")
    except ImportError:  # no desktop in this build
        pass
    info["warnings"] = found
    if args.json:
        _print_json(info)
    else:
        for k, v in info.items():
            if isinstance(v, dict):
                print(f"{k}:")
                for kk, vv in v.items():
                    print(f"  {kk}: {vv}")
            elif isinstance(v, list):
                print(f"{k}: {'none' if not v else ''}")
                for item in v:
                    print(f"  ⚠ {item}")
            else:
                print(f"{k}: {v}")
    return EXIT_OK


def cmd_reembed(args: argparse.Namespace) -> int:
    """Why a command: an office collection is re-embedded only when someone asks (it switches every
    desktop at once, see sillok.ingest.office_index.OfficeIndex.reembed); locally it makes now the vectors
    the window would make in the background (search reads the last complete set meanwhile)."""
    svc = _service(args)
    bar = None if (args.json or not sys.stderr.isatty()) else _Bar()
    try:  # Ctrl-C stops between two batches; what was made is kept, the next run goes on from there
        n = svc.reembed(args.collection, progress=bar.update if bar else None)
    finally:
        if bar:
            bar.close()
    if args.json:
        _print_json({"collection": args.collection, "embedded": n, "embedding_model": svc.embedder.name})
    else:
        print(f"{args.collection}: {n} chunks embedded with {svc.embedder.name}" if n else
              f"{args.collection}: already embedded with {svc.embedder.name}")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "ingest": cmd_ingest, "search": cmd_search, "remove": cmd_remove, "collections": cmd_collections,
    "documents": cmd_documents, "doctor": cmd_doctor, "reembed": cmd_reembed, "reveal": cmd_reveal,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    handler = COMMANDS.get(args.command) or getattr(args, "handler", None)
    try:
        return int(handler(args))  # type: ignore[misc]
    except SillokError as exc:
        print(f"sillok: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("sillok: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
