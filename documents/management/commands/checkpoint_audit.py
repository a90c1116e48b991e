"""Write a signed checkpoint of every cycle's chain head to a new file (run it from cron)."""

from django.core.management.base import BaseCommand, CommandError

from workflow import audit


class Command(BaseCommand):
    help = (
        "Sign the current head (record count, head hash) of every cycle with the office key and "
        "write it to a new file in AUDIT_CHECKPOINT_DIR; existing checkpoints are never touched."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dir", help="Write here instead of settings.AUDIT_CHECKPOINT_DIR.")

    def handle(self, *args, **options) -> None:
        try:
            path = audit.write_checkpoint(options["dir"])
            checkpoint = audit.read_checkpoint(path)
        except (audit.CheckpointInvalid, FileExistsError) as exc:
            raise CommandError(f"No checkpoint written: {exc}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint {path}: {len(checkpoint.heads)} cycles, SHA-256 {checkpoint.digest}."
            )
        )
