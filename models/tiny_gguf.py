"""Write tiny random llama GGUF files for tests.

Why: real models are large and slow; a 2-layer, 64-wide llama with a byte-level SentencePiece vocab
loads in milliseconds and exercises the same llama.cpp code paths (loading, tokenising, templating,
streaming, cancel). Its output is garbage, which is fine for tests of plumbing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

# Control tokens first so ids are stable: <unk>=0, <s>=1, </s>=2, then 256 byte tokens, then ChatML.
BASE_SPECIALS = ("<unk>", "<s>", "</s>")
CHAT_SPECIALS = ("<|im_start|>", "<|im_end|>")


def _vocab(n_vocab: int | None) -> tuple[list[str], list[float], list[int]]:
    from gguf import TokenType

    tokens = list(BASE_SPECIALS)
    types = [int(TokenType.UNKNOWN), int(TokenType.CONTROL), int(TokenType.CONTROL)]
    tokens += [f"<0x{b:02X}>" for b in range(256)]
    types += [int(TokenType.BYTE)] * 256
    tokens += list(CHAT_SPECIALS)
    types += [int(TokenType.CONTROL)] * len(CHAT_SPECIALS)
    minimum = len(tokens)
    if n_vocab is not None:
        if n_vocab < minimum:
            raise ValueError(f"n_vocab must be at least {minimum}")
        # Plain "words" made of the pad index so the SPM vocab stays unambiguous.
        for i in range(n_vocab - minimum):
            tokens.append(f"▁w{i}")
            types.append(int(TokenType.NORMAL))
    scores = [0.0] * len(tokens)
    for i, t in enumerate(tokens):
        if types[i] == int(TokenType.NORMAL):
            scores[i] = -float(len(t))
    return tokens, scores, types


def write_tiny_llama_gguf(
    path: str | Path,
    n_layers: int = 2,
    n_embd: int = 64,
    n_vocab: int | None = None,
    seed: int = 0,
    chat_template: str | None = None,
    *,
    architecture: str = "llama",
    n_head: int = 4,
    n_head_kv: int = 2,
    n_ff: int = 128,
    n_ctx_train: int = 2048,
    name: str = "tiny-llama-test",
) -> Path:
    """Write a random f32 llama-architecture GGUF to ``path`` and return the path.

    ``architecture`` may be set to something llama.cpp does not know, to test the error path.
    ``n_vocab`` defaults to the minimal vocab: <unk>, <s>, </s>, 256 byte tokens, <|im_start|>, <|im_end|>.
    """
    from gguf import GGUFWriter, LlamaFileType

    path = Path(path)
    rng = np.random.default_rng(seed)
    tokens, scores, types = _vocab(n_vocab)
    vocab = len(tokens)
    head_dim = n_embd // n_head
    n_embd_kv = head_dim * n_head_kv

    w = GGUFWriter(str(path), architecture)
    w.add_name(name)
    w.add_file_type(int(LlamaFileType.ALL_F32))
    w.add_context_length(n_ctx_train)
    w.add_embedding_length(n_embd)
    w.add_block_count(n_layers)
    w.add_feed_forward_length(n_ff)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_head_kv)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_rope_dimension_count(head_dim)
    w.add_vocab_size(vocab)
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_unk_token_id(0)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_add_bos_token(True)
    if chat_template is not None:
        w.add_chat_template(chat_template)

    def rand(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.02).astype(np.float32)

    # numpy shape (rows, cols) == ggml ne (cols, rows)
    w.add_tensor("token_embd.weight", rand(vocab, n_embd))
    w.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
    w.add_tensor("output.weight", rand(vocab, n_embd))
    for i in range(n_layers):
        p = f"blk.{i}."
        w.add_tensor(p + "attn_norm.weight", np.ones(n_embd, dtype=np.float32))
        w.add_tensor(p + "attn_q.weight", rand(n_embd, n_embd))
        w.add_tensor(p + "attn_k.weight", rand(n_embd_kv, n_embd))
        w.add_tensor(p + "attn_v.weight", rand(n_embd_kv, n_embd))
        w.add_tensor(p + "attn_output.weight", rand(n_embd, n_embd))
        w.add_tensor(p + "ffn_norm.weight", np.ones(n_embd, dtype=np.float32))
        w.add_tensor(p + "ffn_gate.weight", rand(n_ff, n_embd))
        w.add_tensor(p + "ffn_up.weight", rand(n_ff, n_embd))
        w.add_tensor(p + "ffn_down.weight", rand(n_embd, n_ff))

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path
