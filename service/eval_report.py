"""An evaluation's report as Markdown and as one self-contained HTML file (no scripts, no links out).

Why both: Markdown reads in a terminal, a ticket or a diff between two runs; the HTML opens anywhere
(and in the window's report dialog) with a bar chart of recall@k drawn as inline SVG and the
per-question table. Figures are fractions shown as percentages; "—" where a figure does not apply (no
question expected a source, or a retrieval-only run has no answers).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from sillok.service.evaluation import K_MAX, EvalReport, EvalRow

DASH = "—"
Words = Callable[[str], str]  # the window passes its translations of the labels below; files stay English


def _same(text: str) -> str:
    return text


def pct(value: float | None) -> str:
    return DASH if value is None else f"{value * 100:.1f}%"


def ms(timing: dict[str, float] | None, t: Words = _same) -> str:
    return DASH if not timing else t("{0} ms mean, {1} ms median").format(
        f"{timing['mean_ms']:.0f}", f"{timing['median_ms']:.0f}")


def yes_no(value: bool | None, t: Words = _same) -> str:
    return DASH if value is None else (t("yes") if value else t("no"))


def headline(report: EvalReport, t: Words = _same) -> list[tuple[str, str]]:
    """(label, value) rows of the summary, in the order both reports and the CLI show them."""
    r = report
    rows = [(t("Questions"), str(len(r.rows))),
            (t("Questions with an expected source"), str(len(r.with_source))),
            (t("Recall@1 / @3 / @5 / @10"), " / ".join(pct(r.recall_at(k)) for k in (1, 3, 5, K_MAX))),
            (t("MRR of the expected source"), DASH if r.mrr is None else f"{r.mrr:.3f}")]
    if not r.retrieval_only:
        rows += [(t("Refusals of unanswerable questions ({0})").format(len(r.unanswerable)), pct(r.refusal_rate)),
                 (t("Wrongful refusals of answerable questions ({0})").format(len(r.answerable)),
                  pct(r.wrongful_refusal_rate)),
                 (t("Answers with a verified citation"), pct(r.citation_rate)),
                 (t("Answers citing the expected source"), pct(r.cited_expected_rate)),
                 (t("Answers containing the expected answer"), pct(r.contains_rate)),
                 (t("Answer time"), ms(r.timing("answer_ms"), t))]
    rows += [(t("Retrieval time"), ms(r.timing("retrieval_ms"), t)), (t("Total time"), f"{r.seconds:.1f} s")]
    if r.unknown_sources:
        rows.append((t("Expected sources not in the collection"),
                     "; ".join(t("line {0}: {1}").format(n, name) for n, name in r.unknown_sources)))
    return rows


def summary_text(report: EvalReport) -> str:
    width = max(len(label) for label, _ in headline(report))
    return "\n".join(f"{label.ljust(width)}  {value}" for label, value in headline(report))


def _about(report: EvalReport, t: Words = _same) -> list[tuple[str, str]]:
    model = t("not used (retrieval only)") if report.retrieval_only else report.model or DASH
    return [(t("Questions file"), report.source_file), (t("Collection"), report.collection),
            (t("Search model"), report.embedding or DASH), (t("Answering model"), model),
            (t("Run at"), report.created)]


def _cells(row: EvalRow, report: EvalReport, t: Words = _same) -> list[str]:
    item = row.item
    cells = [str(item.line), item.question, ", ".join(item.expected_sources) or DASH,
             DASH if row.rank is None else str(row.rank), row.documents[0] if row.documents else DASH]
    if not report.retrieval_only:
        said = " ".join(row.answer.split())
        cells += [yes_no(item.answerable, t), yes_no(row.found, t), yes_no(row.cited, t), yes_no(row.contains, t),
                  (said[:117] + "…" if len(said) > 120 else said) or DASH,
                  DASH if row.answer_ms is None else f"{row.answer_ms:.0f}"]
    cells.append(f"{row.retrieval_ms:.0f}")
    return cells


def _columns(report: EvalReport, t: Words = _same) -> list[str]:
    cols = [t("Line"), t("Question"), t("Expected source"), t("Rank"), t("Top document")]
    if not report.retrieval_only:
        cols += [t("Answerable"), t("Answered"), t("Cited"), t("Has expected answer"), t("Answer"), t("Answer ms")]
    return cols + [t("Retrieval ms")]


# -- Markdown ----------------------------------------------------------------------------------------
def _md(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def to_markdown(report: EvalReport) -> str:
    out = ["# Sillok evaluation", ""]
    out += [f"- {label}: {_md(value)}" for label, value in _about(report)]
    out += ["", "## Summary", "", "| Figure | Value |", "|---|---|"]
    out += [f"| {label} | {value} |" for label, value in headline(report)]
    out += ["", "## Recall@k", "", "| k | " + " | ".join(str(k) for k in range(1, K_MAX + 1)) + " |",
            "|---|" + "---|" * K_MAX, "| recall | " + " | ".join(pct(report.recall_at(k)) for k in range(1, K_MAX + 1)) + " |"]
    cols = _columns(report)
    out += ["", "## Questions", "", "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    out += ["| " + " | ".join(_md(c) for c in _cells(row, report)) + " |" for row in report.rows]
    return "\n".join(out) + "\n"


# -- HTML --------------------------------------------------------------------------------------------
def recall_svg(report: EvalReport, width: int = 560, height: int = 240, t: Words = _same) -> str:
    """recall@1..K_MAX as bars with their percentages, axis labels and a title (no external resources)."""
    left, bottom, top, right = 44, 30, 42, 10
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / K_MAX
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="recall at k">',
             f'<text x="{left}" y="16" font-size="13" font-family="sans-serif">{html.escape(t("Recall@k of the expected source"))}</text>']
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
                     f'font-family="sans-serif">{frac * 100:.0f}%</text>')
    for k in range(1, K_MAX + 1):
        value = report.recall_at(k) or 0.0
        x = left + step * (k - 1) + step * 0.15
        h = plot_h * value
        parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                     f'fill="#3b6ea5"><title>recall@{k}: {pct(report.recall_at(k))}</title></rect>')
        parts.append(f'<text x="{x + step * 0.35:.1f}" y="{top + plot_h - h - 3:.1f}" font-size="10" '
                     f'text-anchor="middle" font-family="sans-serif">{value * 100:.0f}</text>')
        parts.append(f'<text x="{x + step * 0.35:.1f}" y="{height - 12}" font-size="11" text-anchor="middle" '
                     f'font-family="sans-serif">{k}</text>')
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#555"/>')
    parts.append("</svg>")
    return "".join(parts)


def _table(head: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table border="1" cellspacing="0" cellpadding="4"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def to_html(report: EvalReport, chart: str | None = None, t: Words = _same) -> str:
    """The report as one HTML page; `chart` replaces the inline SVG (the window passes an <img> of it,
    as its text browser draws no SVG); `t` translates the labels (the window's language)."""
    about = "".join(f"<li>{html.escape(k)}: {html.escape(v)}</li>" for k, v in _about(report, t))
    summary = _table([t("Figure"), t("Value")], [list(r) for r in headline(report, t)])
    questions = _table(_columns(report, t), [_cells(row, report, t) for row in report.rows])
    title = html.escape(t("Sillok evaluation"))
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title>"
            "<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;font-size:90%}"
            "th{background:#eef2f7;text-align:left}td,th{border:1px solid #ccc;padding:3px 6px}</style></head>"
            f"<body><h1>{title}</h1><ul>{about}</ul><h2>{html.escape(t('Summary'))}</h2>{summary}"
            f"<h2>Recall@k</h2>{chart if chart is not None else recall_svg(report, t=t)}"
            f"<h2>{html.escape(t('Questions'))}</h2>{questions}</body></html>\n")


def write_reports(report: EvalReport, out_dir: str | Path) -> tuple[Path, Path]:
    """report.md and report.html in `out_dir` (made if missing); returns their paths."""
    from sillok.foundation.errors import SillokError

    out = Path(out_dir).expanduser()
    try:
        out.mkdir(parents=True, exist_ok=True)
        md, page = out / "report.md", out / "report.html"
        md.write_text(to_markdown(report), encoding="utf-8")
        page.write_text(to_html(report), encoding="utf-8")
    except OSError as exc:
        raise SillokError(f"{out}: cannot write the report ({exc.strerror or exc})") from exc
    return md, page
