"""Write one archive holding the database, the media folder, the checkpoints and the signing key."""

from django.core.management.base import BaseCommand, CommandError

from documents.backup import BackupError, make_backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump on PostgreSQL, dumpdata otherwise), MEDIA_ROOT, "
        "AUDIT_CHECKPOINT_DIR and the signing key file into one .tar.gz. The key's passphrase "
        "and DJANGO_SECRET_KEY are not included: keep them apart."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", help="Path of the new archive (never overwritten).")

    def handle(self, *args, **options) -> None:
        try:
            summary = make_backup(options["archive"])
        except BackupError as exc:
            raise CommandError(f"No backup written: {exc}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup {summary.path}: database by {summary.method}, {summary.files} files."
            )
        )
