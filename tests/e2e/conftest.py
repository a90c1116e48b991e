"""Real-browser tests: Debian Chromium driven by Playwright against the live server."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in this thread; Django's ORM calls of the fixtures are
# still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PASSWORD = "rahasia-uji-123"  # the password of tests.factories.UserFactory

# Shared machines are noisy: wait longer than Playwright's 5 s before calling a page wrong.
expect.set_options(timeout=20_000)


def pytest_collection_modifyitems(config, items):
    """Without Chromium the browser tests are skipped (one line says why), or fail in CI."""
    if CHROMIUM.exists() or os.environ.get("REQUIRE_BROWSER") == "1":
        return  # with REQUIRE_BROWSER=1 the fixture below fails each test instead
    reason = f"e2e skipped: no Chromium at {CHROMIUM} (apt-get install chromium)"
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _require_browser():
    if not CHROMIUM.exists() and os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but there is no Chromium at {CHROMIUM}")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def signing(settings, tmp_path):
    """A self-signed signing certificate and private media for the live server."""
    from documents.signing import create_self_signed_pkcs12

    path = tmp_path / "signer.p12"
    create_self_signed_pkcs12(
        path, "uji-e2e", common_name="SOP Portal Uji", organisation="Inspektorat Uji"
    )
    settings.SIGNING_PKCS12_PATH = str(path)
    settings.SIGNING_PKCS12_PASSPHRASE = "uji-e2e"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot of the current page under var/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def portal(page, live_server):
    """Helpers to sign in and out of the live portal as one of the test people."""

    class Portal:
        url = live_server.url

        def go(self, path: str) -> None:
            page.goto(self.url + path)

        def login(self, user) -> None:
            self.go("/accounts/login/")
            page.fill("#id_username", user.username)
            page.fill("#id_password", PASSWORD)
            page.get_by_role("button", name="Masuk", exact=True).click()
            page.wait_for_url(self.url + "/")

        def logout(self) -> None:
            toggler = page.locator(".navbar-toggler")
            if toggler.is_visible():  # phone width: the menu is folded
                toggler.click()
                # Click once the menu has finished opening, not while it slides.
                expect(page.locator(".navbar-collapse")).to_have_class(re.compile(r"\bshow\b"))
            with page.expect_navigation(url="**/accounts/login/**"):
                page.get_by_role("button", name="Keluar").click()

    return Portal()
