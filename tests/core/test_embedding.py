"""The embedding runtime on the real bundled model: prefixes, keys, bf16 fast path."""

from __future__ import annotations

import numpy as np
import pytest

from sillok.models.embedding import Embedder, cpu_has_bf16, prefixes_for


def test_bf16_vectors_match_fp32() -> None:
    if not cpu_has_bf16():
        pytest.skip("this CPU has no native bf16; the fp32 path is the only one used here")
    texts = ["The licensee shall not assign this agreement without prior written consent.",
             "Metformin lowered HbA1c in adults with type 2 diabetes."]
    fp32 = Embedder(bf16=False).embed_passages(texts)
    bf16 = Embedder(bf16=True).embed_passages(texts)
    assert np.min(np.sum(fp32 * bf16, axis=1)) > 0.999


def test_e5_prefixes_and_keys() -> None:
    assert prefixes_for("intfloat/multilingual-e5-small", None, None) == ("query: ", "passage: ")
    assert prefixes_for("all-MiniLM-L6-v2", None, None) == ("", "")
    a, b = Embedder(), Embedder(max_seq_length=256)
    assert a.key != b.key and a.key == Embedder().key


def test_missing_model_folder_is_a_clear_error(tmp_path) -> None:
    from sillok.foundation.errors import SillokError

    with pytest.raises(SillokError, match="cannot load embedding model"):
        Embedder(str(tmp_path / "nope")).embed_query("x")
