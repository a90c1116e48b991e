"""Make N cycles of every published SOP at once, as the service would have recorded them."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from workflow.generator import WORKERS, Generated, generate


class Command(BaseCommand):
    help = (
        "Add N cycles spread over every published SOP, with histories built by the state machine "
        "and records chained as the service writes them (no files, no e-mail). For volume: "
        "pages, dashboards, benchmarks. Refuses to run with DJANGO_DEBUG off."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("count", type=int, help="How many cycles to add.")
        parser.add_argument("--seed", type=int, default=2026, help="Seed of the random draws.")
        parser.add_argument(
            "--batch", type=int, default=1000, help="Cycles written per transaction."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=WORKERS,
            help="Processes that build and write batches side by side (PostgreSQL only).",
        )

    def handle(self, *args, count: int, seed: int, batch: int, workers: int, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "generate_cycles fills the database with made-up cycles: it runs only with "
                "DJANGO_DEBUG=1."
            )
        if min(count, batch, workers) < 1:
            raise CommandError("count, --batch and --workers must be at least 1.")
        verbosity = options["verbosity"]

        def progress(done: Generated) -> None:
            if verbosity > 1:
                self.stdout.write(f"  {done.cycles} cycles, {done.records} records")

        try:
            made = generate(count, seed=seed, batch_size=batch, workers=workers, progress=progress)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if connection.vendor == "postgresql":
            # Statistics and visibility maps for what was just loaded, as autovacuum would make
            # them later: the pages' plans and index-only scans are then an office's own.
            # VACUUM cannot run inside a transaction (a caller's atomic block, a test): then only
            # the statistics.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(made.summary())
