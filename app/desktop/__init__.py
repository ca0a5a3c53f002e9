"""The Qt desktop window. The only place (with app/cli.py's siblings) that imports PySide6.

House rules (see shared/DESIGN.md): never touch widgets from the worker, never block the UI thread,
no retrieval/prompt/model logic here: every heavy call goes through the `sillok.service.facade.Sillok` facade
on the one worker thread (workers.py).
"""
