"""Check the hash chain of every cycle's step records; exit 1 naming the first bad record."""

from django.core.management.base import BaseCommand, CommandError

from workflow.audit import verify_cycle
from workflow.models import Cycle, StepRecord


class Command(BaseCommand):
    help = "Verify the tamper-evident record chain of every cycle (exit 0 whole, 1 broken)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--cycle", type=int, help="Check only this cycle.")

    def handle(self, *args, **options) -> None:
        cycles = Cycle.objects.order_by("pk")
        if options["cycle"]:
            cycles = cycles.filter(pk=options["cycle"])
        checked = records = 0
        fields = ("pk", "head_hash", "record_count", "state")
        for cycle in cycles.only(*fields).iterator(chunk_size=500):
            problem = verify_cycle(cycle)
            if problem:
                raise CommandError(f"Audit chain broken at {problem}")
            checked += 1
            records += cycle.record_count
        orphans = StepRecord.objects.exclude(cycle_id__in=Cycle.objects.values("pk")).count()
        if orphans:
            raise CommandError(f"Audit chain broken: {orphans} records belong to no cycle")
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain whole: {checked} cycles, {records} records.")
        )
