"""`sillok eval FILE`: measure this collection on the office's own questions (sillok.service.evaluation).

Why a command: staff compare a model or an embedding choice on their own documents and keep the report
beside the change. Prints the summary (or, with --json, one JSON object: the summary and a row per question); `--out DIR`
writes report.md and report.html (per-question table, recall@k chart). `--retrieval-only` measures the
search alone, without loading the answering model. A bad line in FILE is named with its line number
and nothing runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_OK = 0


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser("eval", parents=[common],
                       help="measure retrieval and answers on your own questions (JSONL) and write a report")
    s.add_argument("file", type=Path,
                   help='JSONL: {"question", "expected_source"?, "expected_answer"?, "answerable"?} a line')
    s.add_argument("--retrieval-only", action="store_true", help="search only; do not load the answering model")
    s.add_argument("--out", type=Path, help="write report.md and report.html into this folder")
    s.add_argument("--quiet", action="store_true", help="no progress line")
    s.set_defaults(handler=cmd_eval)


def cmd_eval(args: argparse.Namespace) -> int:
    from sillok.foundation.types import Progress
    from sillok.service.eval_report import summary_text, write_reports
    from sillok.service.evaluation import read_questions
    from sillok.service.facade import Sillok

    read_questions(args.file)  # a bad line is named before any model or index is opened
    svc = Sillok(home=args.data_dir, embedding_model=args.embedding_model)
    show = not (args.quiet or args.json) and sys.stderr.isatty()

    def progress(p: Progress) -> None:
        if show:
            sys.stderr.write(f"\r{p.files_done}/{p.files_total} questions")
            sys.stderr.flush()

    try:
        report = svc.evaluate(args.file, args.collection, retrieval_only=args.retrieval_only, progress=progress)
    finally:
        if show:
            sys.stderr.write("\n")
        svc.close()
    written = write_reports(report, args.out) if args.out else None
    if args.json:
        from sillok.service.evaluation import row_json

        out = {**report.summary(), "rows": [row_json(r) for r in report.rows]}
        if written:
            out["report_md"], out["report_html"] = str(written[0]), str(written[1])
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        return EXIT_OK
    print(f"{args.file} on collection {args.collection}"
          + (" (retrieval only)" if args.retrieval_only else f" with {report.model}"))
    print(summary_text(report))
    if written:
        print(f"report: {written[0]}\n        {written[1]}")
    return EXIT_OK
