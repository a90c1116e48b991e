"""The test suite's settings: the portal's own, read as on a developer's machine.

`pytest` alone, with no environment (no `make`, no .env), runs the suite: like `make test`, it reads
the development defaults (DJANGO_DEBUG=1: a development secret key, SQLite under var/). Whatever
the environment sets (DATABASE_URL for PostgreSQL, REDIS_URL) still wins. pytest-django runs the
tests themselves with DEBUG off.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from sop_portal.settings import *  # noqa: F403
