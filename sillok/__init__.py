"""Sillok (실록): a private desktop assistant that answers from an office's own documents.

`sillok` is the one import root. The layers live in their own top-level folders (app/, service/,
ingest/, models/, foundation/) and are mapped under this package by pyproject.toml's package-dir, so
the wheel installs `sillok.app`, `sillok.service`, … and nothing else at the top level.
"""
