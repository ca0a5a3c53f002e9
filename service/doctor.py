"""`sillok doctor` and the About box: versions, paths, models and GPU backend, never a secret."""

from __future__ import annotations

from typing import Any


def doctor(svc: Any) -> dict[str, Any]:
    """What is installed and in use; it reports problems, it never fails."""
    import importlib.metadata as md
    import platform

    def version(pkg: str) -> str:
        try:
            return md.version(pkg)
        except md.PackageNotFoundError:
            return "not installed"

    info: dict[str, Any] = {
        "sillok": version("sillok"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "data_dir": str(svc.settings.home),
        "embedding_model": svc.embedder.name,
        "embedding_source": svc.embedder.source,
        "versions": {p: version(p) for p in ("chromadb", "sentence-transformers", "torch", "kiwipiepy",
                                             "llama_cpp_python", "langchain-core", "PySide6")},
    }
    from sillok.ingest import ocr

    info["ocr"] = {**ocr.status(svc.settings.ocr_tessdata), "enabled": bool(svc.settings.ocr)}
    try:
        from sillok.models.gpu import detect_backend

        info["gpu_backend"] = detect_backend()
    except Exception as exc:  # noqa: BLE001 - doctor reports, it never fails
        info["gpu_backend"] = f"unknown ({exc})"
    st = svc.settings
    if st.office_mode:  # which servers, and where each token comes from (never the token itself)
        from sillok.foundation.secrets import read_token

        servers = {"index": st.chroma_url, "model": st.llm_server_url, "embeddings": st.embedding_server_url}
        info["office"] = {k: {"url": u, "token": f"{t.where}" + (f" ({t.note})" if t.note else "")}
                          for k, u in servers.items() if u for t in [read_token(u)]}
    try:
        from sillok.models.defaults import default_llm_path

        info["llm_model"] = svc.settings.llm_model if svc.settings.llm_model != "default" else str(default_llm_path())
    except Exception as exc:  # noqa: BLE001
        info["llm_model"] = f"unknown ({exc})"
    return info


def model_status(svc: Any) -> dict[str, Any]:
    """What the window's status bar shows: model, backend and layers, context size, embedding model."""
    from pathlib import Path

    from sillok.models.defaults import default_llm_path
    from sillok.models.gguf_header import inspect_gguf
    from sillok.models.gpu import detect_backend
    from sillok.service.backends import office_model

    st = svc.settings
    out: dict[str, Any] = {"embedding": svc.embedder.name, "n_ctx": st.n_ctx, "loaded": False,
                           "backend": detect_backend(), "layers": str(st.n_gpu_layers)}
    if office_model(st):  # answers come from the office model server
        out.update(model=st.llm_server_model, loaded=True, note=st.llm_server_url)
        return out
    path = default_llm_path() if st.llm_model == "default" else Path(st.llm_model)
    # The file name, which people chose and recognise (a GGUF's general.name is often a training
    # tag like "Smollm2 135M 8k Lc100K Mix1 Ep2"); that name goes in the tooltip.
    out["model"] = Path(path).stem if path else "—"
    try:
        if path:
            out["note"] = inspect_gguf(path).name
    except Exception as e:  # noqa: BLE001 - the status bar names the problem, it never fails
        out["model_error"] = str(e)
    info = svc.model_info()
    if info is not None:
        out.update(model=Path(info.model_path).stem, backend=info.backend, n_ctx=info.n_ctx, loaded=True,
                   layers=f"{info.n_gpu_layers}/{info.n_layers}",
                   note="; ".join(x for x in (info.model_name, info.message) if x))
    return out
