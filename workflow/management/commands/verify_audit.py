"""Check the hash chain of every cycle's step records; exit 1 naming the first bad record."""

from django.core.management.base import BaseCommand, CommandError

from workflow.audit import check_chain
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
        for cycle_id, head_hash, record_count, state in cycles.values_list(
            "pk", "head_hash", "record_count", "state"
        ).iterator(chunk_size=500):
            rows = StepRecord.objects.filter(cycle_id=cycle_id).order_by("seq").values()
            problem = check_chain(
                cycle_id,
                rows.iterator(chunk_size=500),
                head_hash=head_hash,
                record_count=record_count,
                state=state,
            )
            if problem:
                raise CommandError(f"Audit chain broken at {problem}")
            checked += 1
            records += record_count
        orphans = StepRecord.objects.exclude(cycle_id__in=Cycle.objects.values("pk")).count()
        if orphans:
            raise CommandError(f"Audit chain broken: {orphans} records belong to no cycle")
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain whole: {checked} cycles, {records} records.")
        )
