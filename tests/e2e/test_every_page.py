"""Every main page, in a real browser: accessible (axe), light, phone-wide, and within its policy.

One browser context visits each main page as the person who uses it, in Indonesian and English, at
desktop (1280 px) and phone (360 px) width, and checks on each visit: 0 critical and 0 serious
axe-core findings, no sideways scrolling of the page at 360 px, at most 150 KB on the wire with an
empty cache, and no Content-Security-Policy violation. It saves a screenshot of each page at phone
width under var/screenshots/.
"""

from __future__ import annotations

import gzip
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from playwright.sync_api import expect

from documents.demo import DEMO_MEASUREMENT_ROWS
from documents.models import SignedDocument
from documents.services import save_measurement_rows
from sop_portal.demo import DEMO_CYCLE_TITLES, ensure_people, seed_base
from tests.e2e.conftest import SCREENSHOTS
from tests.workflow.helpers import advance_to, new_cycle
from workflow import sop_editor
from workflow.models import Cycle, State

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

AXE = Path(settings.NODE_MODULES_DIR) / "axe-core" / "axe.min.js"
BUDGET_BYTES = 150 * 1024
PHONE, DESKTOP = 360, 1280
DEMO_PASSWORD = "sandi-demo-uji"


# The innermost elements that reach past the right edge, outside any scrolling box: where a
# sideways scroll of the page comes from.
WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => { for (let a = e.parentElement; a; a = a.parentElement) {
    if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return false; }
    return true; })
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.')).join(', ')"""


@dataclass
class Sweep:
    """What the sweep found, page by page; empty when every page keeps every rule."""

    problems: list[str] = field(default_factory=list)
    weights: dict[str, int] = field(default_factory=dict)

    def add(self, where: str, problem: str) -> None:
        self.problems.append(f"{where}: {problem}")


def _wire_bytes(request) -> int:
    """Bytes of one response on the wire (headers and encoded body).

    The test server sends static files as they are; production sends whitenoise's compressed
    copies, so an uncompressed static file counts at its gzip size (brotli, which Chromium asks
    for, is smaller still). Pages themselves are gzipped by the portal in both.
    """
    response = request.response()
    if response is None:
        return 0
    sizes = request.sizes()
    body = sizes["responseBodySize"]
    static = "/static/" in request.url and response.status == 200
    if static and not response.header_value("content-encoding"):
        body = len(gzip.compress(response.body(), compresslevel=9))
    return sizes["responseHeadersSize"] + body


def _axe_findings(page) -> list[str]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the browser's debugger protocol, which the page's policy does not
        # govern: the portal itself never serves axe.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"axe {v['impact']} {v['id']}: {v['help']} ({v['nodes'][0]['target']})"
        for v in result["violations"]
        if v["impact"] in ("critical", "serious")
    ]


def _check(page, url: str, name: str, language: str, sweep: Sweep, seen: dict) -> None:
    """Visit one page at both widths and note every rule it breaks."""
    finished, csp = seen["finished"], seen["csp"]
    for width in (DESKTOP, PHONE):
        where = f"{name} [{language}, {width}px]"
        page.set_viewport_size({"width": width, "height": 800})
        finished.clear()
        csp.clear()
        response = page.goto(url, wait_until="load")
        if response is None or response.status != 200:
            sweep.add(where, f"status {response.status if response else 'none'}")
            continue
        weight = sum(_wire_bytes(r) for r in finished)
        sweep.weights[where] = weight
        if weight > BUDGET_BYTES:
            sweep.add(where, f"{weight / 1024:.1f} KB on the wire (budget 150 KB)")
        for message in csp:
            sweep.add(where, f"Content-Security-Policy: {message}")
        for finding in _axe_findings(page):
            sweep.add(where, finding)
        if width == PHONE:
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            if overflow > 0:
                wide = page.evaluate(WIDE_ELEMENTS)
                sweep.add(where, f"the page scrolls sideways by {overflow}px ({wide})")
            if language == "id":
                page.screenshot(path=str(SCREENSHOTS / f"phone-{name}.png"), full_page=True)


def _login(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(base + "/")


def _cycle_at(state: str, year: int, people) -> Cycle:
    """A cycle walked to `state`; past step 3 its team has filled the measurement table."""
    cycle = advance_to(new_cycle(people, year), people, State.for_step(3))
    if state == State.for_step(2):
        return advance_to(new_cycle(people, year + 100), people, state)
    if state != State.for_step(3):
        save_measurement_rows(cycle=cycle, actor=people["tim1"], rows=DEMO_MEASUREMENT_ROWS)
    return advance_to(cycle, people, state)


def _pages_by_person() -> dict[str | None, list[tuple[str, str]]]:
    """The main pages, each as the person who works on it (None: not signed in)."""
    people = ensure_people(DEMO_PASSWORD)
    demo = {key: Cycle.objects.get(title=title) for key, title in DEMO_CYCLE_TITLES.items()}
    # The SOP helpers name the staff member "staf"; the demo calls them staf1.
    helpers_people = {**people, "staf": people["staf1"]}
    states = [
        State.for_step(2),
        State.for_step(3),
        State.for_step(4),
        State.for_step(5),
        State.for_step(6),
    ]
    states += [State.for_step(7), State.for_step(8), State.for_step(9)]
    at = {state: _cycle_at(state, 2030 + i, helpers_people) for i, state in enumerate(states)}
    token = SignedDocument.objects.get(cycle=demo["completed"]).token
    example = demo["example"].sop.code
    # A draft revision of the example, for the SOP page of those who write SOPs.
    if sop_editor.draft_of(example) is None:
        sop_editor.start_revision(code=example, actor=people["inspektur"])

    def step(state, transition: str) -> str:
        cycle = demo["started"] if state is None else at[state]
        return f"/cycles/{cycle.pk}/{transition}/"

    return {
        None: [("/accounts/login/", "login"), (f"/verify/{token}/", "verify")],
        "inspektur": [
            ("/", "inbox-inspektur"),
            ("/cycles/", "cycle-list"),
            (f"/cycles/{demo['started'].pk}/", "cycle-started"),
            (f"/cycles/{demo['step_5'].pk}/", "cycle-step-5"),
            (f"/cycles/{demo['completed'].pk}/", "cycle-completed"),
            ("/dashboard/", "dashboard"),
            ("/sop/perencanaan-kinerja/", "sop"),
            ("/sop/", "sop-book"),
            (f"/sop/{example}/", "sop-example"),
            (f"/sop/{example}/edit/", "sop-editor"),
            ("/sop/new/", "sop-new"),
            (f"/cycles/{demo['example'].pk}/", "cycle-example"),
            (f"/dashboard/?sop={example}", "dashboard-example"),
            (step(None, "complete_step_1"), "step-1"),
            (step(None, "cancel"), "step-cancel"),
            (step(State.for_step(8), "complete_step_8"), "step-8"),
            (step(State.for_step(8), "return_step_8"), "step-8-return"),
        ],
        "sekretaris": [
            ("/", "inbox-sekretaris"),
            (step(State.for_step(2), "complete_step_2"), "step-2"),
            (step(State.for_step(7), "complete_step_7"), "step-7"),
            (step(State.for_step(7), "return_step_7"), "step-7-return"),
        ],
        "irban1": [
            ("/", "inbox-irban1"),
            (step(State.for_step(5), "report_unit"), "step-5-report"),
            (f"/cycles/{demo['example'].pk}/report_unit/", "example-report"),
        ],
        "tim1": [
            ("/", "inbox-tim1"),
            (step(State.for_step(3), "complete_step_3"), "step-3"),
            (step(State.for_step(6), "complete_step_6"), "step-6"),
            (f"/cycles/{at[State.for_step(3)].pk}/measurements/", "measurements"),
        ],
        "staf1": [
            ("/", "inbox-staf1"),
            (step(State.for_step(4), "complete_step_4"), "step-4"),
            (step(State.for_step(9), "complete_step_9"), "step-9"),
        ],
    }


def _note_csp_violation(message, violations: list[str]) -> None:
    """Chromium reports a refused script or style as a console error naming the policy."""
    text = message.text
    if message.type == "error" and ("Content Security Policy" in text or "Refused to" in text):
        violations.append(text)


def _seed_and_list_pages() -> dict[str | None, list[tuple[str, str]]]:
    seed_base(DEMO_PASSWORD)
    return _pages_by_person()


def _in_own_thread(function):
    """Run `function` away from Playwright's event loop (signing runs one of its own)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            return pool.submit(function).result()
        finally:
            pool.submit(connections.close_all).result()


def test_every_main_page_is_accessible_light_phone_wide_and_within_its_policy(
    browser, live_server, signing, capsys
):
    pages = _in_own_thread(_seed_and_list_pages)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sweep = Sweep()
    context = browser.new_context()
    page = context.new_page()
    # Every visit is a first visit: nothing comes from the browser's cache.
    devtools = context.new_cdp_session(page)
    devtools.send("Network.enable")
    devtools.send("Network.setCacheDisabled", {"cacheDisabled": True})
    seen: dict[str, list] = {"finished": [], "csp": []}
    page.on("requestfinished", lambda request: seen["finished"].append(request))
    page.on("console", lambda m: _note_csp_violation(m, seen["csp"]))
    page.on("pageerror", lambda error: sweep.add(page.url, f"script error: {error}"))
    base = live_server.url
    try:
        for person, visits in pages.items():
            if person:
                _login(page, base, person)
            else:
                page.context.clear_cookies()
            for language in ("id", "en"):
                context.add_cookies(
                    [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}]
                )
                for path, name in visits:
                    _check(page, base + path, name, language, sweep, seen)
    finally:
        context.close()
    with capsys.disabled():
        heaviest = sorted(sweep.weights.items(), key=lambda kv: -kv[1])[:3]
        print("\nheaviest pages:", ", ".join(f"{k} {v / 1024:.1f} KB" for k, v in heaviest))
    assert not sweep.problems, "\n".join(sweep.problems)


def _contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        r, g, b = (int(x) / 255 for x in re.findall(r"\d+", colour)[:3])
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_skip_link_is_visible_above_the_navbar_when_focused(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + "/accounts/login/")
    link = page.locator("a.skip-link")
    link.focus()
    box = link.bounding_box()
    assert box and box["width"] > 20 and box["height"] > 10
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('a.skip-link') !== null",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top, "the navbar covers the focused skip link"


def test_focus_outlines_contrast_at_least_3_to_1_with_what_is_around_them(page, live_server):
    page.goto(live_server.url + "/accounts/login/")
    for selector, around in [("#id_username", "body"), ("a.navbar-brand", "nav.navbar")]:
        page.locator(selector).focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus by keyboard, so :focus-visible applies
        style = page.evaluate(
            "(s) => { const c = getComputedStyle(document.querySelector(s));"
            " return [c.outlineStyle, parseFloat(c.outlineWidth), c.outlineColor]; }",
            selector,
        )
        background = page.evaluate(
            "(s) => getComputedStyle(document.querySelector(s)).backgroundColor", around
        )
        if background == "rgba(0, 0, 0, 0)":
            background = "rgb(255, 255, 255)"
        assert style[0] != "none" and style[1] >= 2, selector
        assert _contrast(style[2], background) >= 3, (selector, style[2], background)


def test_a_refused_login_moves_focus_to_the_error_summary(page, live_server):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "tidak-ada")
    page.fill("#id_password", "salah")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    assert page.title().startswith("Kesalahan: ")


def test_the_browser_refuses_an_inline_script_on_a_portal_page(page, live_server):
    violations: list[str] = []
    page.on("console", lambda m: _note_csp_violation(m, violations))
    page.goto(live_server.url + "/accounts/login/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = true'; document.body.append(s); }"
    )
    assert page.evaluate("() => window.injected === undefined")
    expect(page.locator("body")).to_be_visible()
    assert violations, "the refusal was not reported"


def test_a_link_of_the_error_summary_puts_the_cursor_into_its_field(page, live_server):
    page.goto(live_server.url + "/accounts/login/")
    page.locator("main form button[type=submit]").click()  # both fields empty
    page.wait_for_selector("#error-summary")
    page.locator("#error-summary a[href='#id_password']").click()
    assert page.evaluate("() => document.activeElement.id") == "id_password"


def test_the_filtered_cycle_table_announces_its_new_count(page, portal, people):
    for year in (2026, 2027):
        new_cycle(people, year)
    portal.login(people["inspektur"])
    portal.go("/cycles/")
    count = page.locator("#cycle-count")
    expect(count).to_have_text("2 siklus ditemukan")
    page.get_by_label("Cari judul").press_sequentially("2027")  # htmx filters on keyup
    expect(count).to_have_text("1 siklus ditemukan")
    expect(page.locator("#cycle-table tbody tr")).to_have_count(1)
    assert page.locator("#cycle-count[aria-live='polite']").count() == 1
