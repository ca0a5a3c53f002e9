"""Office-server tokens in the OS keyring (an in-memory backend here), with the environment fallback."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backends import fail

from sillok.foundation import secrets
from sillok.foundation.errors import SillokError
from tests.support.keyring_memory import MemoryKeyring, memory_keyring


@pytest.fixture
def backend() -> Iterator[MemoryKeyring]:
    with memory_keyring() as mem:
        yield mem


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_token_goes_to_the_keyring_per_server(backend: MemoryKeyring) -> None:
    assert secrets.store_token("http://Sillok.office.lan:8000/v1/", " tok-1 ") == "keyring"
    secrets.store_token("https://index.office.lan", "tok-2")
    assert backend.store == {(secrets.SERVICE, "http://sillok.office.lan:8000"): "tok-1",
                             (secrets.SERVICE, "https://index.office.lan:443"): "tok-2"}
    got = secrets.read_token("http://sillok.office.lan:8000", environ={})
    assert (got.token, got.where) == ("tok-1", "keyring")
    assert secrets.read_token("https://index.office.lan/", environ={}).token == "tok-2"
    assert secrets.delete_token("http://sillok.office.lan:8000") is True
    assert secrets.delete_token("http://sillok.office.lan:8000") is False
    assert secrets.read_token("http://sillok.office.lan:8000", environ={}).where == "none"
    # Keyring empty for this server but the variable set: used, and said so.
    env = secrets.read_token("http://sillok.office.lan:8000", environ={secrets.ENV_VAR: "from-env"})
    assert (env.token, env.where) == ("from-env", "environment") and secrets.ENV_VAR in env.note


def test_headless_falls_back_to_the_environment(no_keyring: None) -> None:
    assert not secrets.keyring_available()
    got = secrets.read_token("http://sillok.office.lan:8000", environ={secrets.ENV_VAR: "t"})
    assert (got.token, got.where) == ("t", "environment") and "No OS keyring" in got.note
    none = secrets.read_token("http://sillok.office.lan:8000", environ={})
    assert none.token is None and secrets.ENV_VAR in none.note
    with pytest.raises(SillokError, match=secrets.ENV_VAR):
        secrets.store_token("http://sillok.office.lan:8000", "t")


def test_bad_input(backend: MemoryKeyring) -> None:
    with pytest.raises(SillokError, match="empty"):
        secrets.store_token("http://h:1", "  ")
    with pytest.raises(SillokError, match="not a server address"):
        secrets.server_key("http://")
