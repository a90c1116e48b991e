"""Whether the stored bytes of a file are still the bytes its row (and its record) vouch for."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import IO

from workflow.audit import StoredFile

from .models import Artefact, SignedDocument

CHUNK = 1024 * 1024


class FileMissing(Exception):
    """The row names a file that is not in storage."""


class FileChanged(Exception):
    """The stored bytes do not hash to the SHA-256 on the row."""


def sha256_of(handle: IO[bytes]) -> str:
    """SHA-256 of a file read in chunks from where it stands."""
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def artefact_sha256(artefact: Artefact) -> str | None:
    """The hash of an artefact's stored bytes now, or None when the file is missing."""
    try:
        with artefact.file.storage.open(artefact.file.name, "rb") as handle:
            return sha256_of(handle)
    except FileNotFoundError:
        return None


def open_checked(artefact: Artefact) -> IO[bytes]:
    """Open an artefact's file, hashed and rewound: FileMissing or FileChanged if it is not whole.

    The handle that was hashed is the one handed out, so a replacement between the check and
    the download cannot slip through.
    """
    try:
        handle = artefact.file.storage.open(artefact.file.name, "rb")
    except FileNotFoundError:
        raise FileMissing(artefact.file.name) from None
    if sha256_of(handle) != artefact.sha256:
        handle.close()
        raise FileChanged(artefact.file.name)
    handle.seek(0)
    return handle


def signed_bytes_checked(document: SignedDocument) -> bytes:
    """The stored signed bytes, or FileChanged when they no longer hash to the row's SHA-256."""
    data = bytes(document.pdf or b"")
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise FileChanged(document.filename)
    return data


def stored_files(cycle_id: int) -> Iterator[StoredFile]:
    """Every stored file of a cycle with the hash of its bytes now (for verify_audit --files)."""
    for artefact in Artefact.objects.filter(cycle_id=cycle_id).order_by("pk").iterator():
        yield StoredFile(
            kind="artefact",
            pk=artefact.pk,
            name=artefact.file.name,
            row_sha256=artefact.sha256,
            found_sha256=artefact_sha256(artefact),
            sealed_seq=artefact.sealed_record_seq,
        )
    for document in SignedDocument.objects.filter(cycle_id=cycle_id).order_by("pk"):
        data = bytes(document.pdf or b"")
        yield StoredFile(
            kind="signed_document",
            pk=document.pk,
            name=document.filename,
            row_sha256=document.sha256,
            found_sha256=hashlib.sha256(data).hexdigest() if data else None,
        )
