"""Make the demo inspectorate: accounts per role and cycles walked through the real transitions."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sop_portal.demo import DEMO_PEOPLE, seed_base, seed_bulk


class Command(BaseCommand):
    help = (
        "Create the demo accounts (password DEMO_PASSWORD) and three demo cycles; "
        "--cycles N adds N more. Refuses to run with DJANGO_DEBUG off."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--cycles", type=int, default=0, help="Add N more assorted cycles.")

    def handle(self, *args, cycles: int = 0, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo makes accounts with a known password: it runs only with DJANGO_DEBUG=1."
            )
        made = seed_base(settings.DEMO_PASSWORD)
        if made:
            self.stdout.write(f"Demo cycles made: {', '.join(made)}.")
            names = ", ".join(p[0] for p in DEMO_PEOPLE)
            self.stdout.write(f"Demo accounts: {names} (password from DEMO_PASSWORD).")
        else:
            self.stdout.write("Demo data already present: nothing changed.")
        if cycles:
            started = time.perf_counter()
            seed_bulk(cycles)
            seconds = time.perf_counter() - started
            self.stdout.write(f"Added {cycles} assorted cycles in {seconds:.1f} s.")
