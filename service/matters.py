"""Collections as matters: what belongs to one (its index, its conversations, its watched folders)
moves with it when it is renamed and goes with it when it is deleted.

Why a module of its own: the facade's rename/delete only know the index; conversations
(sillok.service.conversations) and watched folders (sillok.service.folders) are kept by name, so a
rename that did not carry them hid a matter's questions and answers, and a delete left them on disk
although the person was told the collection was gone. Only the facade's public methods are used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sillok.service.folders import FolderList


@dataclass(frozen=True)
class Deleted:
    collection: str
    conversations: int  # deleted, or kept (then under ``kept_as``)
    kept_as: str | None = None


def rename_collection(svc: Any, old: str, new: str) -> int:
    """Rename the collection, its conversations and its watched folders; returns the conversations moved."""
    svc.rename_collection(old, new)
    FolderList(svc.settings.home).rename_collection(old, new)
    return svc.conversations().rename_collection(old, new)


def delete_collection(svc: Any, name: str, keep_conversations: bool = False) -> Deleted:
    """Delete the collection's conversations (or, asked to keep them, file them under "<name> (deleted
    <date>)", a name no collection has, so they never show in another matter), then its index, and stop
    watching its folders. Conversations go first: a kill in between leaves the index, never the talk."""
    convs = svc.conversations()
    if keep_conversations:
        kept_as = f"{name} (deleted {datetime.now():%Y-%m-%d %H:%M})"
        n = convs.rename_collection(name, kept_as)
    else:
        kept_as, n = None, convs.delete_collection(name)
    svc.delete_collection(name)
    FolderList(svc.settings.home).drop_collection(name)
    return Deleted(name, n, kept_as if n else None)
