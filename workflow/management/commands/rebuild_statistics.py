"""Recount the dashboard's figures from the step records and cycles.

The service keeps them up to date with each record; this is for data written around it (a bulk
generator, a restore, a repair) or after the working calendar changed.
"""

from django.core.management.base import BaseCommand, CommandParser

from workflow.statistics import rebuild


class Command(BaseCommand):
    help = "Recount the dashboard's per-step figures and per-state cycle counts from the records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sop", metavar="CODE", help="Recount only the SOP with this code.")

    def handle(self, *args, **options) -> None:
        counted = rebuild(options["sop"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Statistics rebuilt: {counted['records']} records, {counted['cycles']} cycles."
            )
        )
