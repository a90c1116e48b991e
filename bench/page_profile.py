"""Where each main page spends its time, in one process, on the database DATABASE_URL names.

For every page of `PAGES`: the median wall time of a request, its SQL queries and the time spent
in SQL, served with DEBUG off (cached templates, as in production) through Django's test client
signed in as the page's person. `--profile NAME` adds cProfile's heaviest functions of that page;
`--explain NAME` prints EXPLAIN ANALYZE of that page's slowest queries (PostgreSQL).

Run: DATABASE_URL=postgres://... .venv/bin/python bench/page_profile.py [--profile inbox]
The database needs the demo (seed_demo) and any number of cycles. Prints, asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Page:
    """One page of the bench: its name, who looks at it (None: nobody signed in), its path."""

    name: str
    person: str | None
    path: str


def pages(ids: dict[str, object]) -> list[Page]:
    """The pages measured at every size, with the ids of the demo's cycles (`demo_ids`)."""
    plan = "perencanaan-kinerja"
    return [
        Page("healthz (floor)", None, "/healthz/"),
        Page("inbox (inspektur)", "inspektur", "/"),
        Page("inbox (sekretaris)", "sekretaris", "/"),
        Page("inbox (irban1)", "irban1", "/"),
        Page("inbox (tim1)", "tim1", "/"),
        Page("inbox (staf1)", "staf1", "/"),
        Page("cycle list", "staf1", "/cycles/"),
        Page("cycle list filtered", "staf1", f"/cycles/?sop={plan}&state=open&late=1"),
        Page("cycle list by year", "staf1", "/cycles/?year=2024&state=completed"),
        # A word in a page of titles or more at every size, and one title of its own.
        Page("cycle list searched", "staf1", "/cycles/?q=uji+1"),
        Page("cycle list, one title", "staf1", "/cycles/?q=uji+777%29"),
        Page("cycle page", "inspektur", f"/cycles/{ids['step_5']}/"),
        Page("dashboard (per SOP)", "inspektur", f"/dashboard/?sop={plan}"),
        Page("dashboard (first SOP)", "sekretaris", "/dashboard/"),
        Page("SOP book", "staf1", "/sop/"),
        Page("SOP page", "staf1", f"/sop/{plan}/"),
        Page("monitoring report", "inspektur", f"/cycles/{ids['completed']}/monitoring.pdf"),
    ]


def configure_production_like() -> None:
    """Environment of a production process (DEBUG off, cached templates) for this process."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sop_portal.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", os.urandom(32).hex())
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault("SIGNING_PKCS12_PASSPHRASE", "sop-portal-development-only")


def demo_ids() -> dict[str, object]:
    """The ids of the demo's cycles by their key in DEMO_CYCLE_TITLES."""
    from sop_portal.demo import DEMO_CYCLE_TITLES
    from workflow.models import Cycle

    titles = {title: key for key, title in DEMO_CYCLE_TITLES.items()}
    rows = Cycle.objects.filter(title__in=titles).values_list("title", "pk")
    return {titles[title]: pk for title, pk in rows}


@dataclass
class Cost:
    """What one page cost in process: median milliseconds (wall and this process's CPU), SQL
    queries and SQL milliseconds. CPU time is the Python side (views, templates) and holds when
    other processes load the machine; wall time includes waiting for the database."""

    ms: float
    cpu_ms: float
    queries: int
    sql_ms: float
    status: int
    size: int


def measure(page: Page, clients: dict, repeat: int = 15) -> Cost:
    """The median cost of `page` over `repeat` requests, after one request that warms up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = clients[page.person]
    client.get(page.path)
    times, cpu, sql, counts = [], [], [], []
    response = None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(page.path)
            body = b"".join(response) if response.streaming else response.content
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        counts.append(len(ctx.captured_queries))
        sql.append(sum(float(q["time"]) for q in ctx.captured_queries))
    return Cost(
        ms=statistics.median(times) * 1000,
        cpu_ms=statistics.median(cpu) * 1000,
        queries=int(statistics.median(counts)),
        sql_ms=statistics.median(sql) * 1000,
        status=response.status_code,
        size=len(body),
    )


def signed_in_clients(people: list[str | None]) -> dict:
    """A test client per person, signed in (None: a client nobody signed in)."""
    from django.test import Client

    from workflow.models import User

    clients = {}
    for person in set(people):
        client = Client()
        if person:
            client.force_login(User.objects.get(username=person))
        clients[person] = client
    return clients


def profile(page: Page, clients: dict, repeat: int = 30) -> str:
    """cProfile's heaviest functions (cumulative) of `repeat` requests of `page`."""
    client = clients[page.person]
    client.get(page.path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        client.get(page.path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)
    return out.getvalue()


def captured(page: Page, clients: dict) -> list[dict]:
    """The SQL queries of one request of `page`, after one request that warms up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = clients[page.person]
    client.get(page.path)
    with CaptureQueriesContext(connection) as ctx:
        client.get(page.path)
    return ctx.captured_queries


def explain(page: Page, clients: dict, top: int = 4) -> str:
    """EXPLAIN ANALYZE of the slowest queries of one request of `page` (PostgreSQL only)."""
    from django.db import connection

    slowest = sorted(captured(page, clients), key=lambda q: -float(q["time"]))[:top]
    out = []
    with connection.cursor() as cursor:
        for query in slowest:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            out.append(f"-- {float(query['time']) * 1000:.1f} ms\n{sql}\n{plan}\n")
    return "\n".join(out)


def queries(page: Page, clients: dict) -> str:
    """Every SQL query of one request of `page`, in order, with its milliseconds."""
    return "\n".join(
        f"{float(q['time']) * 1000:6.1f} ms  {q['sql'][:300]}" for q in captured(page, clients)
    )


def static_storage_without_manifest() -> None:
    """Serve {% static %} without collectstatic's manifest (this bench measures pages only)."""
    from django.conf import settings
    from django.test.signals import setting_changed

    storages = {**settings.STORAGES}
    storages["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    settings.STORAGES = storages
    setting_changed.send(sender=None, setting="STORAGES", value=storages, enter=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", help="cProfile the pages whose name contains this")
    parser.add_argument("--explain", help="EXPLAIN the pages whose name contains this")
    parser.add_argument("--queries", help="list the SQL of the pages whose name contains this")
    parser.add_argument("--only", help="measure only the pages whose name contains this")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    args = parser.parse_args()
    configure_production_like()
    import django

    django.setup()
    static_storage_without_manifest()
    from django.db import connection

    from workflow.models import Cycle

    ids = demo_ids()
    chosen = [p for p in pages(ids) if not args.only or args.only in p.name]
    clients = signed_in_clients([p.person for p in chosen])
    if args.json:
        rows = [{**asdict(page), **asdict(measure(page, clients))} for page in chosen]
        print(json.dumps({"cycles": Cycle.objects.count(), "pages": rows}))
        return
    print(f"{connection.vendor}, {Cycle.objects.count()} cycles")
    print(f"{'page':<24} {'ms':>7} {'CPU ms':>7} {'queries':>8} {'SQL ms':>7} {'KB':>6}")
    for page in chosen:
        cost = measure(page, clients)
        flag = "" if cost.status == 200 else f"  (HTTP {cost.status})"
        print(
            f"{page.name:<24} {cost.ms:>7.1f} {cost.cpu_ms:>7.1f} {cost.queries:>8} "
            f"{cost.sql_ms:>7.1f} "
            f"{cost.size / 1024:>6.1f}{flag}"
        )
    for page in chosen:
        if args.profile is not None and args.profile in page.name:
            print(f"\n== cProfile of {page.name}\n{profile(page, clients)}")
        if args.queries is not None and args.queries in page.name:
            print(f"\n== SQL of {page.name}\n{queries(page, clients)}")
        if args.explain is not None and args.explain in page.name:
            print(f"\n== EXPLAIN of {page.name}\n{explain(page, clients)}")


if __name__ == "__main__":
    main()
