"""Two app servers, one PostgreSQL (and one Redis when reachable): no sticky sessions needed.

Starts two gunicorn instances on two ports with production settings (DEBUG off) against a
throw-away PostgreSQL database with the demo seeded, then checks, as a browser would:

- a person signs in on server A and the session is followed on server B;
- a transition run through B is seen on A;
- failed logins counted on A lock the name on B (django-axes counts in the database);
- a sign-out on A ends the session on B;
- with Redis: the verification page's rate limit counts requests to A and B together.

Prints each check and exits non-zero if one fails. PostgreSQL: DATABASE_URL's server (the
database named there is left alone; a new one is made beside it and dropped), or
postgres://postgres@127.0.0.1:5432. Redis: REDIS_URL, or redis://127.0.0.1:6379/0 if it answers;
the keys carry a prefix of their own and are removed at the end (nothing is flushed).

Run: .venv/bin/python scripts/two_servers.py [--no-redis]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PASSWORD = "sop-two-servers"  # noqa: S105 - demo accounts of a throw-away database
FAILURE_LIMIT = 3
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"

# The hashed names' manifest, without whitenoise's compression of every file (a minute of CPU
# for files these checks never ask for); whitenoise serves from the same manifest.
COLLECT_MANIFEST = """
from django.conf import settings
from django.core.management import call_command
settings.STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
}
call_command("collectstatic", interactive=False, verbosity=0)
"""

STARTED_CYCLE = """
from sop_portal.demo import DEMO_CYCLE_TITLES
from workflow.models import Cycle
print(Cycle.objects.get(title=DEMO_CYCLE_TITLES["started"]).pk)
"""


class Browser:
    """A browser without JavaScript: keeps its cookies (whatever their Secure flag, as behind
    the HTTPS proxy) and the CSRF token, follows no redirect by itself."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self, base: str, method: str, path: str, data: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        host, port = urllib.parse.urlsplit(base).netloc.split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        headers = {"Host": f"{host}:{port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie, _sep, _attributes = value.partition(";")
                key, _eq, val = cookie.partition("=")
                val = val.strip().strip('"')
                if val:
                    self.cookies[key.strip()] = val
                else:
                    self.cookies.pop(key.strip(), None)
        found = {k.lower(): v for k, v in response.getheaders()}
        connection.close()
        return response.status, found, text

    def get(self, base: str, path: str) -> tuple[int, dict[str, str], str]:
        return self.request(base, "GET", path)

    def submit(self, base: str, path: str, fields: dict[str, str]) -> tuple[int, dict, str]:
        """GET the form at `path`, then POST it with its hidden fields and `fields`."""
        status, _headers, page = self.get(base, path)
        if status != 200:
            raise RuntimeError(f"GET {path} on {base} answered {status}")
        hidden = dict(
            (unescape(n), unescape(v))
            for n, v in re.findall(
                r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page, flags=re.I
            )
        )
        return self.request(base, "POST", path, {**hidden, **fields})

    def log_in(self, base: str, username: str, password: str) -> int:
        status, _headers, _page = self.submit(
            base, "/accounts/login/", {"username": username, "password": password}
        )
        return status


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if Browser().get(base, "/healthz/")[0] == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer at {base}")


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


@contextmanager
def throw_away_database() -> Iterator[str]:
    """A new PostgreSQL database on DATABASE_URL's server, dropped at the end."""
    import psycopg

    server = urllib.parse.urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES)
    if not server.scheme.startswith("postgres"):
        raise SystemExit("two_servers needs PostgreSQL: set DATABASE_URL to a PostgreSQL server")
    name = f"sop_portal_two_servers_{os.getpid()}"
    admin = server._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def reachable_redis() -> str:
    """REDIS_URL, or the local Redis if one answers; "" when there is none."""
    import redis

    url = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("REDIS_URL"):
            raise SystemExit(f"REDIS_URL is set but no Redis answers at {url}") from None
        return ""
    return url


def forget_keys(url: str, prefix: str) -> None:
    import redis

    server = redis.Redis.from_url(url)
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


@contextmanager
def _removed(folder: Path) -> Iterator[None]:
    try:
        yield
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def servers(env: dict[str, str], count: int = 2) -> Iterator[list[str]]:
    """`count` gunicorn instances (two workers each) on ports of their own."""
    processes, bases = [], []
    try:
        for _ in range(count):
            port = _free_port()
            command = [PYTHON, "-m", "gunicorn", "sop_portal.wsgi", "-w", "2"]
            processes.append(
                subprocess.Popen(  # noqa: S603 - gunicorn from this venv
                    [*command, "-b", f"127.0.0.1:{port}"],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        for base in bases:
            _wait_for(base)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


def checks(a: str, b: str, cycle_id: int, redis_url: str) -> list[tuple[str, bool, str]]:
    """Each check: (what, passed, what was seen)."""
    results = []

    inspektur = Browser()
    status = inspektur.log_in(a, "inspektur", PASSWORD)
    status_b, _h, inbox = inspektur.get(b, "/")
    results.append(
        (
            "signed in on A, the session is followed on B",
            status == 302 and status_b == 200 and "Tugas Saya" in inbox,
            f"login on A {status}, inbox on B {status_b}",
        )
    )

    step_url = f"/cycles/{cycle_id}/complete_step_1/"
    status, headers, _page = inspektur.submit(b, step_url, {"comment": "Lewat server B."})
    _s, _h, cycle_page = inspektur.get(a, f"/cycles/{cycle_id}/")
    moved = "Lewat server B." in cycle_page and ">Langkah 2<" in cycle_page
    results.append(
        (
            "a transition run through B is seen on A",
            status == 302 and moved,
            f"POST on B {status} -> {headers.get('location', '')}, step 2 pending on A: {moved}",
        )
    )

    guesser = Browser()
    failures = [guesser.log_in(a, "staf1", "salah-" + str(n)) for n in range(FAILURE_LIMIT)]
    locked = Browser().log_in(b, "staf1", PASSWORD)
    results.append(
        (
            f"{FAILURE_LIMIT} failed logins on A lock the name on B",
            locked == 429,
            f"failures on A {failures}, right password on B {locked}",
        )
    )

    follower = Browser()
    follower.cookies = dict(inspektur.cookies)
    before = follower.get(b, "/")[0]
    # The CSRF cookie (renewed at sign-in) is the token a page's sign-out form would send.
    logout = inspektur.request(
        a,
        "POST",
        "/accounts/logout/",
        {"csrfmiddlewaretoken": inspektur.cookies.get("csrftoken", "")},
    )[0]
    after, headers, _page = follower.get(b, "/")
    results.append(
        (
            "a sign-out on A ends the session on B",
            before == 200 and after == 302 and "/accounts/login/" in headers.get("location", ""),
            f"B before {before}, sign-out on A {logout}, B after {after}",
        )
    )

    if redis_url:
        visitor = Browser()
        codes = [visitor.get(base, "/verify/tidak-terdaftar/")[0] for base in (a, b, a, b, a)]
        results.append(
            (
                "the verification page's limit (4/min) counts A and B together (Redis)",
                codes == [404, 404, 404, 404, 429],
                f"answers A,B,A,B,A: {codes}",
            )
        )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--no-redis", action="store_true", help="run without Redis even if one answers"
    )
    started = time.monotonic()
    redis_url = "" if parser.parse_args().no_redis else reachable_redis()
    prefix = f"sop-two-servers-{secrets.token_hex(4)}"
    tmp = Path(tempfile.mkdtemp(prefix="sop-two-servers-"))
    with throw_away_database() as database_url, _removed(tmp):
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_MEDIA_ROOT": str(tmp / "media"),
            "DJANGO_STATIC_ROOT": str(tmp / "static"),
            "SIGNING_PKCS12_PATH": str(tmp / "signer.p12"),
            "SIGNING_PKCS12_PASSPHRASE": secrets.token_hex(16),
            "DEMO_PASSWORD": PASSWORD,
            "AXES_FAILURE_LIMIT": str(FAILURE_LIMIT),
            "VERIFY_RATE_PAGE": "4/m",
            "CACHE_KEY_PREFIX": prefix,
        }
        env.pop("REDIS_URL", None)
        env.pop("TASK_QUEUE", None)
        if redis_url:
            env["REDIS_URL"] = redis_url
        dev = {**env, "DJANGO_DEBUG": "1"}
        # Production as the servers run it; plain HTTP on loopback, no proxy in front.
        prod = {
            **env,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_hex(32),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_PROXY_COUNT": "0",
        }
        _manage(dev, "migrate", "--noinput")
        _manage(dev, "create_signing_cert")
        _manage(dev, "seed_demo")
        cycle_id = int(_manage(dev, "shell", "-c", STARTED_CYCLE).strip().splitlines()[-1])
        _manage(prod, "shell", "-c", COLLECT_MANIFEST)
        try:
            with servers(prod) as (a, b):
                results = checks(a, b, cycle_id, redis_url)
        finally:
            if redis_url:
                forget_keys(redis_url, prefix)
    cache = f"Redis at {redis_url}" if redis_url else "no Redis (sessions in the database)"
    print(f"two app servers, PostgreSQL, {cache}:")
    for what, passed, seen in results:
        print(f"  {'ok  ' if passed else 'FAIL'} {what}: {seen}")
    if not redis_url:
        print("  --   the shared rate limit needs Redis: not checked")
    print(f"done in {time.monotonic() - started:.1f} s")
    return 0 if all(passed for _what, passed, _seen in results) else 1


if __name__ == "__main__":
    sys.exit(main())
