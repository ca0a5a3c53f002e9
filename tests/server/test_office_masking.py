"""Office mode: identifiers masked in what the shared index returns, Reveal read from the office index
and audited in the desktop's own log, and each desktop's log chained and verifiable on its own.

Real `chroma run` behind the token proxy (tests/server/conftest.py); two Sillok objects play two desktops.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sillok.foundation.secrets import store_token
from sillok.service.audit import audit_log
from sillok.service.audit_verify import verify
from sillok.service.facade import Sillok
from tests.support.keyring_memory import memory_keyring
from tests.support.servers import TOKEN, TokenProxy

NOTE = "외래 진료기록\n\n환자 김민지 주민등록번호 850314-2345678, 연락처 010-2345-6789, 환자번호: 20240001234.\n"


@pytest.fixture(scope="module")
def keyring_with_token(proxy: TokenProxy) -> Iterator[None]:
    with memory_keyring():
        store_token(proxy.url, TOKEN)
        yield


def test_office_search_is_masked_and_reveal_is_audited_per_desktop(keyring_with_token, proxy, tmp_path: Path):
    note = tmp_path / "share" / "note.txt"
    note.parent.mkdir()
    note.write_text(NOTE, encoding="utf-8")
    a = Sillok(home=tmp_path / "a", office_mode=True, chroma_url=proxy.url)
    b = Sillok(home=tmp_path / "b", office_mode=True, chroma_url=proxy.url)
    coll = "office masking"
    assert not a.ingest([note], coll).failed
    hit = b.search("김민지 주민등록번호", coll)[0]
    assert "850314-2******" in hit.text and "850314-2345678" not in hit.text and "010-****-6789" in hit.text
    full = b.reveal(hit.chunk_ids, coll)
    assert "850314-2345678" in full and b.masker.mask(full) == hit.text
    assert [e["event"] for e in audit_log(a).read()] == ["ingest"]
    reveal = audit_log(b).read()[-1]
    assert reveal["event"] == "reveal" and reveal["documents"] == [str(note.resolve())] and reveal["user"]
    for desk in (a, b):
        assert verify(audit_log(desk)).ok
        raw = b"".join(p.read_bytes() for p in (desk.settings.home / "audit").glob("audit.jsonl*"))
        assert b"850314-2345678" not in raw
    b.delete_collection(coll)
