"""Checks on an uploaded file before anything is stored: name, type, size and leading bytes."""

from __future__ import annotations

import hashlib
import os
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

OOXML = {".docx": "word/", ".xlsx": "xl/"}
ODF = {
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": ODF[".odt"],
    ".ods": ODF[".ods"],
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
ALLOWED_EXTENSIONS = tuple(CONTENT_TYPES)
MAGIC = {
    ".pdf": b"%PDF-",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
}
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check, with what will be stored about it."""

    file: UploadedFile
    original_name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def clean_original_name(name: str) -> str:
    """The file's own name only: no directories, no control characters, at most 200 characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").strip()
    if len(name) > 200:
        stem, ext = os.path.splitext(name)
        name = stem[: 200 - len(ext)] + ext
    return name


def check_name(name: str) -> str:
    """Refuse a hostile name (NUL, a `..` part) and return the cleaned original name."""
    if "\x00" in name:
        raise ValidationError(_("Nama berkas memuat karakter NUL; berkas ditolak."), code="name")
    if ".." in name.replace("\\", "/").split("/"):
        raise ValidationError(
            _("Nama berkas tidak boleh memuat bagian '..' (penunjuk folder)."), code="name"
        )
    cleaned = clean_original_name(name)
    if not os.path.splitext(cleaned)[0]:
        raise ValidationError(_("Nama berkas kosong."), code="name")
    return cleaned


def _zip_matches(file: UploadedFile, extension: str) -> bool:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            if extension in ODF:
                # ODF puts an uncompressed "mimetype" entry first that names the document type.
                if not names or names[0] != "mimetype":
                    return False
                with archive.open("mimetype") as entry:
                    return entry.read(200).decode("ascii", "replace").strip() == ODF[extension]
            prefix = OOXML[extension]
            return "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError):
        return False
    finally:
        file.seek(0)


def check_upload(file: UploadedFile) -> CheckedUpload:
    """Check an uploaded file; raise ValidationError with a reason the uploader can act on."""
    original = check_name(file.name or "")
    extension = os.path.splitext(original)[1].lower()
    if extension not in CONTENT_TYPES:
        raise ValidationError(
            _("Jenis berkas %(ext)s tidak diterima. Jenis yang diterima: %(allowed)s.")
            % {
                "ext": extension or _("(tanpa ekstensi)"),
                "allowed": "PDF, DOCX, XLSX, ODT, ODS, JPG, PNG",
            },
            code="type",
        )
    limit = settings.ARTEFACT_MAX_BYTES
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("Berkas terlalu besar (%(size)s); batasnya %(limit)s.")
            % {"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
            code="size",
        )
    if not file.size:
        raise ValidationError(_("Berkas kosong."), code="empty")
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if extension in MAGIC:
        matches = head.startswith(MAGIC[extension])
    else:
        matches = head.startswith(ZIP_MAGIC) and _zip_matches(file, extension)
    if not matches:
        raise ValidationError(
            _("Isi berkas tidak sesuai dengan ekstensinya %(ext)s; berkas ditolak.")
            % {"ext": extension},
            code="content",
        )
    digest = hashlib.sha256()
    size = 0
    for chunk in file.chunks():
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    if size > limit:
        raise ValidationError(
            _("Berkas terlalu besar (%(size)s); batasnya %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="size",
        )
    return CheckedUpload(
        file=file,
        original_name=original,
        extension=extension,
        content_type=CONTENT_TYPES[extension],
        size=size,
        sha256=digest.hexdigest(),
    )
