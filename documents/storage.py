"""Private file storage of the documents app: files under MEDIA_ROOT that have no public URL."""

from __future__ import annotations

import threading

from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files that only the portal's download views hand out (no MEDIA_URL, no static serving)."""

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; use the download view.")


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    """The storage of artefacts (a callable, so migrations do not freeze its location)."""
    return _storage


# Files written inside a transaction that has not committed yet. A receiver of
# transition_executing writes the files of a step form inside the engine's transaction; if a
# later part of that transaction fails, the rows vanish with the rollback but the files would
# stay on disk. Names are forgotten on commit; what is left is checked against the database.
_pending = threading.local()


def track_written(name: str) -> None:
    """Remember a file written inside the current transaction until that transaction commits."""
    from django.db import transaction

    names: set[str] = _pending.__dict__.setdefault("names", set())
    names.add(name)
    transaction.on_commit(lambda: names.discard(name))


def discard_uncommitted_files() -> list[str]:
    """Delete the files written by this thread whose artefact row is not in the database."""
    from .models import Artefact

    names: set[str] = _pending.__dict__.get("names", set())
    if not names:
        return []
    kept = set(Artefact.objects.filter(file__in=names).values_list("file", flat=True))
    removed = sorted(names - kept)
    for name in removed:
        _storage.delete(name)
    names.clear()
    return removed
