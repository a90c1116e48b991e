"""Check the hash chain of every cycle's step records; exit 1 naming the first bad record.

With --files, also rehash every stored file against its row and the record that sealed it, and
name each bad one. The chain is checked against the latest signed checkpoint when there is one.
"""

from django.core.management.base import BaseCommand, CommandError

from workflow import audit
from workflow.audit import verify_cycles
from workflow.models import Cycle, StepRecord

# Cycles whose records are read together (about 11 records each in a generated archive).
BATCH = 500


class Command(BaseCommand):
    help = "Verify the tamper-evident record chain of every cycle (exit 0 whole, 1 broken)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--cycle", type=int, help="Check only this cycle.")
        parser.add_argument(
            "--files",
            action="store_true",
            help="Also rehash every stored file against its row and its step record.",
        )

    def handle(self, *args, **options) -> None:
        cycles = Cycle.objects.order_by("pk")
        if options["cycle"]:
            cycles = cycles.filter(pk=options["cycle"])
        checked = records = 0
        fields = ("pk", "head_hash", "record_count", "state")
        batch: list[Cycle] = []
        # The records of a batch of cycles in one read, not one query per cycle.
        for cycle in cycles.only(*fields).iterator(chunk_size=BATCH):
            batch.append(cycle)
            if len(batch) == BATCH:
                self._verify(batch)
                batch = []
            checked += 1
            records += cycle.record_count
        self._verify(batch)
        orphans = StepRecord.objects.exclude(cycle_id__in=Cycle.objects.values("pk")).count()
        if orphans:
            raise CommandError(f"Audit chain broken: {orphans} records belong to no cycle")
        summary = f"Audit chain whole: {checked} cycles, {records} records."
        summary += self._check_checkpoint(options["cycle"])
        if options["files"]:
            summary += self._check_files(cycles)
        self.stdout.write(self.style.SUCCESS(summary))

    @staticmethod
    def _verify(cycles: list[Cycle]) -> None:
        problem = verify_cycles(cycles)
        if problem:
            raise CommandError(f"Audit chain broken at {problem}")

    def _check_checkpoint(self, only_cycle: int | None) -> str:
        try:
            checkpoint = audit.latest_checkpoint()
        except audit.CheckpointInvalid as exc:
            raise CommandError(f"Audit checkpoint invalid: {exc}") from None
        if checkpoint is None:
            return " No checkpoint to compare with."
        breaks = audit.check_against_checkpoint(checkpoint, only_cycle=only_cycle)
        if breaks:
            for problem in breaks:
                self.stderr.write(f"Checkpoint {checkpoint.name}: {problem}")
            raise CommandError(
                f"Audit chain disagrees with checkpoint {checkpoint.name}: "
                f"{len(breaks)} cycle(s) rewritten or cut before it"
            )
        return f" Agrees with checkpoint {checkpoint.name} ({checkpoint.created_at})."

    def _check_files(self, cycles) -> str:
        count = 0
        problems = []
        for cycle_id in cycles.values_list("pk", flat=True).iterator(chunk_size=500):
            found = audit.check_files(cycle_id)
            problems.extend(found)
            for problem in found:
                self.stderr.write(f"Bad file: {problem}")
            count += 1
        if problems:
            raise CommandError(f"Stored files do not match the record: {len(problems)} bad file(s)")
        return f" Stored files of {count} cycles match their rows and records."
