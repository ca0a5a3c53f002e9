"""The naive LangChain-style pipeline the issue compares against, built from the same libraries.

PyPDFLoader-style loading (pypdf, one document per page; text files read as UTF-8 with replacement),
RecursiveCharacterTextSplitter(1000, 200), all-MiniLM-L6-v2 through sentence-transformers (what
HuggingFaceEmbeddings wraps), Chroma.from_documents (add in max-batch-size slices), dense top-k.
langchain-community/-huggingface/-chroma are not dependencies of Sillok, so their thin wrappers are
reproduced here rather than installed.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any


def load_pages(path: Path) -> list[tuple[str, int | None]]:
    if path.suffix.lower() == ".pdf":
        from pypdf import PdfReader

        return [(p.extract_text() or "", i + 1) for i, p in enumerate(PdfReader(str(path)).pages)]
    return [(path.read_bytes().decode("utf-8", errors="replace"), None)]


class Naive:
    def __init__(self, home: Path) -> None:
        import chromadb
        from chromadb.config import Settings
        from langchain_text_splitters import RecursiveCharacterTextSplitter
        from sentence_transformers import SentenceTransformer

        from sillok.models.defaults import default_embedding_path

        self.model = SentenceTransformer(str(default_embedding_path()), device="cpu")
        self.splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        self.client = chromadb.PersistentClient(str(home), settings=Settings(anonymized_telemetry=False))
        self.col = self.client.get_or_create_collection("naive", embedding_function=None)

    def ingest(self, files: list[Path]) -> dict[str, Any]:
        t0 = time.perf_counter()
        texts: list[str] = []
        metas: list[dict[str, Any]] = []
        pages = 0
        for f in files:
            for text, page in load_pages(f):
                pages += 1
                for piece in self.splitter.split_text(text):
                    texts.append(piece)
                    metas.append({"source": str(f), "page": page or 0})
        vecs = self.model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
        step = self.client.get_max_batch_size()
        for i in range(0, len(texts), step):
            self.col.add(ids=[str(j) for j in range(i, min(i + step, len(texts)))], embeddings=vecs[i : i + step],
                         documents=texts[i : i + step], metadatas=metas[i : i + step])
        return {"seconds": time.perf_counter() - t0, "pages": pages, "chunks": len(texts)}

    def search(self, query: str, k: int = 5) -> list[dict[str, Any]]:
        vec = self.model.encode([query], normalize_embeddings=True)
        res = self.col.query(query_embeddings=vec, n_results=k, include=["documents", "metadatas"])
        return [{"source": m["source"], "text": d} for d, m in zip(res["documents"][0], res["metadatas"][0], strict=True)]
