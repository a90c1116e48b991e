"""The cache, the session engine and the task queue follow the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ = (
    "import json; from django.conf import settings; print(json.dumps({"
    "'cache': settings.CACHES['default']['BACKEND'], "
    "'location': settings.CACHES['default'].get('LOCATION', ''), "
    "'sessions': settings.SESSION_ENGINE, "
    "'queue_app': 'procrastinate.contrib.django' in settings.INSTALLED_APPS}))"
)
POSTGRES = "postgres://postgres@127.0.0.1:5432/sop_portal_never_connected"


def _settings(**env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "CACHE_URL", "TASK_QUEUE")
    }
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", READ],
        cwd=ROOT,
        env={**clean, "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _read(**env: str) -> dict:
    result = _settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_redis_the_cache_is_local_memory_and_sessions_live_in_the_database():
    found = _read()
    assert found["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert found["sessions"] == "django.contrib.sessions.backends.db"


def test_redis_url_puts_the_cache_in_redis_and_sessions_in_the_cache_backed_by_the_database():
    found = _read(REDIS_URL="redis://127.0.0.1:6379/3")
    assert found["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert found["location"] == "redis://127.0.0.1:6379/3"
    assert found["sessions"] == "django.contrib.sessions.backends.cached_db"


def test_a_shared_cache_url_also_backs_the_sessions():
    found = _read(CACHE_URL="pymemcache://127.0.0.1:11211")
    assert found["cache"].startswith("django.core.cache.backends.memcached.")
    assert found["sessions"] == "django.contrib.sessions.backends.cached_db"


def test_the_queue_tables_come_with_postgresql_only():
    assert _read(DATABASE_URL=POSTGRES)["queue_app"] is True
    assert _read()["queue_app"] is False


def test_a_task_queue_without_postgresql_is_a_clear_start_up_error():
    result = _settings(TASK_QUEUE="procrastinate")
    assert result.returncode != 0
    assert "TASK_QUEUE=procrastinate keeps its jobs in PostgreSQL" in result.stderr


def test_an_unknown_task_queue_is_a_clear_start_up_error():
    result = _settings(TASK_QUEUE="celery", DATABASE_URL=POSTGRES)
    assert result.returncode != 0
    assert "TASK_QUEUE='celery' is not known" in result.stderr
