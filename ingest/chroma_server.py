"""The office index server: a Chroma server (`chroma run`) behind a token-checking proxy.

Chroma 1.x's Rust server has no auth of its own (its frontend auth hook is a no-op in the open-source
build), so the token is checked by a reverse proxy in front of it (docs/deploy.md); the client sends
`Authorization: Bearer <token>`. Every call goes through `talking(client)`, which turns a server that
is down, or refuses the token, into one clear SillokError naming the address the person typed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sillok.foundation.errors import SillokError
from sillok.foundation.servers import RemoteUnavailable, TokenRefused, split_url

INDEX_KEPT = "nothing typed or ingested is lost"


def make_chroma_client(url: str, token: str | None = None, *, tenant: str = "default_tenant",
                       database: str = "default_database") -> Any:
    """A `chromadb.HttpClient` for the office index at `url` (telemetry off; bearer token if given).

    Raises RemoteUnavailable when nothing answers there and TokenRefused when the proxy refuses the token.
    """
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    scheme, host, port = split_url(url)
    headers = {"Authorization": f"Bearer {token}"} if token else None
    try:
        client = chromadb.HttpClient(host=host, port=port, ssl=scheme == "https", headers=headers,
                                     settings=ChromaSettings(anonymized_telemetry=False),
                                     tenant=tenant, database=database)
    except Exception as exc:
        raise chroma_error(url, exc) from exc
    try:
        client.sillok_url = url  # for messages that name the address the person typed
    except AttributeError:
        pass
    return client


def chroma_error(url: str, exc: BaseException) -> SillokError:
    """For connecting: anything that goes wrong means the server cannot be used."""
    err = server_error(url, exc)
    if err is not None:
        return err
    return RemoteUnavailable("Office index server", url, type(exc).__name__, kept=INDEX_KEPT)


def server_error(url: str, exc: BaseException) -> SillokError | None:
    """A refused token, an unreachable server, or a collection deleted meanwhile, as a SillokError;
    None for anything else (a bug should keep its own traceback)."""
    text = f"{type(exc).__name__}: {exc}"
    if any(s in text for s in ("401", "403", "Unauthorized", "Forbidden", "AuthorizationError")):
        return TokenRefused("Office index server", url)
    if isinstance(exc, SillokError):
        return exc
    low = text.lower()
    if "refused" in low or "could not connect" in low or "connecterror" in low:
        return RemoteUnavailable("Office index server", url, "connection refused", kept=INDEX_KEPT)
    if isinstance(exc, (ConnectionError, TimeoutError)) or any(
            s in low for s in ("timed out", "timeout", "remoteprotocolerror", "disconnected", "connection reset")):
        return RemoteUnavailable("Office index server", url, "no reply in time" if "time" in low else "connection lost",
                                 kept=INDEX_KEPT)
    if type(exc).__name__ == "NotFoundError" and "does not exist" in low:
        return SillokError("the office collection was deleted or re-created on another desktop meanwhile; "
                           "try again (it is looked up afresh)")
    return None


def client_url(client: Any) -> str:
    url = getattr(client, "sillok_url", None)
    if url:
        return str(url)
    try:
        return str(client.get_settings().chroma_server_host)
    except Exception:  # noqa: BLE001 - only for the message
        return "the configured address"


@contextmanager
def talking(client: Any) -> Iterator[None]:
    """Chroma calls: a server that is down, or refuses the token, becomes one clear SillokError."""
    try:
        yield
    except SillokError:
        raise
    except Exception as exc:
        err = server_error(client_url(client), exc)
        if err is None:
            raise
        raise err from exc
