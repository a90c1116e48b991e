"""One archive that holds what must be restored together: database, files, checkpoints, key.

The database is dumped with pg_dump on PostgreSQL: an exact, consistent snapshot that keeps what
Django's serializer does not (the append-only triggers, sequences, constraints), restored with
pg_restore. On SQLite (development, small offices) it is Django's `dumpdata` with natural foreign
keys for content types and permissions but the rows' own primary keys kept: the hash chain seals
cycle, actor and unit ids, so restored rows must keep them. In XML, not JSON: Django's JSON encoder
cuts datetimes to milliseconds, and the chain hashes them to the microsecond.

The database is dumped first, the files copied after it: files are written before their rows
commit and never changed, so every file the dump names is in the archive (a file uploaded during
the backup may be there without a row; purge_orphan_files removes it). The passphrase of the
signing key and DJANGO_SECRET_KEY are never written into the archive: keep them apart.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection

BACKUP_FORMAT = "sop-portal-backup/1"
# Rows a fresh `migrate` makes again; dumping them would clash with the new ones.
DUMPDATA_EXCLUDE = ["contenttypes", "auth.permission", "sessions"]


class BackupError(Exception):
    """A backup that cannot be made, or an archive that cannot be restored here."""


@dataclass(frozen=True)
class BackupSummary:
    """What went into (or came out of) an archive."""

    path: Path
    method: str
    files: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump / pg_restore from DATABASES."""
    db = settings.DATABASES["default"]
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _dump_database(folder: Path) -> tuple[str, str]:
    if connection.vendor == "postgresql":
        target = folder / "database.dump"
        args, env = _pg_env()
        command = ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *args]
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return "pg_dump", target.name
    target = folder / "database.xml"
    call_command(
        "dumpdata",
        format="xml",
        natural_foreign=True,
        exclude=DUMPDATA_EXCLUDE,
        output=str(target),
        verbosity=0,
    )
    return "dumpdata", target.name


def _sources() -> dict[str, Path]:
    """The folders and the key file that belong in a backup, by their name in the archive."""
    return {
        "media": Path(settings.MEDIA_ROOT),
        "checkpoints": Path(settings.AUDIT_CHECKPOINT_DIR),
        "signing/signer.p12": Path(settings.SIGNING_PKCS12_PATH),
    }


def make_backup(path: Path | str) -> BackupSummary:
    """Write one .tar.gz archive with the database dump, media, checkpoints and the signing key."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists; a backup never overwrites a file")
    with tempfile.TemporaryDirectory(prefix="sop-backup-") as tmp:
        method, dump_name = _dump_database(Path(tmp))
        entries: dict[str, Path] = {dump_name: Path(tmp) / dump_name}
        for name, source in _sources().items():
            if source.is_file():
                entries[name] = source
            elif source.is_dir():
                for file in sorted(p for p in source.rglob("*") if p.is_file()):
                    entries[f"{name}/{file.relative_to(source).as_posix()}"] = file
        manifest = {
            "format": BACKUP_FORMAT,
            "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "database": {"vendor": connection.vendor, "method": method, "file": dump_name},
            "files": {name: _sha256(file) for name, file in entries.items()},
        }
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # holds the private key
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo("MANIFEST.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            for name, file in entries.items():
                archive.add(file, arcname=name, recursive=False)
    return BackupSummary(path=path, method=method, files=len(entries) - 1)


def _read_archive(path: Path, into: Path) -> dict:
    """Extract an archive safely into `into` and check every file against its manifest."""
    with tarfile.open(path, "r:gz") as archive:
        archive.extractall(into, filter="data")
    try:
        manifest = json.loads((into / "MANIFEST.json").read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path}: no readable MANIFEST.json ({exc})") from None
    if manifest.get("format") != BACKUP_FORMAT:
        raise BackupError(f"{path}: unknown format {manifest.get('format')!r}")
    for name, sha256 in manifest["files"].items():
        file = into / name
        if not file.is_file() or _sha256(file) != sha256:
            raise BackupError(f"{path}: {name} is missing or damaged in the archive")
    return manifest


def _database_is_empty() -> bool:
    from workflow.models import Cycle, User

    tables = connection.introspection.table_names()
    if Cycle._meta.db_table not in tables:
        return True
    return not Cycle.objects.exists() and not User.objects.exists()


def _restore_database(folder: Path, database: dict) -> None:
    if database["method"] == "pg_dump":
        if connection.vendor != "postgresql":
            raise BackupError("this archive holds a PostgreSQL dump: restore it into PostgreSQL")
        if connection.introspection.table_names():
            raise BackupError("the database is not empty: restore into a new, empty database")
        args, env = _pg_env()
        command = [
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            *args,
            str(folder / database["file"]),
        ]
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        return
    if not _database_is_empty():
        raise BackupError("the database holds cycles or people: restore into an empty database")
    call_command("migrate", verbosity=0, interactive=False)
    # The data migrations' rows (roles, units, the SOP) come back from the dump with their ids.
    call_command("flush", verbosity=0, interactive=False)
    call_command("loaddata", str(folder / database["file"]), verbosity=0)


def _has_files(folder: Path) -> bool:
    return folder.is_dir() and any(p.is_file() for p in folder.rglob("*"))


def _copy_tree(source: Path, target: Path, *, must_be_empty: bool) -> int:
    if not source.is_dir():
        return 0
    if must_be_empty and _has_files(target):
        raise BackupError(f"{target} already holds files: restore into an empty folder")
    count = 0
    for file in sorted(p for p in source.rglob("*") if p.is_file()):
        destination = target / file.relative_to(source)
        if destination.exists():
            if _sha256(destination) != _sha256(file):
                raise BackupError(f"{destination} exists with other content; not overwritten")
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, destination)
        count += 1
    return count


def restore_backup(path: Path | str) -> BackupSummary:
    """Restore an archive of make_backup into an empty database and empty media folder."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="sop-restore-") as tmp:
        folder = Path(tmp)
        manifest = _read_archive(path, folder)
        key = folder / "signing" / "signer.p12"
        target_key = Path(settings.SIGNING_PKCS12_PATH)
        if key.is_file() and target_key.is_file() and _sha256(key) != _sha256(target_key):
            raise BackupError(f"{target_key} holds another key; not overwritten")
        media = Path(settings.MEDIA_ROOT)
        if (folder / "media").is_dir() and _has_files(media):
            raise BackupError(f"{media} already holds files: restore into an empty folder")
        _restore_database(folder, manifest["database"])
        files = _copy_tree(folder / "media", media, must_be_empty=True)
        # Checkpoints are append-only: add the archive's, keep any already there.
        files += _copy_tree(
            folder / "checkpoints", Path(settings.AUDIT_CHECKPOINT_DIR), must_be_empty=False
        )
        if key.is_file() and not target_key.is_file():
            target_key.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(target_key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(key.read_bytes())
            files += 1
    return BackupSummary(path=path, method=manifest["database"]["method"], files=files)
