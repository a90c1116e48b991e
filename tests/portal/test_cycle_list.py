import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflow import selectors
from workflow.models import Cycle, State


def test_cycle_list_filters_by_year(people, login, cycle_at):
    old, new = cycle_at(State.for_step(2), 2025), cycle_at(State.for_step(2), 2026)
    page = login(people["staf"]).get("/cycles/?year=2025").content.decode()
    assert old.title in page
    assert new.title not in page


def test_cycle_list_searches_the_title(people, login, cycle_at):
    cycle = cycle_at(State.for_step(2), 2025)
    page = login(people["staf"]).get("/cycles/?q=tidak-ada").content.decode()
    assert cycle.title not in page


def test_cycle_list_filters_late_cycles(people, login, cycle_at):
    from datetime import timedelta

    from django.utils import timezone

    from workflow.models import Cycle

    late, on_time = cycle_at(State.for_step(2), 2025), cycle_at(State.for_step(2), 2026)
    Cycle.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    page = login(people["staf"]).get("/cycles/?late=1").content.decode()
    assert late.title in page
    assert on_time.title not in page


def test_cycle_list_filters_by_state(people, login, cycle_at):
    later = cycle_at(State.for_step(3), 2025)
    page = login(people["staf"]).get("/cycles/?state=step_1").content.decode()
    assert later.title not in page


def test_cycle_list_answers_htmx_with_the_table_only(people, login, cycle_at):
    cycle_at(State.for_step(2))
    response = login(people["staf"]).get("/cycles/", headers={"HX-Request": "true"})
    assert b"<html" not in response.content


def test_inspektur_sees_the_start_cycle_form(people, login):
    assert 'action="/cycles/start/"' in login(people["inspektur"]).get("/cycles/").content.decode()


def test_staf_does_not_see_the_start_cycle_form(people, login):
    assert 'action="/cycles/start/"' not in login(people["staf"]).get("/cycles/").content.decode()


def test_inspektur_starts_a_cycle(people, login):
    response = login(people["inspektur"]).post(
        "/cycles/start/",
        {"sop": "perencanaan-kinerja", "title": "Perencanaan Kinerja Tahun 2027", "year": 2027},
    )
    assert response.status_code == 302


def test_starting_a_cycle_offers_every_sop_in_force(people, login):
    client = login(people["inspektur"])
    form = client.get("/cycles/start/").context["form"]
    codes = [code for code, _label in form.fields["sop"].choices]
    assert codes == ["perencanaan-kinerja", "contoh-reviu-laporan-keuangan"]
    response = client.post(
        "/cycles/start/",
        {"sop": "contoh-reviu-laporan-keuangan", "title": "Reviu LKPD 2026", "year": 2026},
    )
    cycle = Cycle.objects.get(title="Reviu LKPD 2026")
    assert response.status_code == 302 and cycle.sop.code == "contoh-reviu-laporan-keuangan"
    assert cycle.pending_step == cycle.sop.steps.get(number=1)


def test_a_cycle_starts_only_from_an_sop_in_force(people, login):
    from workflow.models import SopDefinition

    SopDefinition.objects.filter(code="contoh-reviu-laporan-keuangan").update(status="superseded")
    response = login(people["inspektur"]).post(
        "/cycles/start/",
        {"sop": "contoh-reviu-laporan-keuangan", "title": "Reviu LKPD 2026", "year": 2026},
    )
    assert response.status_code == 200 and "sop" in response.context["form"].errors
    assert not Cycle.objects.filter(title="Reviu LKPD 2026").exists()


def test_staf_cannot_start_a_cycle(people, login):
    response = login(people["staf"]).post("/cycles/start/", {"title": "X", "year": 2027})
    assert response.status_code == 403


def test_cycle_list_query_count_does_not_grow_with_cycles(people, login, many_cycles):
    """From more than a page to 500 (a first page that holds every cycle is one query fewer)."""
    client = login(people["staf"])
    many_cycles(selectors.PAGE_SIZE + 5)
    client.get("/cycles/")  # warm: roles and permissions are kept after a first request
    with CaptureQueriesContext(connection) as few:
        client.get("/cycles/")
    many_cycles(500 - selectors.PAGE_SIZE - 5)
    with CaptureQueriesContext(connection) as many:
        client.get("/cycles/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_search_ignores_a_nul_byte_and_other_control_characters(people, login, cycle_at):
    cycle = cycle_at(State.for_step(2), 2025)
    response = login(people["staf"]).get("/cycles/", {"q": "Tahun\x00 2025\x07\x1b"})
    assert response.status_code == 200
    assert response.context["filters"]["q"] == "Tahun 2025"
    assert cycle.title in response.content.decode()


def test_year_filter_ignores_digits_that_are_not_a_year(people, login, cycle_at):
    cycle = cycle_at(State.for_step(2), 2025)
    client = login(people["staf"])
    for year in ("²⁰²⁵", "99999999999999999999999", "2025\x00"):
        response = client.get("/cycles/", {"year": year})
        assert response.status_code == 200
        assert cycle.title in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_search_with_a_nul_byte_is_no_error_on_postgresql(reference_data, people, login):
    from django.db import connection as db

    if db.vendor != "postgresql":
        pytest.skip("PostgreSQL refuses a NUL in a query; SQLite has the test above")
    from tests.workflow.helpers import new_cycle

    cycle = new_cycle(people, 2025)
    response = login(people["staf"]).get("/cycles/?q=Tahun%00&year=2025%00&state=%00")
    assert response.status_code == 200
    assert cycle.title in response.content.decode()


def test_cycle_table_keeps_the_deadline_and_the_status_on_a_phone(people, login, cycle_at):
    cycle_at(State.for_step(2), 2025)
    page = login(people["staf"]).get("/cycles/").content.decode()
    row = page[page.index("<tbody>") : page.index("</tbody>")]
    # On a phone the table becomes cards and only .stack-optional cells are left out.
    assert 'class="table table-hover align-middle table-stack"' in page
    for label in ("Status", "Batas waktu langkah"):
        cell = row[row.index(f'data-label="{label}"') :]
        assert cell[: cell.index(">")].count("stack-optional") == 0
    for label in ("Tahun", "Kemajuan"):
        cell = row[row.index(f'data-label="{label}"') :]
        assert "stack-optional" in cell[: cell.index(">")]
