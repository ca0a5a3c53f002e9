"""What every office-server client shares: address parsing and the errors staff see.

Office mode (docs/deploy.md) talks to three servers — the index (Chroma), the model and the embedding
server (OpenAI-compatible). Whatever the server, "down", "wrong token" and "not a server address" must
read the same and name the address the person typed, so the messages live here, below every client.
`classify`/`reason` read the `openai` client's exceptions (imported lazily: the window starts without it).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sillok.foundation.errors import SillokError

RETRY_BACKOFF_S = 0.5


class RemoteUnavailable(SillokError):  # noqa: N818 - reads as a state, like the other SillokErrors
    """An office server could not be reached (down, wrong address, too slow). The question is kept by
    the caller; `retry_in` is a suggested wait in seconds before trying again."""

    def __init__(self, what: str, url: str, reason: str, retry_in: float = 10.0,
                 kept: str = "your question is kept") -> None:
        self.url, self.reason, self.retry_in = url, reason, retry_in
        super().__init__(
            f"{what} at {url} is not reachable ({reason}); {kept} — retrying in "
            f"{retry_in:.0f} s may help, otherwise check the address in Settings or ask IT whether it is running"
        )


class TokenRefused(SillokError):  # noqa: N818
    def __init__(self, what: str, url: str) -> None:
        super().__init__(f"{what} at {url} refused the access token; enter the token IT gave you in Settings")


def split_url(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if not parts.hostname or parts.scheme not in ("http", "https"):
        raise SillokError(f"{url!r} is not a server address; use e.g. http://sillok.office.lan:8000")
    return parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def openai_base_url(url: str) -> str:
    """`http://host:8000` or `…/v1/` → `http://host:8000/v1` (what ChatOpenAI expects)."""
    split_url(url)
    url = url.rstrip("/")
    return url if url.endswith("/v1") else url + "/v1"


def classify(exc: BaseException) -> str | None:
    """'down' (retry), 'auth' (don't), or None (not ours to translate)."""
    import openai

    if isinstance(exc, (openai.AuthenticationError, openai.PermissionDeniedError)):
        return "auth"
    if isinstance(exc, (openai.APIConnectionError, openai.InternalServerError, openai.RateLimitError)):
        return "down"  # APITimeoutError is an APIConnectionError
    if isinstance(exc, openai.APIStatusError) and exc.status_code in (502, 503, 504):
        return "down"
    return None


def reason(exc: BaseException) -> str:
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return "no reply in time"
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    chain, e = [], exc
    while e is not None and len(chain) < 6:
        chain.append(f"{type(e).__name__} {e}".lower())
        e = e.__cause__ or e.__context__
    text = " ".join(chain)
    if "refused" in text:
        return "connection refused"
    if "timed out" in text or "timeout" in text:
        return "no reply in time"
    if "name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return "unknown host name"
    return "cannot connect"
