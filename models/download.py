"""An explicit, resumable model download (only when the person asks for one; never at run time)."""

from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from sillok.foundation.cancel import CancelToken
from sillok.foundation.errors import SillokError
from sillok.models.catalogue import RecommendedModel
from sillok.models.gguf_header import validate_gguf


def download(
    spec: RecommendedModel,
    dest_dir: str | Path,
    progress: Callable[[int, int | None], None] | None = None,
    cancel: CancelToken | None = None,
    *,
    base_url: str | None = None,
    timeout: float = 30.0,
    chunk: int = 1 << 20,
) -> Path:
    """Fetch ``spec`` into ``dest_dir`` (only when called): resumes ``*.part`` with a Range request,
    reports ``progress(done, total)``, checks sha256 when known, and raises Cancelled on cancel
    (the ``.part`` stays for a later resume)."""
    if spec.bundled or not spec.filename:
        raise SillokError(f"{spec.name}: nothing to download ({spec.notes})")
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    final, part = dest_dir / spec.filename, dest_dir / (spec.filename + ".part")
    if final.exists():
        return final
    url = spec.url(base_url or os.environ.get("HF_ENDPOINT") or "https://huggingface.co")
    have = part.stat().st_size if part.exists() else 0
    req = urllib.request.Request(url, headers={"User-Agent": "sillok"})
    if have:
        req.add_header("Range", f"bytes={have}-")
    try:
        resp = urllib.request.urlopen(req, timeout=timeout)  # noqa: S310 - https/http URL built above
    except urllib.error.HTTPError as e:
        if e.code != 416:  # 416: the .part already holds the whole file
            why = {401: "the server asks for a login", 403: "the server refused access",
                   404: "the file is not on the server"}.get(e.code, "the server answered with an error")
            raise SillokError(f"download of {spec.filename} failed: {why} (HTTP {e.code}, {url})") from None
        resp = None
    except (urllib.error.URLError, OSError) as e:
        raise SillokError(f"download of {spec.filename} failed: {_why(e)} ({url})") from None
    if resp is not None:
        with resp:
            if resp.status != 206:
                have = 0  # server ignored Range: start again
            length = resp.headers.get("Content-Length")
            total = have + int(length) if length else None
            with part.open("ab" if have else "wb") as f:
                done = have
                while block := resp.read(chunk):
                    if cancel is not None:
                        cancel.check()
                    f.write(block)
                    done += len(block)
                    if progress:
                        progress(done, total)
    if spec.sha256:
        digest = _sha256(part)
        if digest != spec.sha256.lower():
            part.unlink(missing_ok=True)
            raise SillokError(
                f"download of {spec.filename} is corrupt: sha256 {digest} != expected {spec.sha256}; try again"
            )
    validate_gguf(part)
    os.replace(part, final)
    return final


def _why(e: BaseException) -> str:
    """A person's words for a network failure (not "<urlopen error [Errno -2] …>")."""
    import socket
    import ssl

    reason = getattr(e, "reason", e)
    if isinstance(reason, socket.gaierror):
        return "no internet connection (the server's name could not be looked up)"
    if isinstance(reason, TimeoutError | socket.timeout):
        return "the server did not answer in time"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(reason, ssl.SSLError):
        return "the secure connection failed (a proxy or firewall may be in the way)"
    if isinstance(reason, ConnectionError):
        return "the connection was interrupted"
    return f"network error ({reason})"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()
