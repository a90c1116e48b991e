"""Delete stored files that no artefact row names (left by a crash between write and commit),
and upload spool files that a killed worker left in FILE_UPLOAD_TEMP_DIR."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from documents.models import Artefact


class Command(BaseCommand):
    help = (
        "Delete files under MEDIA_ROOT/artefacts that no artefact names, and files in "
        "FILE_UPLOAD_TEMP_DIR, that are older than --age."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--age", type=int, default=3600, help="Minimum age in seconds (default 3600)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Only list the files.")

    def handle(self, *args, age: int, dry_run: bool, **options) -> None:
        root = Path(settings.MEDIA_ROOT)
        known = set(Artefact.objects.values_list("file", flat=True))
        cutoff = time.time() - age
        removed = 0
        for path in sorted((root / "artefacts").rglob("*")):
            name = path.relative_to(root).as_posix()
            # Young files may belong to a transaction that is still running.
            if path.is_file() and name not in known and path.stat().st_mtime < cutoff:
                removed += 1
                self.stdout.write(f"{'would remove' if dry_run else 'removed'} {name}")
                if not dry_run:
                    path.unlink()
        self.stdout.write(f"{removed} orphan file(s).")
        self._purge_upload_spool(cutoff, dry_run)

    def _purge_upload_spool(self, cutoff: float, dry_run: bool) -> None:
        # Django deletes a spooled upload when the request ends; one older than --age belongs to
        # a request that never ended (a killed worker). The folder holds nothing else.
        spool = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
        if not spool or not Path(spool).is_dir():
            return
        removed = 0
        for path in sorted(Path(spool).iterdir()):
            if path.is_file() and not path.is_symlink() and path.stat().st_mtime < cutoff:
                removed += 1
                self.stdout.write(f"{'would remove' if dry_run else 'removed'} {path}")
                if not dry_run:
                    path.unlink(missing_ok=True)
        self.stdout.write(f"{removed} abandoned upload file(s).")
