"""HWPX packages built on disk (a zip of OWPML XML parts) for the loader, fuzz and limit tests."""

from __future__ import annotations

import zipfile
from pathlib import Path

HWPX_MIME = "application/hwp+zip"
HWPX_NS = (
    'xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section" '
    'xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph"'
)


def hwpx_para(text: str) -> str:
    return f'<hp:p><hp:run charPrIDRef="0"><hp:t>{text}</hp:t></hp:run></hp:p>'


def hwpx_table(rows: list[list[str]]) -> str:
    trs = "".join(
        "<hp:tr>"
        + "".join(f"<hp:tc><hp:subList>{hwpx_para(c)}</hp:subList></hp:tc>" for c in row)
        + "</hp:tr>"
        for row in rows
    )
    return f"<hp:p><hp:run><hp:tbl>{trs}</hp:tbl></hp:run></hp:p>"


def write_hwpx(
    path: Path,
    sections: list[str],
    spine: list[int] | None = None,
    manifest: str = "",
    extra: dict[str, bytes] | None = None,
) -> Path:
    """An HWPX package at `path`: `sections` are XML bodies; `spine` orders them via content.hpf."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", HWPX_MIME, compress_type=zipfile.ZIP_STORED)
        for i, body in enumerate(sections):
            zf.writestr(f"Contents/section{i}.xml", f'<?xml version="1.0"?><hs:sec {HWPX_NS}>{body}</hs:sec>')
        if spine is not None:
            items = "".join(f'<opf:item id="s{i}" href="Contents/section{i}.xml"/>' for i in range(len(sections)))
            refs = "".join(f'<opf:itemref idref="s{i}"/>' for i in spine)
            zf.writestr(
                "Contents/content.hpf",
                '<opf:package xmlns:opf="http://www.idpf.org/2007/opf/"><opf:metadata><opf:title>'
                f"</opf:title></opf:metadata><opf:manifest>{items}</opf:manifest>"
                f"<opf:spine>{refs}</opf:spine></opf:package>",
            )
        if manifest:
            zf.writestr("META-INF/manifest.xml", manifest)
        for member, data in (extra or {}).items():
            zf.writestr(member, data)
    return path
