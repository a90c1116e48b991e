"""The SOP page on a phone: the chart scrolls inside its own box, never the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def test_sop_page_at_phone_width_scrolls_the_chart_in_its_own_box(page, portal, people, screenshot):
    page.set_viewport_size({"width": 360, "height": 780})
    portal.login(people["staf"])
    portal.go("/sop/perencanaan-kinerja/")
    chart_box = page.get_by_role("region", name="Diagram alir prosedur (dapat digulir ke samping)")
    expect(chart_box).to_be_visible()
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 360
    assert chart_box.evaluate("box => box.scrollWidth > box.clientWidth")
    chart_box.focus()
    expect(chart_box).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.sop-flow').scrollLeft > 0", timeout=5_000
    )
    expect(page.get_by_role("table", name="Setiap langkah")).to_contain_text(
        "Hasil Laporan Pengukuran kinerja"
    )
    screenshot("12-sop-phone")
