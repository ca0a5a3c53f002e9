"""Office-server tokens: kept in the OS keyring, never in a settings file.

Why the keyring: settings.json and the machine-wide file are plain text that backups, support bundles
and colleagues read; a token there is a token leaked. The `keyring` package reaches the OS store
(Windows Credential Manager, macOS Keychain, Secret Service/KWallet on Linux desktops).

Headless Linux (no D-Bus secret service) has no keyring: `keyring` then picks its `fail` backend. There
the token comes from the environment variable `SILLOK_SERVER_TOKEN` (set by IT in the service unit or the
login profile) and `read_token` says so in `TokenSource.note`. The variable is read by
`sillok.foundation.settings.server_token_from_env()` (the one module that reads the environment); settings have no
token field, so no settings file can hold one.

Each server has its own entry, keyed by its normalised address (`scheme://host:port`), so the model
server and the index server may use different tokens.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from sillok.foundation.errors import SillokError

SERVICE = "Sillok office server"
ENV_VAR = "SILLOK_SERVER_TOKEN"
NO_KEYRING = (
    "No OS keyring is available on this computer (headless Linux without a secret service?), so the "
    f"office-server token is read from the environment variable {ENV_VAR} instead; it is never written "
    "to a settings file."
)


@dataclass(frozen=True)
class TokenSource:
    """A token and where it came from: "keyring", "environment" or "none"; `note` is for the user."""

    token: str | None
    where: str
    note: str = ""


def server_key(url: str) -> str:
    """`http://Host:8000/v1/` → `http://host:8000`: one keyring entry per server, whatever the path."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if not parts.hostname:
        raise SillokError(f"{url!r} is not a server address; use e.g. http://sillok.office.lan:8000")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{parts.hostname.lower()}:{port}"


def keyring_available() -> bool:
    """True when `keyring` has a real backend (not its `fail` placeholder)."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return False
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return False
    # A chainer with nothing to chain is as good as none.
    return not (hasattr(backend, "backends") and not backend.backends)


def store_token(url: str, token: str) -> str:
    """Save `token` for the server at `url` in the OS keyring; returns where it went ("keyring")."""
    token = token.strip()
    if not token:
        raise SillokError("the office-server token is empty; paste the token IT gave you")
    if not keyring_available():
        raise SillokError(NO_KEYRING)
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, server_key(url), token)
    except KeyringError as exc:
        raise SillokError(f"the OS keyring refused to store the token ({exc}); set {ENV_VAR} instead") from exc
    return "keyring"


def read_token(url: str, environ: Mapping[str, str] | None = None) -> TokenSource:
    """The token for the server at `url`: keyring first, then `SILLOK_SERVER_TOKEN`, else none."""
    env: Mapping[str, str] = {ENV_VAR: _env_token() or ""} if environ is None else environ
    if keyring_available():
        import keyring
        from keyring.errors import KeyringError

        try:
            token = keyring.get_password(SERVICE, server_key(url))
        except KeyringError:
            token = None
        if token:
            return TokenSource(token, "keyring")
        if env.get(ENV_VAR):
            return TokenSource(env[ENV_VAR], "environment", f"token read from {ENV_VAR} (none in the keyring)")
        return TokenSource(None, "none", "no token stored for this server; enter it in Settings")
    if env.get(ENV_VAR):
        return TokenSource(env[ENV_VAR], "environment", NO_KEYRING)
    return TokenSource(None, "none", NO_KEYRING + f" {ENV_VAR} is not set either.")


def _env_token() -> str | None:
    try:
        from sillok.foundation.settings import server_token_from_env  # type: ignore[attr-defined]
    except ImportError:  # settings without office mode: no environment fallback
        return None
    return server_token_from_env()  # type: ignore[no-any-return]


def delete_token(url: str) -> bool:
    """Forget the stored token for `url`; False when there was none (or no keyring)."""
    if not keyring_available():
        return False
    import keyring
    from keyring.errors import PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, server_key(url))
    except PasswordDeleteError:
        return False
    return True
