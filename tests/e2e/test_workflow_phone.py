"""At 360 px wide: the cycle list and the late list keep the deadline and the status in sight,
and the dashboard chart's text stays legible."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.workflow.helpers import advance_to, new_cycle
from workflow.models import Cycle, State

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

PHONE = {"width": 360, "height": 780}


@pytest.fixture
def late_cycles(people):
    """Two late cycles: one at step 4 (the SOP's Peringatan), one at step 5 with two reports."""
    at_4 = advance_to(new_cycle(people, 2025), people, State.for_step(4))
    at_5 = advance_to(new_cycle(people, 2026), people, State.for_step(5))
    from tests.workflow.helpers import run

    for who in ("sekretaris", "irban1"):
        run(at_5, "report_unit", people[who], report="Data unit")
    Cycle.objects.filter(pk__in=[at_4.pk, at_5.pk]).update(
        due_at=timezone.now() - timedelta(days=3)
    )
    return at_4, at_5


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _in_view_horizontally(locator) -> None:
    box = locator.bounding_box()
    assert box is not None and box["width"] > 0
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_cycle_list_keeps_deadline_and_status_visible_at_360_px(
    page, portal, people, late_cycles, screenshot
):
    page.set_viewport_size(PHONE)
    portal.login(people["inspektur"])
    portal.go("/cycles/")
    rows = page.locator("#cycle-table tbody tr")
    expect(rows).to_have_count(2)
    for i in range(2):
        row = rows.nth(i)
        status = row.locator("td[data-label='Status']")
        deadline = row.locator("td[data-label='Batas waktu langkah']")
        expect(status).to_be_visible()
        expect(deadline).to_be_visible()
        expect(deadline).to_contain_text("Terlambat")
        _in_view_horizontally(status)
        _in_view_horizontally(deadline)
        expect(row.locator("td[data-label='Kemajuan']")).to_be_hidden()
    _no_sideways_scroll(page)
    screenshot("phone-cycle-list")


def test_late_list_keeps_deadline_status_and_who_must_act_visible_at_360_px(
    page, portal, people, late_cycles, screenshot
):
    page.set_viewport_size(PHONE)
    portal.login(people["inspektur"])
    portal.go("/dashboard/")
    rows = page.locator("#late-list tbody tr")
    expect(rows).to_have_count(2)
    for i in range(2):
        row = rows.nth(i)
        for label in ("Batas waktu", "Status", "Harus bertindak"):
            cell = row.locator(f"td[data-label='{label}']")
            expect(cell).to_be_visible()
            _in_view_horizontally(cell)
    expect(rows.nth(1)).to_contain_text("Irban II, Irban III, Irban IV")
    _no_sideways_scroll(page)
    screenshot("phone-dashboard")


def test_dashboard_chart_text_is_at_least_11_px_at_360_px(page, portal, people, late_cycles):
    page.set_viewport_size(PHONE)
    portal.login(people["inspektur"])
    portal.go("/dashboard/")
    chart = page.locator("svg.chart-svg")
    expect(chart).to_be_visible()
    _in_view_horizontally(chart)
    heights = chart.locator("text").evaluate_all(
        "nodes => nodes.map(n => n.getBoundingClientRect().height)"
    )
    # A text's box is about 1.15 times its font size; 11 px type gives a box of 12.5 px or more.
    assert min(heights) >= 12.5


def test_cycle_page_at_step_5_names_the_units_still_to_report_at_360_px(
    page, portal, people, late_cycles, screenshot
):
    _at_4, at_5 = late_cycles
    page.set_viewport_size(PHONE)
    portal.login(people["inspektur"])
    portal.go(f"/cycles/{at_5.pk}/")
    box = page.locator("#current-step")
    expect(box).to_contain_text("3 unit belum melapor")
    expect(box).to_contain_text("Irban I: dilaporkan oleh")
    _no_sideways_scroll(page)
    screenshot("phone-cycle-step-5")


def test_returned_step_is_loud_on_the_inbox_card_at_360_px(page, portal, people, screenshot):
    from tests.workflow.helpers import run

    cycle = advance_to(new_cycle(people, 2026), people, State.for_step(7))
    run(cycle, "return_step_7", people["sekretaris"], reason="Sesuaikan data realisasi.")
    page.set_viewport_size(PHONE)
    portal.login(people["tim1"])
    card = page.locator(".list-group-item", has_text=cycle.title)
    expect(card).to_contain_text("Dikembalikan")
    expect(card).to_contain_text("Sesuaikan data realisasi.")
    _no_sideways_scroll(page)
    screenshot("phone-inbox-returned")
