"""Encryption at rest for conversations and the audit log (`encrypt_history`), see docs/data-at-rest.md.

Why Fernet (cryptography) and not SQLCipher: SQLCipher needs its own SQLite build and wheels for every
OS we package; Fernet (AES-128-CBC + HMAC-SHA256, authenticated) is in a wheel that is already a
dependency of the stack, and it lets plain and encrypted records live side by side, so turning the
option on (or off) never makes older records unreadable. What is sealed: a conversation's title, each
turn's question, answer and citations, and every audit line except its time. What is not: the document
index (sillok.db, chroma/) and the model files — see the document above.

The key is one random Fernet key per OS user, kept in the OS keyring (sillok.foundation.secrets.keyring_available:
Windows Credential Manager, macOS Keychain, Secret Service/KWallet), never in a file. Where there is no
real keyring the option is refused with a SillokError instead of writing the key next to the data.

A sealed value is text: `sillok-fernet1:` + the Fernet token (ASCII). `Box.open` passes plain text
through unchanged, so mixed files read back whole.
"""

from __future__ import annotations

import threading
from typing import Any

from sillok.foundation.errors import SillokError

PREFIX = "sillok-fernet1:"
SERVICE = "Sillok data at rest"
ACCOUNT = "history-key"  # one key per OS user: a moved data folder stays readable
NO_KEYRING = (
    "encrypt_history is on, but this computer has no OS keyring to keep the key in (headless Linux "
    "without a secret service?). Sillok will not store the key in a file beside the data it protects: "
    "turn encrypt_history off, start a keyring (GNOME Keyring/KWallet), or put the data folder on an "
    "encrypted volume instead (docs/data-at-rest.md)."
)


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


class Box:
    """Seals text when `enabled`; opens sealed text whenever the key is there (mixed records)."""

    def __init__(self, enabled: bool = False) -> None:
        self.enabled = bool(enabled)
        self._fernet: Any = None
        self._lock = threading.Lock()

    def check(self) -> None:
        """Raise SillokError now (not at the first write) when the option is on and no keyring exists."""
        if self.enabled:
            self._key(create=True)

    def seal(self, text: str, force: bool = False) -> str:
        """Sealed text when the option is on (or `force`: a sealed record rewritten stays sealed)."""
        if not (self.enabled or force) or is_sealed(text):
            return text
        token = self._key(create=True).encrypt(text.encode("utf-8"))
        return PREFIX + token.decode("ascii")

    def open(self, value: str) -> str:
        if not is_sealed(value):
            return value
        from cryptography.fernet import InvalidToken

        fernet = self._key(create=False)
        try:
            return str(fernet.decrypt(value[len(PREFIX):].encode("ascii")).decode("utf-8"))
        except (InvalidToken, ValueError) as exc:
            raise SillokError(
                "a record was encrypted with a key other than the one in this computer's keyring "
                "(another user or a restored keyring?); it cannot be read here"
            ) from exc

    def _key(self, create: bool) -> Any:
        with self._lock:
            if self._fernet is None:
                self._fernet = _load_key(create)
            return self._fernet


def _load_key(create: bool) -> Any:
    from cryptography.fernet import Fernet

    from sillok.foundation.secrets import keyring_available

    if not keyring_available():
        if create:
            raise SillokError(NO_KEYRING)
        raise SillokError("this record was encrypted (encrypt_history) and no OS keyring holding its key "
                          "is available on this computer")
    import keyring
    from keyring.errors import KeyringError

    try:
        key = keyring.get_password(SERVICE, ACCOUNT)
        if not key:
            if not create:
                raise SillokError("this record was encrypted (encrypt_history), but its key is not in this "
                                  "user's OS keyring (another user, or the keyring entry was deleted)")
            key = Fernet.generate_key().decode("ascii")
            keyring.set_password(SERVICE, ACCOUNT, key)
            if keyring.get_password(SERVICE, ACCOUNT) != key:  # a keyring that drops what it is given
                raise SillokError("the OS keyring did not keep the encryption key; encrypt_history stays off")
    except KeyringError as exc:
        raise SillokError(f"the OS keyring refused the encryption key ({exc})") from exc
    try:
        return Fernet(key.encode("ascii"))
    except (ValueError, TypeError) as exc:
        raise SillokError(f"the keyring entry '{SERVICE}' does not hold a valid key; delete it") from exc


def box_from_settings(settings: Any) -> Box:
    return Box(bool(getattr(settings, "encrypt_history", False)))
