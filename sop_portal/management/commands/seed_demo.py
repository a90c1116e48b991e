"""Make the demo inspectorate: accounts per role and cycles walked through the real transitions."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sop_portal.demo import DEMO_PEOPLE, seed_base
from workflow.generator import WORKERS, generate


class Command(BaseCommand):
    help = (
        "Create the demo accounts (password DEMO_PASSWORD) and three demo cycles; "
        "--cycles N adds N more of every published SOP (the generator: records as the service "
        "writes them, no files, no e-mail). Refuses to run with DJANGO_DEBUG off."
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
            self.stdout.write(generate(cycles, workers=WORKERS).summary())
