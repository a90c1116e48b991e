"""The task queue in tests: run the worker until the queue is empty, and read its jobs."""

from __future__ import annotations

import json
import threading
from typing import Any

from django.db import connection, connections
from procrastinate.contrib.django import app


def run_worker() -> None:
    """Run procrastinate's worker, as `manage.py procrastinate worker --one-shot` does, until
    every job is done (the jobs must be committed: transactional tests only).

    It runs in a thread of its own: the browser tests earlier in the session leave Playwright's
    event loop running in this one, where asyncio.run() refuses to start another."""
    failures: list[BaseException] = []

    def work() -> None:
        try:
            with app.replace_connector(app.connector.get_worker_connector()):
                app.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=work, name="procrastinate-worker")
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def jobs(**where: Any) -> list[dict[str, Any]]:
    """The queue's jobs (task name, status, arguments), oldest first."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT task_name, status, args FROM procrastinate_jobs ORDER BY id")
        # Django reads jsonb as text (its JSONField decodes it): so do we.
        rows = [
            {"task_name": name, "status": status, "args": json.loads(args)}
            for name, status, args in cursor
        ]
    return [row for row in rows if all(row[k] == v for k, v in where.items())]


def clear_jobs() -> None:
    """Empty the queue's tables: a transactional test's flush leaves them (procrastinate's models
    are unmanaged), and a job of an earlier test would run against an emptied database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_periodic_defers, "
            "procrastinate_workers RESTART IDENTITY CASCADE"
        )
