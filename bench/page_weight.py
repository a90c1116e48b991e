"""What each main page weighs on the wire on a first visit, served as in production.

Collects the static files (hashed and compressed by whitenoise), starts gunicorn with DEBUG off
on a throw-away SQLite database with the demo seeded, signs in as each role in Chromium with an
empty cache and sums the encoded bytes of every response of each page (HTML, CSS, JS, fonts,
images). Prints a table page -> KB; asserts nothing (the browser tests keep the 150 KB budget).

Run: .venv/bin/python bench/page_weight.py   (needs Chromium at /usr/bin/chromium)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _serving import free_port, manage, wait_for
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "sop-bench-weight"  # noqa: S105 - demo accounts of a throw-away database
BUDGET_KB = 150

# The ids the page list needs, read from the seeded database.
IDS_SCRIPT = """
import json
from documents.models import SignedDocument
from sop_portal.demo import DEMO_CYCLE_TITLES
from workflow.models import Cycle
ids = {k: Cycle.objects.get(title=t).pk for k, t in DEMO_CYCLE_TITLES.items()}
ids["token"] = SignedDocument.objects.get(cycle_id=ids["completed"]).token
print(json.dumps(ids))
"""


def _pages(ids: dict) -> dict[str | None, list[tuple[str, str]]]:
    """The main pages, each as the person who uses it (None: not signed in)."""
    return {
        None: [("login", "/accounts/login/"), ("verify", f"/verify/{ids['token']}/")],
        "inspektur": [
            ("inbox (inspektur)", "/"),
            ("cycle list", "/cycles/"),
            ("cycle just started", f"/cycles/{ids['started']}/"),
            ("cycle at step 5", f"/cycles/{ids['step_5']}/"),
            ("cycle completed", f"/cycles/{ids['completed']}/"),
            ("dashboard", "/dashboard/"),
            ("SOP page", "/sop/"),
            ("step form 1", f"/cycles/{ids['started']}/complete_step_1/"),
        ],
        "sekretaris": [("inbox (sekretaris)", "/")],
        "irban1": [("inbox (irban1)", "/")],
        "tim1": [
            ("inbox (tim1)", "/"),
            ("measurement table", f"/cycles/{ids['step_5']}/measurements/"),
        ],
        "staf1": [("inbox (staf1)", "/")],
    }


def measure(base: str, pages: dict) -> list[tuple[str, int, int]]:
    """(page, bytes on the wire, responses) of each page, each visit with an empty cache."""
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for person, visits in pages.items():
            state = None
            if person:
                context = browser.new_context()
                page = context.new_page()
                page.goto(base + "/accounts/login/")
                page.fill("#id_username", person)
                page.fill("#id_password", PASSWORD)
                page.locator("main form button[type=submit]").click()
                page.wait_for_url(base + "/")
                state = context.storage_state()
                context.close()
            for name, path in visits:
                # A new context for each page: its cache is empty, only the sign-in is kept.
                context = browser.new_context(storage_state=state)
                page = context.new_page()
                finished: list = []
                page.on("requestfinished", lambda request, seen=finished: seen.append(request))
                response = page.goto(base + path, wait_until="load")
                if response is None or response.status != 200:
                    raise SystemExit(f"{path} answered {response.status if response else None}")
                total = 0
                for request in finished:
                    sizes = request.sizes()
                    total += sizes["responseHeadersSize"] + sizes["responseBodySize"]
                rows.append((name, total, len(finished)))
                context.close()
        browser.close()
    return rows


def main() -> None:
    if not Path(CHROMIUM).exists():
        print(f"page weight skipped: no Chromium at {CHROMIUM} (apt-get install chromium)")
        return
    tmp = Path(tempfile.mkdtemp(prefix="sop-weight-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp}/weight.sqlite3",
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        "DJANGO_STATIC_ROOT": str(tmp / "static"),
        "SIGNING_PKCS12_PATH": str(tmp / "signer.p12"),
        # Without debug the portal refuses a key without a passphrase: a throw-away one.
        "SIGNING_PKCS12_PASSPHRASE": os.urandom(16).hex(),
        "DEMO_PASSWORD": PASSWORD,
    }
    dev = {**env, "DJANGO_DEBUG": "1"}
    # Production: DEBUG off, a throw-away key, plain HTTP on localhost (the settings' own switch).
    prod = {
        **env,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.urandom(32).hex(),
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
    }
    manage(dev, "migrate", "--noinput")
    manage(dev, "create_signing_cert")
    manage(dev, "seed_demo")
    ids = json.loads(manage(dev, "shell", "-c", IDS_SCRIPT).strip().splitlines()[-1])
    manage(prod, "collectstatic", "--noinput")
    port = free_port()
    base = f"http://localhost:{port}"
    server = subprocess.Popen(  # noqa: S603 - gunicorn from this venv
        [PYTHON, "-m", "gunicorn", "sop_portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"],
        cwd=ROOT,
        env=prod,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(base + "/healthz/")
        rows = measure(base, _pages(ids))
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"{'page (first visit, empty cache)':<34} {'KB':>7} {'responses':>10}")
    for name, total, count in rows:
        print(f"{name:<34} {total / 1024:>7.1f} {count:>10}")
    heaviest = max(total for _, total, _ in rows) / 1024
    print(f"heaviest page: {heaviest:.1f} KB (budget {BUDGET_KB} KB)")


if __name__ == "__main__":
    main()
