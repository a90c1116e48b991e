"""The rows of the inbox and the cycle list are kept once rendered, under a key of what they show:
a kept row is the row rendered afresh, and any change to what it shows is seen at once."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sop_portal import rendered
from tests.workflow.helpers import run
from workflow import selectors
from workflow.models import Cycle, State


def _rows(client, url: str, name: str) -> list[str]:
    return [str(html) for html in client.get(url).context[name]]


def test_a_kept_inbox_item_is_the_item_rendered_afresh(people, login, cycle_at):
    cycle = cycle_at(State.for_step(7))
    run(cycle, "return_step_7", people["sekretaris"], reason="Target belum sesuai RENSTRA.")
    client = login(people["tim1"])
    fresh = _rows(client, "/", "item_html")
    assert "Dikembalikan" in fresh[0]
    assert _rows(client, "/", "item_html") == fresh


def test_a_kept_cycle_row_is_the_row_rendered_afresh(people, login, cycle_at):
    cycle_at(State.for_step(4))
    client = login(people["staf"])
    fresh = _rows(client, "/cycles/", "row_html")
    assert _rows(client, "/cycles/", "row_html") == fresh


def test_the_inbox_reads_the_returns_only_for_the_items_it_renders(people, login, cycle_at):
    cycle_at(State.for_step(4))
    client = login(people["staf"])
    client.get("/")  # the person's roles are kept after the first request
    cache.clear()
    client.force_login(people["staf"])
    with CaptureQueriesContext(connection) as rendering:
        client.get("/")
    with CaptureQueriesContext(connection) as kept:
        client.get("/")
    assert any("workflow_steprecord" in q["sql"] for q in rendering.captured_queries)
    assert not any("workflow_steprecord" in q["sql"] for q in kept.captured_queries)


def test_a_cycle_that_moves_on_shows_its_new_step_in_the_list_at_once(people, login, cycle_at):
    cycle = cycle_at(State.for_step(2))
    client = login(people["staf"])
    assert "Langkah 2" in _rows(client, "/cycles/", "row_html")[0]
    run(cycle, "complete_step_2", people["sekretaris"], team=[people["tim1"], people["tim2"]])
    assert "Langkah 3" in _rows(client, "/cycles/", "row_html")[0]


def test_a_step_retitled_in_the_admin_shows_its_new_title_at_once(people, login, cycle_at):
    cycle = cycle_at(State.for_step(4))
    client = login(people["staf"])
    client.get("/")
    client.get("/cycles/")
    step = cycle.sop.steps.get(number=4)
    step.title = "Menyusun konsep dokumen (judul baru)"
    step.save()
    assert "(judul baru)" in _rows(client, "/", "item_html")[0]
    assert "(judul baru)" in _rows(client, "/cycles/", "row_html")[0]


def test_a_cycle_renamed_outside_the_portal_shows_its_new_title_at_once(people, login, cycle_at):
    cycle = cycle_at(State.for_step(4))
    client = login(people["staf"])
    client.get("/cycles/")
    Cycle.objects.filter(pk=cycle.pk).update(title="Perencanaan Kinerja (nama baru)")
    assert "(nama baru)" in _rows(client, "/cycles/", "row_html")[0]


def test_a_kept_row_turns_late_when_its_step_falls_due(people, login, cycle_at, monkeypatch):
    cycle = cycle_at(State.for_step(4))
    client = login(people["staf"])
    assert "Terlambat" not in _rows(client, "/", "item_html")[0]
    assert "Terlambat" not in _rows(client, "/cycles/", "row_html")[0]
    later = cycle.due_at + timedelta(minutes=1)

    class Later:
        """The pages' clock, a minute after the step fell due (the session's clock runs on)."""

        def __getattr__(self, name):
            return getattr(timezone, name)

        @staticmethod
        def now():
            return later

    monkeypatch.setattr(selectors, "timezone", Later())
    assert "Terlambat" in _rows(client, "/", "item_html")[0]
    assert "Terlambat" in _rows(client, "/cycles/", "row_html")[0]


def test_kept_rows_follow_the_language_asked(people, login, cycle_at):
    cycle_at(State.for_step(4))
    client = login(people["staf"])
    assert "Langkah 4" in _rows(client, "/", "item_html")[0]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Step 4" in _rows(client, "/", "item_html")[0]
    assert "Step 4" in _rows(client, "/cycles/", "row_html")[0]


def test_new_code_gives_every_row_a_new_key(monkeypatch):
    """A deploy that changes a template never serves rows laid out by the code before it."""
    before = rendered.content_key("row", ["workflow/_cycle_row.html", "id", 1])
    monkeypatch.setattr(rendered, "code_version", lambda: "the next release")
    assert rendered.content_key("row", ["workflow/_cycle_row.html", "id", 1]) != before


def _cycle_page(client, cycle) -> dict:
    return client.get(f"/cycles/{cycle.pk}/").context


def test_a_kept_history_is_the_history_rendered_afresh(people, login, cycle_at):
    cycle = cycle_at(State.for_step(6))
    client = login(people["inspektur"])
    fresh = [str(html) for _record, html in _cycle_page(client, cycle)["record_entries"]]
    kept = [str(html) for _record, html in _cycle_page(client, cycle)["record_entries"]]
    assert kept == fresh
    assert len(kept) == cycle.records.count()


def test_a_unit_renamed_shows_its_new_name_in_the_kept_history(people, login, cycle_at):
    cycle = cycle_at(State.for_step(6))
    client = login(people["inspektur"])
    client.get(f"/cycles/{cycle.pk}/")
    unit = people["irban1"].unit
    unit.name = "Inspektur Pembantu Wilayah I (nama baru)"
    unit.save()
    history = [str(html) for _record, html in _cycle_page(client, cycle)["record_entries"]]
    assert any("(nama baru)" in html for html in history)


def test_the_kept_history_still_offers_its_actor_the_correction(people, login, cycle_at):
    cycle = cycle_at(State.for_step(3))
    login(people["staf"]).get(f"/cycles/{cycle.pk}/")  # kept by someone who may not correct
    page = login(people["sekretaris"]).get(f"/cycles/{cycle.pk}/").content.decode()
    assert "Koreksi catatan ini" in page


def test_the_kept_flowchart_follows_the_cycle_to_its_next_step(people, login, cycle_at):
    cycle = cycle_at(State.for_step(2))
    client = login(people["inspektur"])
    before = str(_cycle_page(client, cycle)["flowchart"])
    run(cycle, "complete_step_2", people["sekretaris"], team=[people["tim1"], people["tim2"]])
    after = str(_cycle_page(client, cycle)["flowchart"])
    assert after != before
    assert str(_cycle_page(client, cycle)["flowchart"]) == after
