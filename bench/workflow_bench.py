"""Figures of the engine and pages: transitions, bulk seeding, page cost by size, audit check.

Run: DJANGO_DEBUG=1 .venv/bin/python bench/workflow_bench.py  (a throw-away SQLite database
unless DATABASE_URL is set). Prints medians and ratios; asserts nothing.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sop_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
_tmp = tempfile.mkdtemp(prefix="sop-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_MEDIA_ROOT", f"{_tmp}/media")
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from sop_portal.demo import ensure_people, seed_bulk  # noqa: E402
from workflow.extensions import muted as extensions_muted  # noqa: E402
from workflow.models import Cycle, SopDefinition, State  # noqa: E402
from workflow.services import execute_transition, start_cycle  # noqa: E402
from workflow.signals import muted, transition_executed  # noqa: E402

PAGES = ("/", "/cycles/", "/dashboard/")


def page_medians(client: Client) -> dict[str, tuple[float, int]]:
    """Median milliseconds and SQL queries of each page over 15 requests (after one warm-up)."""
    result = {}
    for path in PAGES:
        client.get(path)
        times, queries = [], []
        for _ in range(15):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
            times.append(time.perf_counter() - started)
            queries.append(len(ctx))
            assert response.status_code == 200, (path, response.status_code)
        result[path] = (statistics.median(times) * 1000, int(statistics.median(queries)))
    return result


def main() -> None:
    call_command("migrate", verbosity=0)
    people = ensure_people("bench-password-1")
    print(f"database: {connection.vendor}")
    client = Client()
    client.force_login(people["inspektur"])
    seed_bulk(20)
    small_count = Cycle.objects.count()
    small = page_medians(client)

    with extensions_muted(), muted(transition_executed):
        timings, queries = [], []
        for _ in range(60):
            cycle = start_cycle(
                sop=SopDefinition.in_force("perencanaan-kinerja"),
                title="Bench",
                year=2026,
                actor=people["inspektur"],
            )
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                execute_transition(
                    cycle_id=cycle.pk,
                    transition_name="complete_step_1",
                    actor=people["inspektur"],
                    expected_state=State.for_step(1),
                )
            timings.append(time.perf_counter() - started)
            queries.append(len(ctx))
    print(
        f"execute_transition (step 1, engine alone):"
        f" median {statistics.median(timings) * 1000:.1f} ms,"
        f" min {min(timings) * 1000:.1f} ms, max {max(timings) * 1000:.1f} ms,"
        f" {statistics.median(queries):.0f} SQL queries"
    )

    runs = []
    for _ in range(3):
        started = time.perf_counter()
        seed_bulk(1000)
        runs.append(time.perf_counter() - started)
    print(
        f"seed_demo --cycles 1000: median {statistics.median(runs):.1f} s over {len(runs)} runs"
        f" (min {min(runs):.1f} s, max {max(runs):.1f} s); goal: under 60 s"
    )

    total = Cycle.objects.count()
    large = page_medians(client)
    for path in PAGES:
        (ms_small, q_small), (ms_large, q_large) = small[path], large[path]
        print(
            f"page {path}: {small_count} cycles {ms_small:.1f} ms / {q_small} queries;"
            f" {total} cycles {ms_large:.1f} ms / {q_large} queries;"
            f" ratio {ms_large / ms_small:.2f}"
        )

    runs = []
    for _ in range(3):
        started = time.perf_counter()
        call_command("verify_audit", stdout=open(os.devnull, "w"))  # noqa: SIM115
        runs.append(time.perf_counter() - started)
    records = sum(Cycle.objects.values_list("record_count", flat=True))
    print(
        f"verify_audit over {total} cycles / {records} records: median"
        f" {statistics.median(runs):.2f} s ({records / statistics.median(runs):,.0f} records/s)"
    )


if __name__ == "__main__":
    main()
