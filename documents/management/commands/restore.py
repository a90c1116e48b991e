"""Restore an archive of `backup` into an empty database and an empty media folder."""

from django.core.management.base import BaseCommand, CommandError

from documents.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an empty database, MEDIA_ROOT, AUDIT_CHECKPOINT_DIR and "
        "SIGNING_PKCS12_PATH. Set SIGNING_PKCS12_PASSPHRASE and DJANGO_SECRET_KEY yourself; then "
        "run verify_audit --files."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", help="An archive written by the backup command.")

    def handle(self, *args, **options) -> None:
        try:
            summary = restore_backup(options["archive"])
        except BackupError as exc:
            raise CommandError(f"Nothing restored: {exc}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {summary.path}: database by {summary.method}, {summary.files} files. "
                "Now run: manage.py verify_audit --files"
            )
        )
