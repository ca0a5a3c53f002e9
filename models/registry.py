"""Which GGUF models are installed: the bundled default, `*.gguf` in the models folder, files added by path."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from sillok.foundation.errors import SillokError
from sillok.models.gguf_header import validate_gguf


@dataclass(frozen=True)
class ModelEntry:
    path: str
    name: str
    size_bytes: int
    architecture: str
    source: str  # "default" | "folder" | "added"
    error: str = ""  # set when the file is listed but unusable
    languages: str = ""  # what the catalogue says it writes ("en", "ko, en"); "" for a model it does not know


class ModelRegistry:
    """Default model + ``*.gguf`` in ``models_dir`` + files added by path (kept in ``state_dir/models.json``)."""

    def __init__(self, state_dir: str | Path, models_dir: str | Path | None = None) -> None:
        self.state_file = Path(state_dir) / "models.json"
        self.models_dir = Path(models_dir) if models_dir else None

    def _added(self) -> list[str]:
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
            return [str(x) for x in data.get("added", [])]
        except (OSError, ValueError, AttributeError):
            return []

    def _save(self, added: list[str]) -> None:
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"added": added}, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.state_file)

    def list(self) -> list[ModelEntry]:
        from sillok.models.defaults import default_llm_path

        seen: set[str] = set()
        out: list[ModelEntry] = []
        candidates: list[tuple[Path, str]] = []
        if (d := default_llm_path()) is not None:
            candidates.append((d, "default"))
        if self.models_dir and self.models_dir.is_dir():
            candidates += [(p, "folder") for p in sorted(self.models_dir.glob("*.gguf"))]
        candidates += [(Path(p), "added") for p in self._added()]
        for p, source in candidates:
            key = str(p.resolve())
            if key in seen:
                continue
            seen.add(key)
            out.append(_entry(p, source))
        return out

    def add(self, path: str | Path) -> ModelEntry:
        """Validate (magic, header, size) and remember the file; SillokError if it is not a usable GGUF."""
        info = validate_gguf(Path(path).expanduser())
        added = self._added()
        resolved = str(info.path.resolve())
        if resolved not in added:
            self._save([*added, resolved])
        return _entry(info.path, "added")

    def remove(self, path: str | Path) -> None:
        resolved = str(Path(path).expanduser().resolve())
        self._save([p for p in self._added() if p != resolved])


def _entry(p: Path, source: str) -> ModelEntry:
    from sillok.models.recommend import bundled, spec_for_file

    spec = bundled() if source == "default" else spec_for_file(p)
    langs = spec.languages if spec is not None else ""
    try:
        info = validate_gguf(p)
        return ModelEntry(str(p), info.name, info.file_size, info.architecture, source, languages=langs)
    except SillokError as e:
        size = p.stat().st_size if p.exists() else 0
        return ModelEntry(str(p), p.stem, size, "", source, error=str(e), languages=langs)
