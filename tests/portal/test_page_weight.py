"""What keeps a page light on a slow link: no icon font, htmx only where used, gzipped HTML."""

import gzip
import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.test import Client

from workflow.models import State


def test_icons_are_inline_svg_hidden_from_screen_readers():
    html = Template('{% icon "inbox" "fs-1" %}').render(Context())
    assert html.startswith("<svg")
    assert 'class="bi bi-inbox fs-1"' in html
    assert 'aria-hidden="true"' in html
    assert "<path" in html


def test_no_page_loads_the_icon_font(people, login, cycle_at):
    cycle = cycle_at(State.for_step(5))
    client = login(people["inspektur"])
    for url in [
        "/",
        "/cycles/",
        f"/cycles/{cycle.pk}/",
        "/dashboard/",
        "/sop/perencanaan-kinerja/",
    ]:
        page = client.get(url).content.decode()
        assert "bootstrap-icons" not in page, url
        assert '<i class="bi' not in page, url


def test_htmx_is_loaded_only_by_the_cycle_list(people, login):
    client = login(people["inspektur"])
    assert "htmx.min.js" in client.get("/cycles/").content.decode()
    for url in ["/", "/dashboard/", "/sop/perencanaan-kinerja/"]:
        assert "htmx.min.js" not in client.get(url).content.decode(), url


def test_pages_are_sent_gzipped_to_browsers_that_accept_it(db):
    response = Client().get("/accounts/login/", headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert b"Masuk ke SOP Portal" in gzip.decompress(response.content)


def test_the_filtered_cycle_table_announces_its_count_in_the_live_region(people, login, cycle_at):
    cycle_at(State.for_step(2))
    client = login(people["inspektur"])
    full = client.get("/cycles/").content.decode()
    region = re.search(r'<p id="cycle-count"[^>]*>(.*?)</p>', full, re.S)
    assert 'aria-live="polite"' in region.group(0)
    assert "1 siklus ditemukan" in region.group(1)
    partial = client.get("/cycles/?q=tidak-ada", headers={"hx-request": "true"}).content.decode()
    assert 'hx-swap-oob="innerHTML:#cycle-count"' in partial
    assert "0 siklus ditemukan" in partial


def test_every_icon_a_template_names_exists_in_the_package():
    templates = Path(settings.BASE_DIR) / "templates"
    names = {
        name
        for path in templates.rglob("*.html")
        for name in re.findall(r'{% icon "([a-z0-9-]+)"', path.read_text(encoding="utf-8"))
    }
    assert names, "no template uses {% icon %}"
    icons = Path(settings.NODE_MODULES_DIR) / "bootstrap-icons" / "icons"
    assert {name for name in names if not (icons / f"{name}.svg").exists()} == set()
