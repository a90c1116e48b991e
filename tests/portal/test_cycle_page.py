from workflow.models import State


def test_staf_cannot_see_return_button_at_step_7(people, login, cycle_at):
    cycle = cycle_at(State.for_step(7))
    page = login(people["staf"]).get(f"/cycles/{cycle.pk}/").content.decode()
    assert f"/cycles/{cycle.pk}/return_step_7/" not in page


def test_sekretaris_sees_approve_and_return_at_step_7(people, login, cycle_at):
    cycle = cycle_at(State.for_step(7))
    page = login(people["sekretaris"]).get(f"/cycles/{cycle.pk}/").content.decode()
    assert f"/cycles/{cycle.pk}/complete_step_7/" in page
    assert f"/cycles/{cycle.pk}/return_step_7/" in page


def test_cycle_page_draws_the_flowchart_with_decisions(people, login, cycle_at):
    cycle = cycle_at(State.for_step(7))
    page = login(people["staf"]).get(f"/cycles/{cycle.pk}/").content.decode()
    assert "<svg" in page
    assert "Tidak" in page
    assert "Ya" in page


def test_cycle_page_says_done_steps_in_words(people, login, cycle_at):
    cycle = cycle_at(State.for_step(3))
    page = login(people["staf"]).get(f"/cycles/{cycle.pk}/").content.decode()
    assert "Selesai, tepat waktu" in page
    assert "Sedang berjalan" in page


def test_cycle_page_shows_the_reason_of_a_return(people, login, cycle_at):
    from tests.workflow.helpers import run

    cycle = cycle_at(State.for_step(7))
    run(cycle, "return_step_7", people["sekretaris"], reason="Target indikator 3 belum sesuai")
    page = login(people["staf"]).get(f"/cycles/{cycle.pk}/").content.decode()
    assert "Target indikator 3 belum sesuai" in page


def test_cycle_page_includes_the_documents_panel(people, login, cycle_at):
    cycle = cycle_at(State.for_step(4))
    response = login(people["staf"]).get(f"/cycles/{cycle.pk}/")
    assert "documents/_cycle_documents.html" in [t.name for t in response.templates]


def test_inspektur_sees_the_cancel_button_of_an_open_cycle(people, login, cycle_at):
    cycle = cycle_at(State.for_step(3))
    page = login(people["inspektur"]).get(f"/cycles/{cycle.pk}/").content.decode()
    assert f"/cycles/{cycle.pk}/cancel/" in page


def test_cycle_page_current_step_box_shows_the_return(people, login, cycle_at):
    from tests.workflow.helpers import run

    cycle = cycle_at(State.for_step(7))
    run(cycle, "return_step_7", people["sekretaris"], reason="Lengkapi data Irban III")
    page = login(people["inspektur"]).get(f"/cycles/{cycle.pk}/").content.decode()
    box = page[page.index('id="current-step"') : page.index('aria-labelledby="flow-title"')]
    assert "Dikembalikan" in box
    assert "Lengkapi data Irban III" in box
    assert people["sekretaris"].full_name in box


def test_inspektur_sees_at_step_5_which_units_have_not_reported(people, login, cycle_at):
    from tests.workflow.helpers import run

    cycle = cycle_at(State.for_step(5))
    run(cycle, "report_unit", people["sekretaris"], report="Data Sekretariat")
    run(cycle, "report_unit", people["irban3"], report="Data Irban III")
    page = login(people["inspektur"]).get(f"/cycles/{cycle.pk}/").content.decode()
    box = page[page.index('id="current-step"') : page.index('aria-labelledby="flow-title"')]
    assert "3 unit belum melapor" in box
    for unit in ("Irban I", "Irban II", "Irban IV"):
        assert f"{unit}: belum melapor" in box
    assert f"Irban III: dilaporkan oleh {people['irban3'].full_name}" in box


def test_the_cycle_page_reads_the_copies_handed_out_only_once_the_original_is_archived(
    people, login, cycle_at
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cycle = cycle_at(State.for_step(5))
    client = login(people["inspektur"])
    client.get(f"/cycles/{cycle.pk}/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/cycles/{cycle.pk}/").status_code == 200
    assert not any("documents_distribution" in q["sql"] for q in ctx.captured_queries)
