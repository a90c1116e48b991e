"""Every main page at 1,000 and 100,000 cycles on PostgreSQL, served as in production, beside
the hello-world floor (/healthz/) of the same run.

For each size: a fresh database, the demo and the cycles (the generator's time is a figure) and
each page's in-process cost (milliseconds, SQL queries: bench/page_profile.py). Then a gunicorn per
size (two workers, DEBUG off), a session signed in per person, and wrk with 16 connections against
each page at every size back to back, then again in reverse order (A B B A): the machine's drift
over the minutes falls on both sizes alike (req/s, share of the floor, p50 and p95, the mean of the
two runs). One table at the end, with the ratio between the smallest and the largest size.
Prints, never asserts.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/sop_bench .venv/bin/python bench/scale_bench.py
     [SIZE ...]   (or SCALE_BENCH_SIZES=1000,10000; default 1000,100000)
Needs PostgreSQL (DATABASE_URL names the server; the bench makes and drops its own databases,
named after it with a _scale_<size> suffix) and wrk (apt-get install wrk; without it only the
in-process figures are printed). SCALE_BENCH_SECONDS sets each wrk run (default 5).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from _serving import free_port, manage, wait_for

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PASSWORD = "sop-bench-scale"  # noqa: S105 - demo accounts of a throw-away database
DEFAULT_SIZES = (1000, 100_000)
CONNECTIONS = 16

# wrk prints percentiles only up to its --latency set (50/75/90/99): p95 comes from this script.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def sizes() -> list[int]:
    """The numbers of cycles to measure: argv, else SCALE_BENCH_SIZES, else 1,000 and 100,000."""
    raw = sys.argv[1:] or os.environ.get("SCALE_BENCH_SIZES", "").replace(",", " ").split()
    return [int(value.replace("_", "")) for value in raw] or list(DEFAULT_SIZES)


# --- databases -------------------------------------------------------------------------------
def server_and_name(url: str) -> tuple[str, str]:
    """(the server's URL without a database, the database name) of a PostgreSQL URL."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="")), parts.path.lstrip("/") or "sop"


def fresh_database(server: str, name: str) -> str:
    """Drop and create the database `name` on `server`; its URL."""
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def drop_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- cycles ----------------------------------------------------------------------------------
def generate_cycles(env: dict[str, str], count: int) -> float:
    """Make `count` cycles on top of the demo with the generator; the seconds it took."""
    started = time.perf_counter()
    manage(env, "generate_cycles", str(count))
    return time.perf_counter() - started


# --- serving ---------------------------------------------------------------------------------
class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _cookies(headers) -> dict[str, str]:
    found = {}
    for header in headers.get_all("Set-Cookie") or []:
        name, _eq, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def sign_in(base: str, username: str) -> str:
    """A Cookie header of `username` signed in through the login form (any session engine)."""
    opener = urllib.request.build_opener(_NoRedirect)
    with opener.open(base + "/accounts/login/") as response:
        cookies = _cookies(response.headers)
        page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - local server
        base + "/accounts/login/",
        data=form,
        headers={"Cookie": f"csrftoken={cookies['csrftoken']}", "Referer": base + "/"},
    )
    try:
        opener.open(request)
    except urllib.error.HTTPError as redirect:  # the 302 after a successful login
        cookies.update(_cookies(redirect.headers))
    if "sessionid" not in cookies:
        raise SystemExit(f"could not sign in as {username}")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def status_of(url: str, cookie: str | None) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@dataclass
class Load:
    """What wrk measured of one page: requests per second, p50 and p95 in ms, failures."""

    rps: float
    p50_ms: float
    p95_ms: float
    failed: int


def wrk(url: str, cookie: str | None, seconds: int, script: Path) -> Load:
    args = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s"]
    args += ["-s", str(script)]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(  # noqa: S603 - wrk from the system's packages, local URL
        [*args, url], check=True, capture_output=True, text=True
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH "))
    requests, duration_us, p50, p95, errors, status = (int(v) for v in line.split()[1:])
    return Load(requests / (duration_us / 1e6), p50 / 1000, p95 / 1000, errors + status)


# --- one size --------------------------------------------------------------------------------
@dataclass
class SizeResult:
    """Everything measured at one number of cycles."""

    size: int
    generator_seconds: float
    prod_env: dict[str, str] = field(default_factory=dict)
    in_process: dict[str, dict] = field(default_factory=dict)
    load: dict[str, Load] = field(default_factory=dict)
    note: str = ""


def prepare_size(size: int, url: str, tmp: Path) -> SizeResult:
    """Demo and `size` cycles in the fresh database `url`, each page's in-process cost."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_MEDIA_ROOT": str(tmp / f"media-{size}"),
        "DJANGO_STATIC_ROOT": str(tmp / "static"),
        "SIGNING_PKCS12_PATH": str(tmp / f"signer-{size}.p12"),
        "SIGNING_PKCS12_PASSPHRASE": "bench-" + os.urandom(8).hex(),
        "DEMO_PASSWORD": PASSWORD,
    }
    dev = {**env, "DJANGO_DEBUG": "1"}
    prod = {
        **env,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.urandom(32).hex(),
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
    }
    manage(dev, "migrate", "--noinput")
    manage(dev, "create_signing_cert")
    manage(dev, "seed_demo")
    seconds_taken = generate_cycles(dev, size)
    print(f"{size} cycles: generate_cycles {size} in {seconds_taken:.1f} s", flush=True)
    result = SizeResult(size, seconds_taken, prod_env=prod)
    profile = subprocess.run(  # noqa: S603 - our own script
        [PYTHON, str(ROOT / "bench" / "page_profile.py"), "--json"],
        env=prod,
        check=True,
        capture_output=True,
        text=True,
    )
    in_process = json.loads(profile.stdout.strip().splitlines()[-1])
    result.in_process = {row["name"]: row for row in in_process["pages"]}
    return result


# --- under load ------------------------------------------------------------------------------
@dataclass
class Served:
    """A gunicorn serving one size's database, and a signed-in cookie per person."""

    result: SizeResult
    base: str
    process: subprocess.Popen
    cookies: dict[str, str] = field(default_factory=dict)


def serve(result: SizeResult, people: set[str]) -> Served:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(  # noqa: S603 - gunicorn from this venv
        [PYTHON, "-m", "gunicorn", "sop_portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"],
        cwd=ROOT,
        env=result.prod_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    served = Served(result, base, process)
    wait_for(base + "/healthz/")
    served.cookies = {person: sign_in(base, person) for person in people}
    return served


def load_all(results: list[SizeResult], seconds: int, tmp: Path) -> None:
    """Each page under load at every size, the sizes back to back and then in reverse order
    (A B B A): the machine drifts over minutes, and a page's sizes measured far apart would
    compare the drift, not the page. A size's figures are the mean of its two runs."""
    script = tmp / "percentiles.lua"
    script.write_text(WRK_SCRIPT)
    pages = list(results[0].in_process.values())
    people = {page["person"] for page in pages if page["person"]}
    manage(results[0].prod_env, "collectstatic", "--noinput")
    servers = []
    try:
        for result in results:
            servers.append(serve(result, people))
        for page in pages:
            runs: dict[int, list[Load]] = {}
            for served in [*servers, *reversed(servers)]:
                url, cookie = served.base + page["path"], served.cookies.get(page["person"])
                status = status_of(url, cookie)
                if status != 200:
                    print(f"  {page['name']}: HTTP {status}, not loaded", flush=True)
                    break
                wrk(url, cookie, 1, script)  # warm both workers
                runs.setdefault(served.result.size, []).append(wrk(url, cookie, seconds, script))
            for served in servers:
                measured = runs.get(served.result.size)
                if not measured or len(measured) < 2:
                    continue
                load = Load(
                    rps=statistics.mean(run.rps for run in measured),
                    p50_ms=statistics.mean(run.p50_ms for run in measured),
                    p95_ms=statistics.mean(run.p95_ms for run in measured),
                    failed=sum(run.failed for run in measured),
                )
                served.result.load[page["name"]] = load
                print(
                    f"  {page['name']:<24} {served.result.size:>7,} cycles {load.rps:>8.1f} req/s"
                    f"  p50 {load.p50_ms:>7.1f} ms  p95 {load.p95_ms:>7.1f} ms",
                    flush=True,
                )
    finally:
        for served in servers:
            served.process.terminate()
            served.process.wait(timeout=30)


# --- the table -------------------------------------------------------------------------------
def report(results: list[SizeResult]) -> None:
    floor_name = "healthz (floor)"
    names = list(results[0].in_process)
    print()
    print("Pages under load: gunicorn 2 workers, DEBUG off, PostgreSQL, wrk 16 connections")
    if os.environ.get("REDIS_URL"):
        print("Cache and sessions: Redis (REDIS_URL), sessions cached_db")
    else:
        print("Cache: local memory per worker; sessions in the database (no REDIS_URL)")
    head = f"{'page':<24}"
    for r in results:
        head += f" | {f'{r.size:,} cycles: req/s':>20} {'floor':>6} {'p50':>6} {'p95':>6}"
    if len(results) > 1:
        head += f" | {'cost x':>6}"
    print(head)
    for name in names:
        line = f"{name:<24}"
        for r in results:
            load, floor = r.load.get(name), r.load.get(floor_name)
            if load is None:
                line += f" | {'-':>20} {'':>6} {'':>6} {'':>6}"
                continue
            share = f"{load.rps * 100 / floor.rps:.1f}%" if floor else "-"
            line += f" | {load.rps:>20.1f} {share:>6} {load.p50_ms:>6.1f} {load.p95_ms:>6.1f}"
        first, last = results[0].load.get(name), results[-1].load.get(name)
        if len(results) > 1 and first and last and last.rps:
            # How many times its own cost at the smallest size (by throughput).
            line += f" | {first.rps / last.rps:>6.2f}"
        print(line)
    print("(floor: share of the hello-world view's req/s in the same run; p50/p95 in ms;")
    print(f" cost x: req/s at {results[0].size:,} over req/s at {results[-1].size:,})")
    print()
    print("In process (DEBUG off, test client): median ms and SQL queries per request")
    head = f"{'page':<24}"
    for r in results:
        head += f" | {f'{r.size:,}: ms':>14} {'queries':>7} {'SQL ms':>7}"
    print(head)
    for name in names:
        line = f"{name:<24}"
        for r in results:
            row = r.in_process.get(name)
            line += f" | {row['ms']:>14.1f} {row['queries']:>7} {row['sql_ms']:>7.1f}"
        print(line)
    print()
    for r in results:
        print(f"generator: generate_cycles {r.size} took {r.generator_seconds:.1f} s")
        if r.note:
            print(f"  {r.note}")


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("scale bench skipped: it needs DATABASE_URL pointing at PostgreSQL")
        return
    if shutil.which("wrk") is None:
        print("wrk is missing (apt-get install wrk): only the in-process figures are measured")
    server, base_name = server_and_name(url)
    seconds = int(os.environ.get("SCALE_BENCH_SECONDS", "5"))
    tmp = Path(tempfile.mkdtemp(prefix="sop-scale-"))
    names = {size: f"{base_name}_scale_{size}" for size in sizes()}
    try:
        results = [
            prepare_size(size, fresh_database(server, name), tmp) for size, name in names.items()
        ]
        if shutil.which("wrk") is None:
            for result in results:
                result.note = "wrk missing (apt-get install wrk): load not measured"
        else:
            load_all(results, seconds, tmp)
        report(results)
    finally:
        if not os.environ.get("SCALE_BENCH_KEEP"):
            for name in names.values():
                drop_database(server, name)


if __name__ == "__main__":
    main()
